import { IMAGES_FILE } from './layout.js';
import type { ImageEntry, StateProblem } from './model.js';
import type { EntryInfo } from './model-helpers.js';
import { problem } from './problems.js';
import {
  BASE_ONLY_FIELDS,
  type BaseEntry,
  BaseEntrySchema,
  MANAGED_ONLY_FIELDS,
  type ManagedEntry,
  ManagedEntrySchema,
} from './schema/images-file.js';
import { describeValue, validateDocument } from './validate-document.js';
import type { YamlSource } from './yaml-source.js';

/**
 * Fields of managed entries the old tool also wrote on base entries. `registry` and `repository`
 * were its way of saying what a base image watches (now `repoURL`); `rebuildDelay` and
 * `autoRebuild` never meant anything there. They are read, not rejected (see base-images.ts).
 */
export const OLD_BASE_ENTRY_FIELDS = ['registry', 'repository', 'rebuildDelay', 'autoRebuild'] as const;

export function loadEntries(
  source: YamlSource | undefined,
  problems: StateProblem[],
): {
  managed: Map<string, EntryInfo<ManagedEntry>>;
  base: Map<string, EntryInfo<BaseEntry>>;
  /** Every entry name, valid or not, with its kind (so state files of invalid entries are still checked). */
  kinds: Map<string, 'managed' | 'base'>;
  /**
   * False when images.yaml is missing, has YAML syntax errors or is not a list: enrollment is
   * unknown, so nothing that depends on it (which state files are enrolled) can be checked.
   */
  usable: boolean;
} {
  const managed = new Map<string, EntryInfo<ManagedEntry>>();
  const base = new Map<string, EntryInfo<BaseEntry>>();
  const kinds = new Map<string, 'managed' | 'base'>();
  if (!source) return { managed, base, kinds, usable: false };
  const data = source.data ?? [];
  if (!Array.isArray(data)) {
    problems.push(
      problem(
        'error',
        'not-a-list',
        source.locate([]),
        [],
        `${IMAGES_FILE} must be a list of image entries (got ${describeValue(data)})`,
        'write one entry per image, each starting with "- name: ..."',
      ),
    );
    return { managed, base, kinds, usable: false };
  }
  const seen = new Map<string, number>();
  data.forEach((raw: unknown, index) => {
    const origin = source.locate([index]);
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(
        problem(
          'error',
          'not-a-map',
          origin,
          [index],
          `images[${index}] must be a map of fields (got ${describeValue(raw)})`,
          'each entry needs at least a name, e.g. "- name: backstage"',
        ),
      );
      return;
    }
    const record = raw as Record<string, unknown>;
    const name = typeof record.name === 'string' ? record.name : undefined;
    const subject = name === undefined ? `images[${index}]: ` : `image "${name}": `;
    if (name !== undefined) {
      const first = seen.get(name);
      if (first !== undefined) {
        problems.push(
          problem(
            'error',
            'duplicate-name',
            source.locate([index, 'name']),
            [index, 'name'],
            `${subject}duplicate name (first used at line ${first})`,
            'names are unique in images.yaml: rename or remove one of the entries',
          ),
        );
        return;
      }
      seen.set(name, source.locate([index, 'name']).line);
    }
    const isManaged = isNonEmpty(record.source);
    if (name !== undefined) kinds.set(name, isManaged ? 'managed' : 'base');
    const hints = Object.fromEntries(
      (isManaged ? BASE_ONLY_FIELDS : MANAGED_ONLY_FIELDS).map((field) => [
        field,
        isManaged
          ? `${field} is only for base/external images (entries without source)`
          : `${field} is only for managed images: add a source (repo, dockerfile) to build this image`,
      ]),
    );
    const ctx = { source, basePath: [index], subject, unknownFieldHints: hints };
    const entry = raw as ImageEntry;
    if (isManaged) {
      const result = validateDocument(ManagedEntrySchema, raw, ctx);
      if (!result.ok) problems.push(...result.problems);
      else managed.set(result.value.name, { index, value: result.value, raw: entry, origin });
    } else {
      const rest: Record<string, unknown> = { ...record };
      const oldFields: Record<string, unknown> = {};
      for (const field of OLD_BASE_ENTRY_FIELDS) {
        if (field in rest) {
          oldFields[field] = rest[field];
          delete rest[field];
        }
      }
      const result = validateDocument(BaseEntrySchema, rest, ctx);
      if (!result.ok) problems.push(...result.problems);
      else
        base.set(result.value.name, {
          index,
          value: result.value,
          raw: entry,
          origin,
          ...(Object.keys(oldFields).length > 0 ? { oldFields } : {}),
        });
    }
  });
  return { managed, base, kinds, usable: true };
}

export function isNonEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'object' && !Array.isArray(value)) return Object.keys(value).length > 0;
  return true;
}
