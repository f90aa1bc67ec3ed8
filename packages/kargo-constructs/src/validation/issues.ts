/**
 * One problem found by the validators.
 *
 * `path` names the offending field in the validated object, in Kubernetes field-path notation
 * (`spec.subscriptions[0].image.allowTags`; map keys in brackets: `metadata.labels[app.kubernetes.io/name]`);
 * an empty path means the object itself. `message` says what is wrong, the value found, what was expected
 * and, where there is one, the fix.
 */
export interface ValidationIssue {
  /** Field path of the offending value, e.g. `spec.subscriptions[0].image.allowTags`; `''` for the root. */
  readonly path: string;
  /** What is wrong, with the value found, the expectation and the fix. */
  readonly message: string;
  /**
   * What was checked: the CEL expression for `x-kubernetes-validations` rules, otherwise a short rule id
   * such as `required`, `unknown-field`, `type`, `enum`, `pattern`, `format`, `deprecated-field`,
   * `metadata.name`, `step-config.oneOf`, `webhook.chart-name`.
   */
  readonly rule?: string;
}

/** Renders an issue as `path: message` (just the message for the root). */
export function formatIssue(issue: ValidationIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** `a` + `.b` / `a` + `[0]`: appends a property name to a field path. */
export function childPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Appends an array index or a map key (`[i]`, `[key]`) to a field path. */
export function indexPath(path: string, index: number | string): string {
  return `${path}[${index}]`;
}

/** Short, JSON-like rendering of a value for messages (strings quoted, long values shortened). */
export function show(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
  let text: string;
  if (value === undefined) text = 'undefined';
  else if (typeof value === 'bigint') text = value.toString();
  else text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The JSON type name of a value: `null`, `array`, `object`, `string`, `integer`, `number`, `boolean`. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** True for a plain (non-array, non-null) object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Levenshtein distance, row by row: `previous` holds the distances from `a`'s prefix one character shorter. */
function distance(a: string, b: string): number {
  const right = b.split('');
  let previous = Array.from({ length: right.length + 1 }, (_, j) => j);
  for (const [i, x] of a.split('').entries()) {
    const row = [i + 1];
    for (const [j, y] of right.entries()) {
      row.push(
        Math.min((previous[j + 1] ?? 0) + 1, (row[j] ?? 0) + 1, (previous[j] ?? 0) + (x === y ? 0 : 1)),
      );
    }
    previous = row;
  }
  return previous[right.length] ?? 0;
}

/**
 * The closest candidate to `input` (case-insensitive edit distance at most a third of its length, min 2),
 * or `undefined` when nothing is close.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(input.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = distance(needle, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** ` (did you mean "x"?)` or `''`. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const match = closest(input, candidates);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}
