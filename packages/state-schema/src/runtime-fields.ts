/**
 * Reading the machine-written state files (`images/<name>.yaml`, `base-images/<name>.yaml`)
 * leniently, field by field (issue "the old tool's files load unchanged"):
 *
 * - a value the old tool is known to write that carries no information — `null`, Python's `None`
 *   written as a string, `sha256:placeholder-…` digests — reads as unknown, without a problem;
 * - a field whose value changes the generated resources (the name, the base-image list, the tag
 *   filter, ...) is checked strictly: a bad value is an error;
 * - any other unexpected value or field is a warning naming its position, and reads as unknown;
 * - one bad field never hides the others: every field is checked on its own.
 */
import * as z from 'zod';
import type { StateProblem } from './model.js';
import { didYouMean, fieldPath, problem } from './problems.js';
import { describeValue, validateDocument } from './validate-document.js';
import type { YamlSource } from './yaml-source.js';

/** How one field of a state file is read. */
export interface FieldRule {
  /** The field's schema (from the state file schemas; `null` is accepted by all of them). */
  readonly schema: z.ZodType;
  /** `error`: the value changes what is generated, so a bad one makes the state invalid. */
  readonly severity: 'error' | 'warning';
  /** A missing field is an error. */
  readonly required?: boolean;
}

/** Python's `None` as the old tool wrote it (`str(None)`), a placeholder digest the old workflow never replaced. */
const NO_INFORMATION_STRINGS = /^(None|sha256:placeholder(-[a-z-]*)?)$/;

/**
 * True for values the old tool wrote that carry no information: `null`, `None`, and
 * `sha256:placeholder-will-be-updated-by-workflow`.
 */
export function isNoInformation(value: unknown): boolean {
  return (
    value === null || value === undefined || (typeof value === 'string' && NO_INFORMATION_STRINGS.test(value))
  );
}

/**
 * Reads the fields of `record` (the top-level map of `source`) with `rules`. Returns the values that
 * passed their rule; problems go to `problems`. Keys in `handled` are left to the caller. A key with
 * no rule is an unknown field: a warning (it is ignored), or an error when it looks like a
 * misspelling of a field in `strictNames` (a typo there would silently change what is generated).
 */
export function readFields(
  source: YamlSource,
  record: Readonly<Record<string, unknown>>,
  rules: Readonly<Record<string, FieldRule>>,
  problems: StateProblem[],
  options: { readonly handled?: readonly string[]; readonly ignoredNames?: readonly string[] } = {},
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const known = [...Object.keys(rules), ...(options.handled ?? [])];
  for (const [key, value] of Object.entries(record)) {
    if (options.handled?.includes(key)) continue;
    const rule = rules[key];
    if (rule === undefined) {
      if (options.ignoredNames?.includes(key)) continue;
      problems.push(unknownField(source, key, known, rules));
      continue;
    }
    if (rule.severity === 'warning' ? isNoInformation(value) : value === null) {
      if (rule.required) problems.push(missingField(key, source.locate([key])));
      continue;
    }
    const result = validateDocument(
      z.object({ [key]: rule.schema }),
      { [key]: value },
      {
        source,
        basePath: [],
        subject: '',
      },
    );
    if (result.ok) {
      values[key] = (result.value as Record<string, unknown>)[key];
      continue;
    }
    problems.push(...(rule.severity === 'error' ? result.problems : result.problems.map(asIgnoredWarning)));
  }
  for (const [key, rule] of Object.entries(rules)) {
    if (rule.required && !(key in record)) problems.push(missingField(key, source.locate([])));
  }
  return values;
}

function missingField(key: string, at: ReturnType<YamlSource['locate']>): StateProblem {
  return problem('error', 'missing-field', at, [key], `${key} is required`, `add a "${key}:" field`);
}

/** A problem of a field that is read as unknown: a warning saying so. */
export function asIgnoredWarning(found: StateProblem): StateProblem {
  return { ...found, severity: 'warning', message: `${found.message}; it is ignored` };
}

function unknownField(
  source: YamlSource,
  key: string,
  known: readonly string[],
  rules: Readonly<Record<string, FieldRule>>,
): StateProblem {
  const close = didYouMean(key, known);
  const strict = close !== undefined && rules[close]?.severity === 'error';
  return problem(
    strict ? 'error' : 'warning',
    'unknown-field',
    source.locate([key], 'key'),
    [key],
    strict ? `unknown field "${fieldPath([key])}"` : `unknown field "${fieldPath([key])}" is ignored`,
    close === undefined ? 'image-factory does not read it: remove it' : `did you mean "${close}"?`,
  );
}

/**
 * A version as the old tool wrote it: unquoted (`currentVersion: 1.10`, which YAML reads as the
 * number 1.1). The text as written is the version; a warning says to quote it.
 */
export function readVersion(
  source: YamlSource,
  key: string,
  value: unknown,
  problems: StateProblem[],
): string | undefined {
  if (isNoInformation(value)) return undefined;
  if (typeof value === 'string') return value;
  const written = source.sourceText([key]);
  if ((typeof value === 'number' || typeof value === 'boolean') && written !== undefined) {
    problems.push(
      problem(
        'warning',
        'invalid-type',
        source.locate([key]),
        [key],
        `${key} ${written} is not quoted, so YAML reads it as a ${typeof value}: read as the text "${written}"`,
        `quote it, e.g. ${key}: "${written}" (\`image-factory migrate\` does)`,
      ),
    );
    return written;
  }
  problems.push(
    problem(
      'warning',
      'invalid-type',
      source.locate([key]),
      [key],
      `${key} must be a string (got ${describeValue(value)}); it is ignored`,
    ),
  );
  return undefined;
}
