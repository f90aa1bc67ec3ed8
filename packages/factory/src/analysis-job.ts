import type { IProject } from '@image-factory/kargo-constructs';
import {
  AnalysisTemplate,
  analysisArg,
  EnvValue,
  MetricProvider,
  type PodFailurePolicyRule,
} from '@image-factory/kargo-constructs';
import type { Settings } from '@image-factory/state-schema';
import type { Construct } from 'constructs';
import { FactoryNames } from './names.js';
import { ANALYSIS_ARGS } from './plan/analysis-stages.js';

/** Label of the analysis Job's pods (the Taskfile's `logs:analysis` selects on it). */
export const ANALYSIS_POD_LABEL = { 'app.kubernetes.io/name': 'image-factory-analysis' } as const;

/** Seconds after which a hanging analysis job (all its attempts together) is stopped. */
export const ANALYSIS_DEADLINE_SECONDS = 1800;

/**
 * Pod retries of a failed analysis before the Job, and with it the verification, fails. Kargo never
 * re-runs a finished verification on its own (re-verify by hand: `kargo verify stage <stage>`), so a
 * transient failure — a registry or git host hiccup, a push race lost four times in a row — must be
 * retried inside the Job. Argo Rollouts' job provider reports the metric `Failed` only when the Job has
 * the `Failed` condition (metricproviders/job/job.go Resume), i.e. after the Job controller gave up.
 */
export const ANALYSIS_BACKOFF_LIMIT = 3;

/** Exit code of `image-factory` for a usage error (unknown flag, missing argument): never transient. */
export const CLI_USAGE_EXIT_CODE = 2;

/** Share of the container memory limit given to Node's heap; the rest is for git and Node itself. */
const HEAP_SHARE = 0.75;

/**
 * Pod failures that must not be retried or counted: a usage error fails the Job at once (a template
 * that does not match the CLI in the image cannot succeed on a retry), and a pod disrupted by the
 * cluster (eviction, preemption, node drain: condition `DisruptionTarget`) is retried without using up
 * {@link ANALYSIS_BACKOFF_LIMIT}.
 */
export const ANALYSIS_POD_FAILURE_POLICY: readonly PodFailurePolicyRule[] = [
  {
    action: 'FailJob',
    onExitCodes: { containerName: 'analyze', operator: 'In', values: [CLI_USAGE_EXIT_CODE] },
  },
  { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
];

/**
 * The container arguments of the analysis job: `image-factory analyze` with one flag per template
 * argument, as an argv array (the image's ENTRYPOINT is `image-factory`; no shell is involved, so
 * argument values cannot inject commands).
 */
export function analysisJobArgs(): string[] {
  return ['analyze', ...ANALYSIS_ARGS.flatMap((name) => [`--${name}`, analysisArg(name)])];
}

const BINARY_SUFFIXES: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL_SUFFIXES: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Bytes of a Kubernetes memory quantity (`1Gi`, `512Mi`, `1.5G`, `1e9`), or `undefined` if it is not one. */
export function quantityBytes(quantity: string): number | undefined {
  const match = /^\+?([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/.exec(
    quantity,
  );
  if (!match) return undefined;
  const value = Number(match[1]);
  const suffix = match[2] ?? '';
  if (/^[eE]/.test(suffix)) return value * 10 ** Number(suffix.slice(1));
  const factor = BINARY_SUFFIXES[suffix] ?? DECIMAL_SUFFIXES[suffix];
  return factor === undefined ? undefined : value * factor;
}

/**
 * `NODE_OPTIONS` for the analysis container: Node's old-space heap capped at 3/4 of the memory limit,
 * so that a hostile input makes the CLI fail with a heap error (a failed, retried pod) before the kernel
 * kills the container, and git keeps room to run. `undefined` when the limit is not a plain quantity.
 */
export function analysisNodeOptions(memoryLimit: string): string | undefined {
  const bytes = quantityBytes(memoryLimit);
  if (bytes === undefined) return undefined;
  const mebibytes = Math.floor((bytes * HEAP_SHARE) / 2 ** 20);
  return mebibytes >= 64 ? `--max-old-space-size=${mebibytes}` : undefined;
}

/**
 * The `analyze-dockerfile` AnalysisTemplate: a Job running the analysis image (settings
 * `analysis.image`, pulled with `analysis.imagePullSecrets`) as the factory's ServiceAccount, with the
 * resources of `analysis.resources`. Every argument is declared; `state-repo` and `state-branch` default
 * to `stateRepo` from the settings.
 *
 * Credentials (all optional Secret keys), each for one host only — the CLI sends them nowhere else:
 * `GIT_USERNAME`/`GIT_PASSWORD` (keys `username`/`password` of `secrets.gitCredentials`) to the state
 * repository; `GITHUB_TOKEN` (`secrets.githubToken`) to repositories on the host of `GITHUB_URL`
 * (`github.url`); `GITLAB_TOKEN` (`secrets.gitlabToken`) to repositories on the host of `GITLAB_URL`
 * (`gitlab.url`).
 */
export function createAnalysisTemplate(
  scope: Construct,
  id: string,
  project: IProject,
  settings: Settings,
): AnalysisTemplate {
  const defaults: Record<string, string | undefined> = {
    'state-repo': settings.stateRepo.url,
    'state-branch': settings.stateRepo.branch,
  };
  const github = settings.secrets.githubToken;
  const gitlab = settings.secrets.gitlabToken;
  const { requests, limits } = settings.analysis.resources;
  const nodeOptions = analysisNodeOptions(limits.memory);
  return new AnalysisTemplate(scope, id, {
    project,
    metadata: { name: FactoryNames.analysisTemplate },
    args: ANALYSIS_ARGS.map((name) => {
      const value = defaults[name];
      return value === undefined ? { name } : { name, value };
    }),
    metrics: [
      {
        name: 'analyze',
        provider: MetricProvider.job({
          container: {
            name: 'analyze',
            image: settings.analysis.image,
            args: analysisJobArgs(),
            env: {
              GIT_USERNAME: EnvValue.fromSecret(settings.secrets.gitCredentials, 'username', {
                optional: true,
              }),
              GIT_PASSWORD: EnvValue.fromSecret(settings.secrets.gitCredentials, 'password', {
                optional: true,
              }),
              GITHUB_TOKEN: EnvValue.fromSecret(github.name, github.key, { optional: true }),
              GITHUB_URL: settings.github.url,
              GITLAB_TOKEN: EnvValue.fromSecret(gitlab.name, gitlab.key, { optional: true }),
              GITLAB_URL: settings.gitlab.url,
              ...(nodeOptions !== undefined ? { NODE_OPTIONS: nodeOptions } : {}),
            },
            resources: {
              requests: { cpu: requests.cpu, memory: requests.memory },
              limits: { ...(limits.cpu !== undefined ? { cpu: limits.cpu } : {}), memory: limits.memory },
            },
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
              runAsNonRoot: true,
              seccompProfile: { type: 'RuntimeDefault' },
            },
          },
          backoffLimit: ANALYSIS_BACKOFF_LIMIT,
          podFailurePolicy: ANALYSIS_POD_FAILURE_POLICY,
          activeDeadlineSeconds: ANALYSIS_DEADLINE_SECONDS,
          serviceAccountName: settings.kargo.serviceAccount,
          ...(settings.analysis.imagePullSecrets.length > 0
            ? { imagePullSecrets: settings.analysis.imagePullSecrets }
            : {}),
          jobMetadata: { labels: { ...ANALYSIS_POD_LABEL } },
          podMetadata: { labels: { ...ANALYSIS_POD_LABEL } },
        }),
      },
    ],
  });
}
