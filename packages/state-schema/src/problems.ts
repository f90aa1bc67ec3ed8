import { compareStrings } from './compare.js';
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
  const left = a.split('');
  const right = b.split('');
  // The table row by row: `previous` holds the distances from `a`'s prefix one character shorter
  // than the current row's, `beforePrevious` two characters shorter (for transpositions).
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: right.length + 1 }, (_, j) => j);
  for (const [i, x] of left.entries()) {
    const row = [i + 1];
    for (const [j, y] of right.entries()) {
      const substitution = (previous[j] ?? 0) + (x === y ? 0 : 1);
      let value = Math.min((previous[j + 1] ?? 0) + 1, (row[j] ?? 0) + 1, substitution);
      if (i > 0 && j > 0 && x === right[j - 1] && left[i - 1] === y) {
        value = Math.min(value, (beforePrevious[j - 1] ?? 0) + 1);
      }
      row.push(value);
    }
    beforePrevious = previous;
    previous = row;
  }
  return previous[right.length] ?? 0;
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
