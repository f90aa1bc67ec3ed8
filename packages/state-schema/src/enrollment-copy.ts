/**
 * The `enrollment` copy in `images/<name>.yaml` is documentation: images.yaml is the source of
 * truth. A copy that differs from images.yaml is worth a warning (someone may have edited the wrong
 * file), never an error, and it never hides other problems. The old tool's copy has no `name` and
 * only some fields: a field missing from the copy is no difference, and defaults count as written
 * (`rebuildDelay: 7d` in the copy equals an entry without `rebuildDelay`).
 */
import type { StateProblem } from './model.js';
import type { EntryInfo } from './model-helpers.js';
import { fieldPath, problem } from './problems.js';
import { type ManagedEntry, ManagedEntrySchema } from './schema/images-file.js';
import { describeValue } from './validate-document.js';
import { deepEqual } from './yaml-edit.js';
import type { YamlSource } from './yaml-source.js';

const HINT =
  'the enrollment copy is documentation, images.yaml is used: `image-factory migrate` (or generate-state) writes the copy again from images.yaml';

/** Adds a warning for each top-level field of `copy` that differs from the images.yaml entry. */
export function checkEnrollmentCopy(
  entry: EntryInfo<ManagedEntry>,
  copy: Readonly<Record<string, unknown>>,
  source: YamlSource,
  problems: StateProblem[],
): void {
  const raw = entry.raw as Record<string, unknown>;
  const expected = entry.value as unknown as Record<string, unknown>;
  for (const [key, written] of Object.entries(copy)) {
    if (key === 'name') {
      if (written !== entry.value.name) {
        problems.push(
          differs(
            source,
            ['name'],
            `enrollment.name is ${describeValue(written)}, not "${entry.value.name}"`,
          ),
        );
      }
      continue;
    }
    if (!(key in ManagedEntrySchema.shape)) {
      problems.push(
        differs(
          source,
          [key],
          `enrollment.${key} is not a field of images.yaml entries: the copy is out of date`,
        ),
      );
      continue;
    }
    // The copy's value in place of the entry's, with the entry's defaults applied.
    const parsed = ManagedEntrySchema.safeParse({ ...raw, [key]: written });
    const actual = parsed.success ? (parsed.data as unknown as Record<string, unknown>)[key] : undefined;
    if (parsed.success && deepEqual(actual, expected[key])) continue;
    const path = parsed.success ? [key, ...firstDifference(actual, expected[key])] : [key];
    const here = valueAt(copy, path);
    const there = valueAt(raw, path);
    problems.push(
      differs(
        source,
        path,
        `enrollment.${fieldPath(path)} differs from images.yaml (${describeValue(here)} here, ${there === undefined ? 'not set' : describeValue(there)} in images.yaml): the copy is out of date`,
      ),
    );
  }
}

function differs(source: YamlSource, path: readonly (string | number)[], message: string): StateProblem {
  return problem(
    'warning',
    'enrollment-mismatch',
    source.locate(['enrollment', ...path]),
    ['enrollment', ...path],
    message,
    HINT,
  );
}

/** The path (inside `a`) of the first place where `a` and `b` differ; `[]` when they differ as a whole. */
function firstDifference(a: unknown, b: unknown): (string | number)[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [];
    for (const [i, item] of a.entries()) {
      if (!deepEqual(item, b[i])) return [i, ...firstDifference(item, b[i])];
    }
    return [];
  }
  if (isRecord(a) && isRecord(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
      if (!deepEqual(a[key], b[key])) return [key, ...firstDifference(a[key], b[key])];
    }
  }
  return [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
