/**
 * GitHub Actions workflows that generate-state writes into the state repository: one build
 * workflow per managed image without `source.workflow` (product.md §6), and the state repository's
 * own workflow (validate, then synthesize the manifests; in state-workflow.ts). Pure: same input,
 * same bytes.
 *
 * State values are untrusted (style.md 13). GitHub evaluates `${{ }}` in nearly every string of a
 * workflow (step and job names, `run-name`, `with:`, `env:`, `run:`) with `secrets` in scope, so:
 * - a value from the state appears only as an `env:` value (job or step level), and steps read it
 *   as `${{ env.NAME }}` in `with:` (the result of an expression is never evaluated again) or as
 *   `$NAME` in scripts (never interpolated into shell code). Two places GitHub does not evaluate
 *   are the exceptions: the workflow's `name` (the image name, `[a-z0-9-]`) and the state
 *   workflow's branch filters (the state branch, escaped by `branchFilter`);
 * - a value holding an expression delimiter is refused ({@link UnsafeWorkflowValueError}); the
 *   loader already rejects such states with a position, this is the second line of defence.
 *
 * Credentials: every checkout has `persist-credentials: false`, so no token is left in a `.git/config`
 * (actions/checkout v4 writes `http.<server>/.extraheader` into `<path>/.git/config` otherwise:
 * src/git-auth-helper.ts `configureToken`); the source's `.git` is removed before the build, whose
 * context any Dockerfile can copy into the image; each job gets only the permissions it needs
 * (the workflow default is none), and steps that push get the token explicitly, for the GitHub
 * server only.
 */
import {
  BUILD_WORKFLOW_INPUTS,
  buildWorkflowPath,
  type ImageSource,
  type ManagedImage,
  type Settings,
} from '@image-factory/state-schema';
import {
  BUILD_SCRIPT,
  COMMIT_VERSION_SCRIPT,
  GITLAB_CLONE_SCRIPT,
  PINS_SCRIPT,
  REMOVE_GIT_SCRIPT,
  SIGN_SCRIPT,
  SOURCE_VERSION_SCRIPT,
  VERSION_SCRIPT,
} from './workflow-scripts.js';
import { checkout, expr, literalReader, originOf, render, type Step, trimSlash } from './workflow-yaml.js';

export { branchFilter, renderStateWorkflow, STATE_WORKFLOW_PATH } from './state-workflow.js';
export { BUILD_SCRIPT, PINS_SCRIPT, SIGN_SCRIPT, VERSION_SCRIPT } from './workflow-scripts.js';
export { expr, UnsafeWorkflowValueError } from './workflow-yaml.js';

const DEFAULT_GITHUB_URL = 'https://github.com';

/** What generate-state knows of an image's Dockerfile beyond the state. */
export interface BuildWorkflowOptions {
  /**
   * Normalized reference (`registry/repository:tag`) of the final stage's base image, from
   * discovery: a pinned build annotates the image with it and its pinned digest
   * (`org.opencontainers.image.base.name`/`.base.digest`). Undefined: not known, or `scratch`.
   */
  readonly finalBase?: string | undefined;
}

/**
 * The build workflow (`.github/workflows/build-<name>.yml`) of a managed image without
 * `source.workflow`. Job `build` checks out, patches, computes the tag, validates the `pins` input
 * and builds and pushes the image on the pinned base digests, with SBOM and provenance
 * attestations, with read access to the repository (plus `packages: write` for ghcr.io); with
 * `build.sign`, job `sign` signs the pushed digest keylessly (`id-token: write`); with a version
 * file, job `release` then commits the bumped version with `contents: write`, so that the job that
 * builds a Dockerfile from outside never holds a token that can write the state repository.
 */
export function renderBuildWorkflow(
  image: ManagedImage,
  settings: Settings,
  options: BuildWorkflowOptions = {},
): string {
  const literal = literalReader(buildWorkflowPath(image.name), image.name);
  const name = literal('name', image.name);
  const local = image.local;
  const versionFile =
    local?.versionFile === undefined ? undefined : literal('local.versionFile', local.versionFile);
  const source = image.source;
  const registry = literal('registry', image.reference.registry);
  const imageName = literal('repository', image.reference.name);
  const inputs: Record<string, unknown> = {
    [BUILD_WORKFLOW_INPUTS.reason]: {
      description: 'Why the image is rebuilt (e.g. which base image changed)',
      type: 'string',
      required: false,
      default: '',
    },
    [BUILD_WORKFLOW_INPUTS.pins]: {
      description:
        'Base image digests to build on, as JSON: {"<registry/repository:tag>": "sha256:<64 hex>"}; empty: an unpinned build',
      type: 'string',
      required: false,
      default: '',
    },
  };
  if (versionFile !== undefined) {
    inputs[BUILD_WORKFLOW_INPUTS.increment] = {
      description: 'Which part of the version to bump',
      type: 'choice',
      options: ['patch', 'minor', 'major', 'none'],
      default: 'patch',
    };
    inputs[BUILD_WORKFLOW_INPUTS.suffix] = {
      description: 'Suffix appended to the new version (e.g. -rc1)',
      type: 'string',
      required: false,
      default: '',
    };
  }

  const serverUrl = trimSlash(
    source.provider === 'gitlab'
      ? literal('gitlab.url (image-factory.yaml)', settings.gitlab.url)
      : literal('github.url (image-factory.yaml)', settings.github.url),
  );
  const repo = literal('source.repo', source.repo);
  const dockerfile =
    local?.dockerfile !== undefined
      ? `state/${literal('local.dockerfile', local.dockerfile)}`
      : `source/${literal('source.dockerfile', source.dockerfile)}`;
  // Every state value the build job's steps use, read as ${{ env.NAME }} or $NAME.
  const env: Record<string, string> = {
    IMAGE: imageName,
    REGISTRY: registry,
    DOCKERFILE: dockerfile,
    SOURCE_BRANCH: literal('source.branch', source.branch),
    SOURCE_URL: `${serverUrl}/${repo}`,
    ...sourceCheckoutEnv(source.provider, repo, serverUrl),
  };

  const patchFiles = (local?.patchFiles ?? []).map((patch, index) =>
    literal(`local.patchFiles[${index}]`, patch),
  );
  const steps: Step[] = [
    checkout('Check out the state repository', 'state'),
    sourceCheckoutStep(source, serverUrl),
    ...patchFiles.map((patch, index) => ({
      name: `Apply patch ${index + 1} of ${patchFiles.length}`,
      'working-directory': 'source',
      env: { PATCH_FILE: patch },
      run: 'git apply --verbose --whitespace=nowarn -- "$GITHUB_WORKSPACE/state/$PATCH_FILE"\n',
    })),
    versionFile !== undefined
      ? {
          name: 'Compute the version',
          id: 'version',
          env: {
            VERSION_FILE: `state/${versionFile}`,
            INCREMENT: expr('inputs.increment'),
            SUFFIX: expr('inputs.suffix'),
          },
          run: VERSION_SCRIPT,
        }
      : { name: 'Compute the version from the source commit', id: 'version', run: SOURCE_VERSION_SCRIPT },
    { name: 'Remove the git metadata from the build context', run: REMOVE_GIT_SCRIPT },
    {
      name: 'Pin the base images',
      id: 'pins',
      env: {
        PINS: expr(`inputs.${BUILD_WORKFLOW_INPUTS.pins}`),
        ...(options.finalBase === undefined
          ? {}
          : { FINAL_BASE: literal('final base image (discovery)', options.finalBase) }),
      },
      run: PINS_SCRIPT,
    },
    { name: 'Set up Docker Buildx', uses: 'docker/setup-buildx-action@v3' },
    {
      name: 'Log in to the registry',
      uses: 'docker/login-action@v3',
      with:
        registry === 'ghcr.io'
          ? {
              registry: expr('env.REGISTRY'),
              username: expr('github.actor'),
              password: expr('secrets.GITHUB_TOKEN'),
            }
          : {
              registry: expr('env.REGISTRY'),
              username: expr('secrets.IMAGE_FACTORY_REGISTRY_USERNAME'),
              password: expr('secrets.IMAGE_FACTORY_REGISTRY_PASSWORD'),
            },
    },
    {
      name: 'Build and push the image',
      id: 'build',
      env: {
        VERSION: expr('steps.version.outputs.version'),
        REVISION: expr('steps.source.outputs.commit'),
      },
      run: BUILD_SCRIPT,
    },
  ];
  const login: Step = steps.find((step) => step.uses === 'docker/login-action@v3') as Step;

  const jobs: Record<string, unknown> = {
    build: {
      name: 'Build and push',
      'runs-on': 'ubuntu-latest',
      'timeout-minutes': 60,
      // Read the state and source repositories; push to ghcr.io with the workflow token.
      permissions: { contents: 'read', ...(registry === 'ghcr.io' ? { packages: 'write' } : {}) },
      env,
      ...(versionFile !== undefined || settings.build.sign
        ? {
            outputs: {
              ...(versionFile !== undefined
                ? {
                    version: expr('steps.version.outputs.version'),
                    changed: expr('steps.version.outputs.changed'),
                    previous: expr('steps.version.outputs.previous'),
                  }
                : {}),
              ...(settings.build.sign ? { digest: expr('steps.build.outputs.digest') } : {}),
            },
          }
        : {}),
      steps,
    },
  };
  if (settings.build.sign) {
    jobs.sign = {
      name: 'Sign the image',
      needs: 'build',
      'runs-on': 'ubuntu-latest',
      'timeout-minutes': 10,
      // The OIDC token is the signing identity (keyless); the signature is pushed to the registry.
      permissions: { 'id-token': 'write', ...(registry === 'ghcr.io' ? { packages: 'write' } : {}) },
      env: { IMAGE: imageName, REGISTRY: registry },
      steps: [
        { name: 'Install cosign', uses: 'sigstore/cosign-installer@v3' },
        login,
        {
          name: 'Sign the image (keyless)',
          env: { DIGEST: expr('needs.build.outputs.digest') },
          run: SIGN_SCRIPT,
        },
      ],
    };
  }
  if (versionFile !== undefined) {
    jobs.release = {
      name: 'Commit the version',
      needs: 'build',
      if: "needs.build.outputs.changed == 'true'",
      'runs-on': 'ubuntu-latest',
      'timeout-minutes': 10,
      permissions: { contents: 'write' },
      env: { IMAGE_NAME: name, VERSION_FILE: versionFile },
      steps: [
        checkout('Check out the state repository', 'state'),
        {
          name: 'Commit the version',
          'working-directory': 'state',
          env: {
            VERSION: expr('needs.build.outputs.version'),
            PREVIOUS: expr('needs.build.outputs.previous'),
            GIT_TOKEN: expr('github.token'),
          },
          run: COMMIT_VERSION_SCRIPT,
        },
      ],
    };
  }

  const body = {
    name: `build ${name}`,
    'run-name': `${expr('github.workflow')}${expr("inputs.reason != '' && format(' ({0})', inputs.reason) || ''")}`,
    on: { workflow_dispatch: { inputs } },
    permissions: {},
    concurrency: { group: `image-factory-${expr('github.workflow')}`, 'cancel-in-progress': false },
    jobs,
  };
  return render(
    [
      `Builds ${imageName} for the images.yaml entry "${name}"; dispatched by the Kargo rebuild stage.`,
      'Regenerate with `image-factory generate-state`.',
    ],
    body,
  );
}

/** What the source checkout needs in the build job's `env`, besides the repository and branch. */
function sourceCheckoutEnv(
  provider: ImageSource['provider'],
  repo: string,
  serverUrl: string,
): Record<string, string> {
  if (provider === 'gitlab') {
    return {
      CLONE_URL: `${serverUrl}/${repo}.git`,
      // The GitLab token is handed to this server only.
      SOURCE_ORIGIN: originOf(serverUrl, 'gitlab.url (image-factory.yaml)'),
    };
  }
  return {
    SOURCE_REPOSITORY: repo,
    ...(serverUrl === DEFAULT_GITHUB_URL ? {} : { SOURCE_SERVER_URL: serverUrl }),
  };
}

/** Checks the source out into `source/` (step id `source`, whose `commit` output labels the image). */
function sourceCheckoutStep(source: ImageSource, serverUrl: string): Step {
  if (source.provider === 'gitlab') {
    return {
      name: 'Check out the source from GitLab',
      id: 'source',
      env: { GITLAB_TOKEN: expr('secrets.IMAGE_FACTORY_GITLAB_TOKEN') },
      run: GITLAB_CLONE_SCRIPT,
    };
  }
  return checkout('Check out the source', 'source', {
    id: 'source',
    with: {
      repository: expr('env.SOURCE_REPOSITORY'),
      ref: expr('env.SOURCE_BRANCH'),
      token: expr('secrets.IMAGE_FACTORY_SOURCE_TOKEN || github.token'),
      ...(serverUrl === DEFAULT_GITHUB_URL ? {} : { 'github-server-url': expr('env.SOURCE_SERVER_URL') }),
    },
  });
}
