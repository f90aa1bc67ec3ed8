import type { StateProblem, StateProblemCode } from './model.js';

/**
 * Formats a problem as `file:line:col: message`, or `file: message` when it concerns a whole file,
 * followed by `\n  hint: ...` when it has a hint. Warnings are prefixed `warning: `.
 */
export function formatProblem(problem: StateProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.col}` : problem.file;
  const severity = problem.severity === 'warning' ? 'warning: ' : '';
  const hint = problem.hint ? `\n  hint: ${problem.hint}` : '';
  return `${where}: ${severity}${problem.message}${hint}`;
}

/** Sorts problems by file, line, column, then message (stable, deterministic output). */
export function sortProblems(problems: readonly StateProblem[]): StateProblem[] {
  return [...problems].sort(
    (a, b) =>
      compareStrings(a.file, b.file) ||
      a.line - b.line ||
      a.col - b.col ||
      compareStrings(a.message, b.message),
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Messages and hints are cut to this many characters: they quote values of the state, which may
 * be tens of thousands of characters long.
 */
export const MAX_MESSAGE_LENGTH = 1000;

function cut(text: string): string {
  return text.length <= MAX_MESSAGE_LENGTH
    ? text
    : `${text.slice(0, MAX_MESSAGE_LENGTH)}... (${text.length.toLocaleString('en-US')} characters)`;
}

/** Builds a problem; `hint` is omitted when undefined. Message and hint are cut to {@link MAX_MESSAGE_LENGTH}. */
export function problem(
  severity: 'error' | 'warning',
  code: StateProblemCode,
  at: { file: string; line: number; col: number },
  path: readonly (string | number)[],
  message: string,
  hint?: string,
): StateProblem {
  return {
    file: at.file,
    line: at.line,
    col: at.col,
    path: [...path],
    message: cut(message),
    ...(hint === undefined ? {} : { hint: cut(hint) }),
    severity,
    code,
  };
}

/**
 * The candidate closest to `input` (case-insensitive equality, or an edit distance of at most a
 * third of the length, minimum 2), or undefined.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of [...candidates].sort()) {
    if (candidate.toLowerCase() === lower) return candidate;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  const limit = Math.max(2, Math.floor(input.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** Damerau-Levenshtein distance (optimal string alignment: transpositions count 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      const prev = d[i - 1]!;
      let value = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      }
      row[j] = value;
    }
  }
  return d[a.length]![b.length]!;
}

/** Renders a field path as `source.repo`, `updates[1].type`. */
export function fieldPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}
