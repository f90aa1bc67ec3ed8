/**
 * How `image-factory migrate` rewrites each kind of file the old tool wrote (pure: text in, text
 * out, plus a sentence per change). Only the old tool's values are touched — what the loader reads
 * as "no information" (runtime-fields.ts) and the old spellings it reads with a warning — so that
 * the migrated state loads without those warnings and generates exactly the same objects.
 */
import { parseDocument } from 'yaml';
import { isIdleRebuildState, OLD_EXTERNAL_STATUS } from './image-state-file.js';
import type { BaseImage, ManagedImage } from './model.js';
import { oldRepository } from './old-base-entry-fields.js';
import { undoubleBackslashes } from './rules.js';
import { isNoInformation } from './runtime-fields.js';
import { MANAGED_STATE_FIELD_ORDER } from './writer.js';
import { applyFieldUpdates, deepEqual } from './yaml-edit.js';
import { YamlTextEditor } from './yaml-text-edit.js';

/** A rewritten file: the new text and what changed, one sentence each. */
export interface Rewrite {
  readonly text: string;
  readonly changes: readonly string[];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value.startsWith('sha256:placeholder') ? 'a placeholder' : value;
  return typeof value === 'object' ? 'a map' : String(value);
}

function record(text: string): Record<string, unknown> {
  const data = parseDocument(text, { version: '1.2' }).toJS() as unknown;
  return data !== null && typeof data === 'object' && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : {};
}

/** Fields of `images/<name>.yaml` that the old tool filled with `None` or a placeholder. */
const IMAGE_RUNTIME_FIELDS = ['enrolledAt', 'lastDiscovery', 'currentDigest', 'lastBuilt', 'currentVersion'];

/**
 * `images/<name>.yaml` of a managed image: `None` and placeholder values, `discoveryStatus:
 * external` and `rebuildState` removed, an unquoted version quoted, the `enrollment` copy written
 * again from images.yaml.
 */
export function migrateImageState(text: string, image: ManagedImage): Rewrite {
  const data = record(text);
  const editor = new YamlTextEditor(text);
  const changes: string[] = [];
  for (const field of IMAGE_RUNTIME_FIELDS) {
    const value = data[field];
    if (value !== null && value !== undefined && isNoInformation(value)) {
      editor.remove([], field);
      changes.push(`removed ${field}: ${describe(value)}`);
    }
  }
  const version = data.currentVersion;
  if (typeof version === 'number' || typeof version === 'boolean') {
    const written = image.state?.currentVersion;
    if (written !== undefined) {
      editor.setScalar([], 'currentVersion', written);
      // A plain scalar would read as a number again: setScalar keeps the style only when it can.
      changes.push(`quoted currentVersion ${written} (YAML read it as a ${typeof version})`);
    }
  }
  if (
    data.discoveryStatus === OLD_EXTERNAL_STATUS ||
    (isNoInformation(data.discoveryStatus) && data.discoveryStatus != null)
  ) {
    editor.remove([], 'discoveryStatus');
    changes.push(
      `removed discoveryStatus: ${describe(data.discoveryStatus)} (left from before the image had a source)`,
    );
  }
  if ('rebuildState' in data) {
    editor.remove([], 'rebuildState');
    changes.push(
      `removed rebuildState${isIdleRebuildState(data.rebuildState) ? '' : ` (${JSON.stringify(data.rebuildState)})`}: the old tool's rebuild bookkeeping, done by the rebuild Stage now`,
    );
  }
  for (const [key, value] of Object.entries(data)) {
    if (
      !(MANAGED_STATE_FIELD_ORDER as readonly string[]).includes(key) &&
      key !== 'rebuildState' &&
      isNoInformation(value)
    ) {
      editor.remove([], key);
      changes.push(`removed ${key}: ${describe(value)} (not a field of image state files)`);
    }
  }
  let next = editor.result();
  const entry = plain(image.entry);
  if (!deepEqual(data.enrollment, entry)) {
    next = applyFieldUpdates(next, { enrollment: entry }, MANAGED_STATE_FIELD_ORDER);
    changes.push(
      data.enrollment === undefined
        ? 'added the enrollment copy of images.yaml'
        : 'enrollment copied again from images.yaml',
    );
  }
  return { text: next, changes };
}

/** Fields of base-image files that the old tool filled with `None` or a placeholder. */
const BASE_RUNTIME_FIELDS = [
  'registry',
  'repository',
  'tag',
  'digest',
  'repoURL',
  'firstDiscovered',
  'lastChecked',
  'currentDigest',
  'previousDigest',
  'lastUpdated',
  'lastDiscovery',
];

/**
 * `base-images/<name>.yaml`: `None` and placeholder values and the `rebuildEligibleAt` map removed
 * (also inside `updateHistory` records), doubled backslashes of an old-format `allowTags` halved.
 */
export function migrateBaseImageState(text: string, base: BaseImage): Rewrite {
  const data = record(text);
  const editor = new YamlTextEditor(text);
  const changes: string[] = [];
  for (const field of BASE_RUNTIME_FIELDS) {
    const value = data[field];
    if (value !== null && value !== undefined && isNoInformation(value)) {
      editor.remove([], field);
      changes.push(`removed ${field}: ${describe(value)}`);
    }
  }
  if (data.lastDiscovery === null) {
    editor.remove([], 'lastDiscovery');
    changes.push('removed lastDiscovery: null (not a field of base images)');
  }
  const eligibility = data.rebuildEligibleAt;
  if (eligibility !== undefined && eligibility !== null && typeof eligibility !== 'string') {
    editor.remove([], 'rebuildEligibleAt');
    changes.push(
      `removed the rebuildEligibleAt map (the old tool's rebuild schedule; rebuilds wait for each image's rebuildDelay)`,
    );
  } else if (typeof eligibility === 'string' && isNoInformation(eligibility)) {
    editor.remove([], 'rebuildEligibleAt');
    changes.push(`removed rebuildEligibleAt: ${eligibility}`);
  }
  const legacy = !('image' in data) && 'fullImage' in data;
  const allowTags = data.allowTags;
  if (
    legacy &&
    typeof allowTags === 'string' &&
    base.allowTags !== undefined &&
    allowTags !== base.allowTags
  ) {
    // The loader reads an old-format allowTags halved; written halved, it reads the same.
    if (undoubleBackslashes(allowTags) === base.allowTags) {
      editor.setScalar([], 'allowTags', base.allowTags);
      changes.push(`allowTags ${allowTags} -> ${base.allowTags} (the old tool doubled every backslash)`);
    }
  }
  const history = data.updateHistory;
  if (Array.isArray(history)) {
    history.forEach((item: unknown, index) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return;
      for (const [key, value] of Object.entries(item)) {
        if (value !== null && isNoInformation(value)) {
          editor.remove(['updateHistory', index], key);
          changes.push(`removed updateHistory[${index}].${key}: ${describe(value)}`);
        }
      }
    });
  }
  return { text: editor.result(), changes };
}

/**
 * images.yaml: base entries without the fields of managed entries the old tool wrote on them —
 * `registry` + `repository` become `repoURL` where they said what to watch, and go where they
 * repeat it; `rebuildDelay` and `autoRebuild` go.
 */
export function migrateImagesFile(text: string, bases: readonly BaseImage[]): Rewrite {
  const editor = new YamlTextEditor(text);
  const changes: string[] = [];
  const data = parseDocument(text, { version: '1.2' }).toJS() as unknown;
  if (!Array.isArray(data)) return { text, changes };
  data.forEach((raw: unknown, index) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return;
    const entry = raw as Record<string, unknown>;
    const base = bases.find((b) => b.entry !== undefined && b.name === entry.name);
    if (!base) return;
    const subject = `${String(entry.name)}:`;
    const hasRegistry = 'registry' in entry;
    const hasRepository = 'repository' in entry;
    if (hasRegistry || hasRepository) {
      const old = oldRepository(entry);
      const needed = entry.repoURL === undefined && base.stateFile === undefined && old !== undefined;
      if (needed) {
        editor.replaceField([index], hasRegistry ? 'registry' : 'repository', `repoURL: ${base.repoURL}`);
        if (hasRegistry && hasRepository) editor.remove([index], 'repository');
        changes.push(`${subject} registry and repository -> repoURL: ${base.repoURL}`);
      } else {
        for (const field of ['registry', 'repository']) editor.remove([index], field);
        changes.push(
          `${subject} removed ${[hasRegistry ? 'registry' : '', hasRepository ? 'repository' : ''].filter(Boolean).join(' and ')} (repeating what it watches: ${base.repoURL})`,
        );
      }
    }
    for (const field of ['rebuildDelay', 'autoRebuild']) {
      if (field in entry) {
        editor.remove([index], field);
        changes.push(`${subject} removed ${field} (ignored for base images)`);
      }
    }
  });
  return { text: editor.result(), changes };
}

/**
 * True for the `images/<name>.yaml` the old tool wrote for an images.yaml entry without a source:
 * `discoveryStatus: external`, and nothing but copies of the entry and empty runtime fields.
 */
export function isOldExternalImageState(text: string): boolean {
  const data = record(text);
  if (data.discoveryStatus !== OLD_EXTERNAL_STATUS) return false;
  const bases = data.baseImages;
  if (bases !== undefined && bases !== null && !(Array.isArray(bases) && bases.length === 0)) return false;
  return ['currentVersion', 'currentDigest', 'lastBuilt'].every((field) => isNoInformation(data[field]));
}

function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
