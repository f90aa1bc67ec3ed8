import type { Origin, StateProblem, StateProblemCode } from '@image-factory/state-schema';

/**
 * Thrown by {@link ImageFactory} when the state cannot be turned into a working Kargo pipeline
 * (for example `stateRepo.url` missing while a generated build workflow has to be dispatched).
 * `problems` lists every such problem, each with file, line and column, like the state loader's.
 */
export class ImageFactoryStateError extends Error {
  override readonly name = 'ImageFactoryStateError';
  /** Every problem found, sorted by file, line and column. */
  readonly problems: readonly StateProblem[];
  constructor(problems: readonly StateProblem[]) {
    const lines = problems.map((p) => {
      const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
      return `${where}: ${p.message}${p.hint ? `\n  hint: ${p.hint}` : ''}`;
    });
    super(
      `the state cannot be synthesized (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):\n${lines.join('\n')}`,
    );
    this.problems = problems;
  }
}

/** The settings file of a state repository (relative to the state directory). */
export const SETTINGS_FILE = 'image-factory.yaml';

/** Builds an error-level problem. */
export function stateError(
  code: StateProblemCode,
  at: Origin,
  path: readonly (string | number)[],
  message: string,
  hint?: string,
): StateProblem {
  return {
    file: at.file,
    line: at.line,
    col: at.col,
    path: [...path],
    message,
    ...(hint !== undefined ? { hint } : {}),
    severity: 'error',
    code,
  };
}

/** Sorts problems by file, line, column and message. */
export function sortStateProblems(problems: readonly StateProblem[]): StateProblem[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...problems].sort(
    (a, b) => cmp(a.file, b.file) || a.line - b.line || a.col - b.col || cmp(a.message, b.message),
  );
}
