import * as z from 'zod';
import { DEFAULT_ANALYSIS_IMAGE, FACTORY_RELEASE_TAG, FACTORY_REPOSITORY } from '../analysis-image.js';
import {
  branch,
  duration,
  gitRef,
  httpUrl,
  imageReference,
  kubernetesLabelName,
  kubernetesName,
  platform,
  quantity,
  relativePath,
  repo,
} from './fields.js';

const secretKeyRef = (name: string, key: string) =>
  z
    .strictObject({
      name: kubernetesName.default(name).meta({ description: 'Secret name.' }),
      key: z.string().min(1).default(key).meta({ description: 'Key within the Secret.' }),
    })
    .prefault({});

/**
 * One Kargo webhook receiver of the Project (`ProjectConfig.spec.webhookReceivers`): off by default; the
 * Secret it names holds the key Kargo reads (see docs/webhooks.md) and is created by hand, never generated.
 */
const webhookReceiver = (provider: string, secretKey: string) =>
  z.strictObject({
    enabled: z
      .boolean()
      .default(false)
      .meta({ description: `Generate the ${provider} webhook receiver.` }),
    secretName: kubernetesName.default(`image-factory-webhook-${provider}`).meta({
      description: `Secret (in the Kargo project namespace) whose \`${secretKey}\` key the ${provider} receiver reads.`,
    }),
  });

/** `image-factory.yaml`: factory settings; every field is optional and defaults to the old tool's value. */
export const SettingsSchema = z
  .strictObject({
    kargo: z
      .strictObject({
        project: kubernetesLabelName
          .default('image-factory-kargo')
          .meta({ description: 'Kargo Project name, which is also its namespace.' }),
        labels: z
          .record(z.string(), z.string())
          .default({})
          .meta({ description: 'Extra labels on the project Namespace and Project.' }),
        serviceAccount: kubernetesName
          .default('image-factory')
          .meta({ description: 'ServiceAccount the analysis job runs as.' }),
      })
      .prefault({}),
    analysis: z
      .strictObject({
        image: imageReference.default(DEFAULT_ANALYSIS_IMAGE).meta({
          description:
            "Image running `image-factory analyze`. Default: this project's published analysis image at the version of the CLI (set it to pin a version or to a mirror in your registry).",
        }),
        imagePullSecrets: z
          .array(kubernetesName)
          .default([])
          .meta({ description: 'Image pull secrets of the analysis job.' }),
        resources: z
          .strictObject({
            requests: z
              .strictObject({
                cpu: quantity.default('250m').meta({ description: 'CPU request of the analysis job.' }),
                memory: quantity
                  .default('512Mi')
                  .meta({ description: 'Memory request of the analysis job.' }),
              })
              .prefault({}),
            limits: z
              .strictObject({
                cpu: quantity
                  .optional()
                  .meta({ description: 'CPU limit of the analysis job (none by default).' }),
                memory: quantity.default('1Gi').meta({
                  description: 'Memory limit of the analysis job (its Node heap is sized to 3/4 of it).',
                }),
              })
              .prefault({}),
          })
          .prefault({})
          .meta({ description: 'Resource requests and limits of the analysis job container.' }),
      })
      .prefault({}),
    secrets: z
      .strictObject({
        gitCredentials: kubernetesName
          .default('git-credentials')
          .meta({ description: 'Secret with `username` and `password` for git over HTTPS.' }),
        githubToken: secretKeyRef('github-workflow-token', 'token').meta({
          description: 'GitHub token for workflow dispatch and API calls.',
        }),
        gitlabToken: secretKeyRef('gitlab-token', 'token').meta({
          description: 'GitLab token for pipeline triggers.',
        }),
      })
      .prefault({}),
    github: z
      .strictObject({
        url: httpUrl
          .default('https://github.com')
          .meta({ description: 'Web and clone base URL (GitHub Enterprise).' }),
        apiUrl: httpUrl.default('https://api.github.com').meta({ description: 'REST API base URL.' }),
      })
      .prefault({}),
    gitlab: z
      .strictObject({
        url: httpUrl.default('https://gitlab.com').meta({ description: 'Web and clone base URL of GitLab.' }),
        apiUrl: httpUrl.default('https://gitlab.com/api/v4').meta({ description: 'REST API base URL.' }),
      })
      .prefault({}),
    warehouses: z
      .strictObject({
        managedInterval: duration
          .default('5m')
          .meta({ description: 'Discovery interval of managed-image Warehouses.' }),
        baseInterval: duration
          .default('24h')
          .meta({ description: 'Discovery interval of base-image Warehouses.' }),
        managedIntervalWithWebhooks: duration.default('6h').meta({
          description:
            'Discovery interval of a managed image Warehouse (`image-<name>`) whose registry and git repositories all have an enabled webhook receiver: the poll is then only a safety net for lost deliveries. Never applied to the per-(base, soak) Warehouses (`base-<name>…`), whose interval the rebuild delay sets.',
        }),
        discoveryLimit: z
          .int()
          .min(1)
          .max(100)
          .default(20)
          .meta({ description: 'Maximum images each image subscription discovers.' }),
        platform: platform.optional().meta({
          description:
            'Platform (`<os>/<arch>`, e.g. `linux/amd64`) base-image Warehouses require of a tag, unless a base entry sets its own `platform`.',
        }),
      })
      .prefault({}),
    build: z
      .strictObject({
        sign: z.boolean().default(false).meta({
          description:
            "Sign every image a generated build workflow pushes with a keyless cosign signature (Sigstore, through the workflow's OIDC token). Team workflows (`source.workflow`) are not affected.",
        }),
      })
      .prefault({})
      .meta({ description: 'The build workflows that generate-state writes.' }),
    webhooks: z
      .strictObject({
        github: webhookReceiver('github', 'secret')
          .extend({
            packageEvents: z.boolean().default(true).meta({
              description:
                'The GitHub webhooks deliver "Packages" events, so a push to ghcr.io refreshes the Warehouses of its images (false: only "Pushes" events are registered; ghcr.io images keep polling at managedInterval).',
            }),
          })
          .prefault({})
          .meta({
            description:
              'GitHub (github.url): pushes to source and state repositories, and ghcr.io package events.',
          }),
        gitlab: webhookReceiver('gitlab', 'secret-token')
          .prefault({})
          .meta({ description: 'GitLab (gitlab.url): pushes to source and state repositories.' }),
        dockerhub: webhookReceiver('dockerhub', 'secret')
          .prefault({})
          .meta({ description: 'Docker Hub: pushes to repositories you own on docker.io.' }),
        quay: webhookReceiver('quay', 'secret')
          .prefault({})
          .meta({ description: 'Quay (quay.io): "Push to Repository" notifications of its repositories.' }),
      })
      .prefault({})
      .meta({
        description:
          'Kargo webhook receivers that refresh Warehouses when a repository is pushed to (see docs/webhooks.md).',
      }),
    stateRepo: z
      .strictObject({
        url: z.string().min(1).optional().meta({ description: 'Git URL of the state repository.' }),
        branch: branch.default('main').meta({ description: 'Branch of the state repository.' }),
      })
      .prefault({}),
    stateWorkflow: z
      .strictObject({
        factory: z
          .strictObject({
            repository: repo.default(FACTORY_REPOSITORY).meta({
              description:
                'GitHub `owner/name` of the Image Factory repository the workflow checks out (a fork or a mirror).',
            }),
            ref: gitRef.default(FACTORY_RELEASE_TAG).meta({
              description:
                'Tag, branch or commit of it to run. Default: the release of the CLI that generated the workflow (a tag, never a moving branch).',
            }),
          })
          .prefault({}),
      })
      .prefault({})
      .meta({
        description:
          "The state repository's own workflow (`.github/workflows/image-factory.yml`, written by `image-factory init` and `generate-state`).",
      }),
    output: relativePath
      .default('dist/image-factory.k8s.yaml')
      .meta({ description: 'Where `synth` writes the manifests, relative to the state repository.' }),
  })
  .meta({ title: 'image-factory.yaml', description: 'Image Factory settings.' });

export type SettingsDocument = z.output<typeof SettingsSchema>;
