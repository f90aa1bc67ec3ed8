/**
 * The `image-factory.yaml` that `image-factory migrate` writes into a repository of the old tool,
 * which had none: what can be inferred (the state repository URL, from the clone's `origin`), and
 * the settings a user should review before deploying, commented out with their defaults (which are
 * the old tool's values, so the file changes nothing until they are edited).
 */
import { Document } from 'yaml';
import { SETTINGS_FILE } from './layout.js';
import type { Settings } from './model.js';
import { DEFAULT_SETTINGS } from './settings-loader.js';

function commented(value: Record<string, unknown>): string {
  const text = new Document(value, { version: '1.2' }).toString({ lineWidth: 0, indentSeq: true });
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `# ${line}`)
    .join('\n');
}

/** The text of the new image-factory.yaml; `stateRepoUrl` is written when known. */
export function renderSettingsTemplate(
  stateRepoUrl: string | undefined,
  defaults: Settings = DEFAULT_SETTINGS,
): string {
  const repo =
    stateRepoUrl === undefined
      ? [
          '# The state repository (this repository): where the analysis job commits what it discovers and',
          '# where generated build workflows are dispatched. No git origin was found: set it.',
          '# stateRepo:',
          '#   url: https://github.com/<owner>/<repository>.git',
          `#   branch: ${defaults.stateRepo.branch}`,
        ]
      : [
          '# The state repository (this repository): where the analysis job commits what it discovers and',
          '# where generated build workflows are dispatched. Taken from the git origin of the clone.',
          'stateRepo:',
          `  url: ${JSON.stringify(stateRepoUrl)}`,
          `  # branch: ${defaults.stateRepo.branch}`,
        ];
  return [
    '# Image Factory settings, written by `image-factory migrate`. Every setting not written here',
    "# takes its default, which is the old tool's value. See docs/migrating.md.",
    '',
    ...repo,
    '',
    '# The image running `image-factory analyze` in the analysis Job, pinned to the version this',
    `# migration was made with (the default; ${SETTINGS_FILE} states it so that an upgrade of the`,
    '# factory never changes it unnoticed). Mirror it into your own registry if you like.',
    'analysis:',
    `  image: ${JSON.stringify(defaults.analysis.image)}`,
    ...commented({ imagePullSecrets: [...defaults.analysis.imagePullSecrets] })
      .split('\n')
      .map((line) => `  ${line}`),
    '',
    '# Review before deploying (shown with their defaults; uncomment to change them).',
    '#',
    '# The Secrets the generated objects read, in the Kargo project namespace.',
    commented({ secrets: { ...defaults.secrets } }),
    '#',
    '# The Kargo project, which is also its namespace.',
    commented({ kargo: { project: defaults.kargo.project } }),
    '#',
    '# Sign the images the generated build workflows push (keyless cosign, with the workflow identity).',
    commented({ build: { ...defaults.build } }),
    '#',
    '# Kargo webhook receivers, so that a push reaches Kargo without waiting for a poll (docs/webhooks.md).',
    '# Each reads a Secret you create; managed-image Warehouses covered by them then poll every',
    `# warehouses.managedIntervalWithWebhooks (${defaults.warehouses.managedIntervalWithWebhooks}).`,
    commented({
      webhooks: {
        github: {
          enabled: defaults.webhooks.github.enabled,
          secretName: defaults.webhooks.github.secretName,
          packageEvents: defaults.webhooks.github.packageEvents,
        },
      },
    }),
    '',
  ].join('\n');
}
