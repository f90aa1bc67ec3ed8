import { parseDuration } from './duration.js';
import type { Settings, StateProblem } from './model.js';
import { sortRecord } from './model-helpers.js';
import { SettingsSchema } from './schema/settings.js';
import { validateDocument } from './validate-document.js';
import type { YamlSource } from './yaml-source.js';

/** The default settings (every field of image-factory.yaml at its documented default). */
export const DEFAULT_SETTINGS: Settings = toSettings(SettingsSchema.parse({}));

export function loadSettings(source: YamlSource | undefined, problems: StateProblem[]): Settings | undefined {
  if (!source) return DEFAULT_SETTINGS;
  const data = source.data ?? {};
  const result = validateDocument(SettingsSchema, data, { source, basePath: [], subject: '' });
  if (!result.ok) {
    problems.push(...result.problems);
    return undefined;
  }
  return toSettings(result.value);
}

export function toSettings(doc: ReturnType<typeof SettingsSchema.parse>): Settings {
  return {
    kargo: { ...doc.kargo, labels: sortRecord(doc.kargo.labels) },
    analysis: { ...doc.analysis },
    secrets: { ...doc.secrets },
    github: { ...doc.github },
    gitlab: { ...doc.gitlab },
    warehouses: {
      ...doc.warehouses,
      managedIntervalSeconds: parseDuration(doc.warehouses.managedInterval) ?? 0,
      baseIntervalSeconds: parseDuration(doc.warehouses.baseInterval) ?? 0,
    },
    stateRepo: { ...doc.stateRepo },
    output: doc.output,
  };
}
