import type { FactoryState, StateProblem } from '@image-factory/state-schema';
import { displayPath, resolveStateDir } from '@image-factory/state-schema/state-dir';
import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { stateDirOption } from '../options.js';
import type { CommandContext, RegisterCommand } from '../program.js';

/** The `version` of `validate --json` (raised when a field changes meaning or is removed). */
export const VALIDATE_JSON_VERSION = 1;

/** Options of `image-factory validate`. */
export interface ValidateOptions {
  /** `--state-dir`: the state repository (default `$IMAGE_FACTORY_STATE_DIR`, else `../image-factory-state`). */
  readonly stateDir?: string | undefined;
  /** `--json`: print a machine-readable report on stdout. */
  readonly json?: boolean | undefined;
}

/** `image-factory validate [--state-dir DIR] [--json]`. */
export const registerValidate: RegisterCommand = (program: Command, ctx: CommandContext) => {
  program
    .command('validate')
    .description('Validate a state repository: every problem as file:line:col: message, exit 1 when invalid.')
    .addOption(stateDirOption())
    .option('--json', 'print a machine-readable report on stdout')
    .action(async (options: ValidateOptions) => {
      ctx.setExitCode(await runValidate(options, ctx.io));
    });
};

/**
 * Runs `validate` and returns its exit code: 0 valid (warnings allowed), 1 invalid or missing.
 * Valid means that `synth` succeeds: the factory planner runs on a state that loads, and its
 * problems and warnings are reported like the loader's (see validate/synthesis-check.ts).
 */
export async function runValidate(options: ValidateOptions, io: CliIO): Promise<number> {
  const validate = await import('../validate/index.js');
  const stateDir = resolveStateDir(options.stateDir, io.env, io.cwd);
  const loaded = validate.loadState(stateDir);
  const source = loaded.ok ? loaded.state.stateRepoUrlSource : undefined;
  const result = validate.checkState(loaded);
  const missing = !result.ok && result.problems.some((p) => p.code === 'missing-directory');
  if (options.json) io.stdout.write(validate.renderValidateJson(stateDir, result, source));
  if (missing) throw validate.missingStateDir(stateDir);
  if (options.json) return result.ok ? 0 : 1;
  const problems = result.ok ? result.warnings : result.problems;
  io.stderr.write(validate.stateRepoNotice(source) + validate.renderProblems(problems, stateDir, io.cwd));
  const summary = formatValidate(
    displayPath(stateDir, io.cwd),
    result.ok ? result.state : undefined,
    problems,
  );
  (result.ok ? io.stdout : io.stderr).write(summary);
  return result.ok ? 0 : 1;
}

/** The one-line summary: counts of a valid state, or of the problems of an invalid one (`state` undefined). */
export function formatValidate(
  where: string,
  state: Pick<FactoryState, 'managedImages' | 'baseImages'> | undefined,
  problems: readonly Pick<StateProblem, 'severity'>[],
): string {
  const warnings = problems.filter((p) => p.severity === 'warning').length;
  if (state === undefined) {
    const errors = problems.length - warnings;
    return `${where}: invalid: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`;
  }
  const external = state.baseImages.filter((b) => b.external).length;
  return (
    `${where}: valid: ${plural(state.managedImages.length, 'managed image')}, ` +
    `${plural(state.baseImages.length - external, 'base image')}, ${plural(external, 'external image')}, ` +
    `${plural(warnings, 'warning')}\n`
  );
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
