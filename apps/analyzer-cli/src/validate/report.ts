import { join } from 'node:path';
import {
  formatProblem,
  type LoadStateResult,
  type StateProblem,
  type StateRepoUrlSource,
} from '@image-factory/state-schema';
import { displayPath } from '@image-factory/state-schema/state-dir';
import { VALIDATE_JSON_VERSION } from '../commands/validate.js';

/**
 * Every problem as `file:line:col: message` (+ `  hint: ...`), one per line, with file paths shown
 * from the working directory so that editors and terminals can jump to them.
 */
export function renderProblems(problems: readonly StateProblem[], stateDir: string, cwd: string): string {
  const prefix = displayPath(stateDir, cwd);
  return problems
    .map((problem) => {
      const file = problem.file === '.' ? prefix : prefix === '.' ? problem.file : join(prefix, problem.file);
      return `${formatProblem({ ...problem, file })}\n`;
    })
    .join('');
}

/** A problem in `--json` outputs (`validate`, `generate-state`): its file relative to the state directory. */
export function problemJson(p: StateProblem) {
  return {
    file: p.file,
    line: p.line,
    col: p.col,
    severity: p.severity,
    code: p.code,
    path: p.path,
    message: p.message,
    ...(p.hint ? { hint: p.hint } : {}),
  };
}

/** The `--json` report (one JSON document and a newline). */
export function renderValidateJson(
  stateDir: string,
  result: LoadStateResult,
  stateRepoUrlSource?: StateRepoUrlSource,
): string {
  const problems = result.ok ? result.warnings : result.problems;
  const report = {
    version: VALIDATE_JSON_VERSION,
    valid: result.ok,
    stateDir,
    ...(stateRepoUrlSource ? { stateRepoUrlSource } : {}),
    // The same keys whether valid or not: the counts of images are null when the state did not load.
    summary: {
      managedImages: result.ok ? result.state.managedImages.length : null,
      baseImages: result.ok ? result.state.baseImages.filter((b) => !b.external).length : null,
      externalImages: result.ok ? result.state.baseImages.filter((b) => b.external).length : null,
      errors: problems.filter((p) => p.severity === 'error').length,
      warnings: problems.filter((p) => p.severity === 'warning').length,
    },
    problems: problems.map(problemJson),
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
