import { isAbsolute, join, relative } from 'node:path';
import {
  type FactoryState,
  formatProblem,
  type LoadStateResult,
  type StateProblem,
  type StateRepoUrlSource,
} from '@image-factory/state-schema';

/** How the state directory is shown: relative to the working directory when inside it. */
export function displayDir(stateDir: string, cwd: string): string {
  const rel = relative(cwd, stateDir);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? stateDir : rel;
}

/**
 * Every problem as `file:line:col: message` (+ `  hint: ...`), one per line, with file paths shown
 * from the working directory so that editors and terminals can jump to them.
 */
export function renderProblems(problems: readonly StateProblem[], stateDir: string, cwd: string): string {
  const prefix = displayDir(stateDir, cwd);
  return problems
    .map((problem) => {
      const file = problem.file === '.' ? prefix : prefix === '.' ? problem.file : join(prefix, problem.file);
      return `${formatProblem({ ...problem, file })}\n`;
    })
    .join('');
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The one-line summary: counts of a valid state, or of the problems of an invalid one. */
export function renderSummary(
  stateDir: string,
  cwd: string,
  state: FactoryState | undefined,
  problems: readonly StateProblem[],
): string {
  const where = displayDir(stateDir, cwd);
  const warnings = problems.filter((p) => p.severity === 'warning').length;
  if (state === undefined) {
    const errors = problems.length - warnings;
    return `${where}: invalid: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  }
  const external = state.baseImages.filter((b) => b.external).length;
  return (
    `${where}: valid: ${plural(state.managedImages.length, 'managed image')}, ` +
    `${plural(state.baseImages.length - external, 'base image')}, ${plural(external, 'external image')}, ` +
    `${plural(warnings, 'warning')}`
  );
}

/** The `--json` report (one JSON document and a newline). */
export function renderValidateJson(
  stateDir: string,
  result: LoadStateResult,
  stateRepoUrlSource?: StateRepoUrlSource,
): string {
  const problems = result.ok ? result.warnings : result.problems;
  const report = {
    valid: result.ok,
    stateDir,
    ...(stateRepoUrlSource ? { stateRepoUrlSource } : {}),
    summary: result.ok
      ? {
          managedImages: result.state.managedImages.length,
          baseImages: result.state.baseImages.filter((b) => !b.external).length,
          externalImages: result.state.baseImages.filter((b) => b.external).length,
          errors: 0,
          warnings: problems.length,
        }
      : {
          errors: problems.filter((p) => p.severity === 'error').length,
          warnings: problems.filter((p) => p.severity === 'warning').length,
        },
    problems: problems.map((p) => ({
      file: p.file,
      line: p.line,
      col: p.col,
      severity: p.severity,
      code: p.code,
      path: p.path,
      message: p.message,
      ...(p.hint ? { hint: p.hint } : {}),
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * The line saying that `stateRepo.url` was taken from the state directory's git origin, or ''.
 * The synth app says exactly the same (apps/synth/src/state-repo-notice.ts; tests/old-tool.test.ts
 * compares them).
 */
export function stateRepoNotice(source: StateRepoUrlSource | undefined): string {
  if (source === undefined) return '';
  const credentials = source.credentialsRemoved ? '; the user name and password in it were left out' : '';
  return `notice: stateRepo.url is not set in image-factory.yaml: using the git origin of the state directory, ${source.url} (from ${source.file}${credentials})\n`;
}
