import type { Settings } from '@image-factory/state-schema';
import type { Construct } from 'constructs';
import { EnvValue, MetricProvider } from '../analysis.js';
import { AnalysisTemplate } from '../analysis-template.js';
import { analysisArg } from '../expressions.js';
import type { IProject } from '../project.js';
import { FactoryNames } from './names.js';
import { ANALYSIS_ARGS } from './plan.js';

/** Label of the analysis Job's pods (the Taskfile's `logs:analysis` selects on it). */
export const ANALYSIS_POD_LABEL = { 'app.kubernetes.io/name': 'image-factory-analysis' } as const;

/** Seconds after which a hanging analysis job is stopped. */
export const ANALYSIS_DEADLINE_SECONDS = 1800;

/**
 * The container arguments of the analysis job: `image-factory analyze` with one flag per template
 * argument, as an argv array (the image's ENTRYPOINT is `image-factory`; no shell is involved, so
 * argument values cannot inject commands).
 */
export function analysisJobArgs(): string[] {
  return ['analyze', ...ANALYSIS_ARGS.flatMap((name) => [`--${name}`, analysisArg(name)])];
}

/**
 * The `analyze-dockerfile` AnalysisTemplate: a Job running the analysis image (settings
 * `analysis.image`, pulled with `analysis.imagePullSecrets`) as the factory's ServiceAccount.
 * Every argument is declared; `state-repo` and `state-branch` default to `stateRepo` from the
 * settings. Credentials come from Secrets named in the settings, all optional:
 * `GITHUB_TOKEN` (`secrets.githubToken`), `GIT_USERNAME`/`GIT_PASSWORD` (keys `username`/`password`
 * of `secrets.gitCredentials`).
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
  const token = settings.secrets.githubToken;
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
              GITHUB_TOKEN: EnvValue.fromSecret(token.name, token.key, { optional: true }),
              GIT_USERNAME: EnvValue.fromSecret(settings.secrets.gitCredentials, 'username', {
                optional: true,
              }),
              GIT_PASSWORD: EnvValue.fromSecret(settings.secrets.gitCredentials, 'password', {
                optional: true,
              }),
            },
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
              runAsNonRoot: true,
              seccompProfile: { type: 'RuntimeDefault' },
            },
          },
          backoffLimit: 0,
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
