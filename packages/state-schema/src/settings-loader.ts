import { DEFAULT_ANALYSIS_IMAGE } from './analysis-image.js';
import { parseDuration } from './duration.js';
import { SETTINGS_FILE } from './layout.js';
import type { Settings, StateProblem } from './model.js';
import { sortRecord } from './model-helpers.js';
import { problem } from './problems.js';
import { SettingsSchema } from './schema/settings.js';
import { validateDocument } from './validate-document.js';
import type { YamlSource } from './yaml-source.js';

/** The default settings (every field of image-factory.yaml at its documented default). */
export const DEFAULT_SETTINGS: Settings = toSettings(SettingsSchema.parse({}));

/**
 * The settings of a state repository (`image-factory.yaml`, or the defaults without it). Problems of the
 * file are added to `problems` (and `undefined` returned); a warning is added when the analysis job would
 * run the default analysis image because `analysis.image` is not set: synthesis goes on (a migrated state
 * without settings must still synthesize), but the operator learns which image runs and how to change it.
 */
export function loadSettings(source: YamlSource | undefined, problems: StateProblem[]): Settings | undefined {
  if (!source) {
    problems.push(defaultAnalysisImageWarning({ file: SETTINGS_FILE, line: 0, col: 0 }));
    return DEFAULT_SETTINGS;
  }
  const data = source.data ?? {};
  const result = validateDocument(SettingsSchema, data, { source, basePath: [], subject: '' });
  if (!result.ok) {
    problems.push(...result.problems);
    return undefined;
  }
  const analysis = (data as { analysis?: { image?: unknown } }).analysis;
  if (analysis?.image === undefined) {
    problems.push(
      defaultAnalysisImageWarning(source.locate(analysis === undefined ? [] : ['analysis'], 'key')),
    );
  }
  return toSettings(result.value);
}

/**
 * `problems` without the warnings about defaulted settings: they matter for a state that loads, and are
 * noise beside the errors of one that does not (the loader drops them then).
 */
export function withoutDefaultWarnings(problems: readonly StateProblem[]): StateProblem[] {
  return problems.filter((p) => p.code !== 'default-value');
}

function defaultAnalysisImageWarning(at: { file: string; line: number; col: number }): StateProblem {
  return problem(
    'warning',
    'default-value',
    at,
    ['analysis', 'image'],
    `analysis.image is not set: the analysis job runs the default image ${DEFAULT_ANALYSIS_IMAGE}, published by Image Factory's release workflow`,
    `set analysis.image in ${SETTINGS_FILE} to choose the image explicitly, e.g. to a copy in your own registry (crane copy ${DEFAULT_ANALYSIS_IMAGE} registry.example.com/mirror/analyzer-cli:<same tag>), with analysis.imagePullSecrets if it is private`,
  );
}

export function toSettings(doc: ReturnType<typeof SettingsSchema.parse>): Settings {
  return {
    kargo: { ...doc.kargo, labels: sortRecord(doc.kargo.labels) },
    analysis: {
      image: doc.analysis.image,
      imagePullSecrets: doc.analysis.imagePullSecrets,
      resources: {
        requests: { ...doc.analysis.resources.requests },
        limits: { ...doc.analysis.resources.limits },
      },
    },
    secrets: { ...doc.secrets },
    github: { ...doc.github },
    gitlab: { ...doc.gitlab },
    warehouses: {
      ...doc.warehouses,
      managedIntervalSeconds: parseDuration(doc.warehouses.managedInterval) ?? 0,
      baseIntervalSeconds: parseDuration(doc.warehouses.baseInterval) ?? 0,
      managedIntervalWithWebhooksSeconds: parseDuration(doc.warehouses.managedIntervalWithWebhooks) ?? 0,
    },
    webhooks: {
      github: { ...doc.webhooks.github },
      gitlab: { ...doc.webhooks.gitlab },
      dockerhub: { ...doc.webhooks.dockerhub },
      quay: { ...doc.webhooks.quay },
    },
    build: { ...doc.build },
    stateRepo: { ...doc.stateRepo },
    stateWorkflow: { factory: { ...doc.stateWorkflow.factory } },
    output: doc.output,
  };
}
