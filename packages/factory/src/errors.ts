import {
  formatProblem,
  type Origin,
  problem,
  type StateProblem,
  type StateProblemCode,
} from '@image-factory/state-schema';

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
    const lines = problems.map(formatProblem);
    super(
      `the state cannot be synthesized (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):\n${lines.join('\n')}`,
    );
    this.problems = problems;
  }
}

/** Builds an error-level problem. */
export function stateError(
  code: StateProblemCode,
  at: Origin,
  path: readonly (string | number)[],
  message: string,
  hint?: string,
): StateProblem {
  return problem('error', code, at, path, message, hint);
}
