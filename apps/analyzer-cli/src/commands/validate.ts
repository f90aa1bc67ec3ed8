import type { LoadStateResult } from '@image-factory/state-schema';
import type { Command } from 'commander';
import { CliError } from '../errors.js';
import type { CliIO } from '../io.js';
import type { CommandContext, RegisterCommand } from '../program.js';
import { resolveStateDir } from '../state-dir.js';

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
    .option(
      '--state-dir <dir>',
      'the state repository (default: $IMAGE_FACTORY_STATE_DIR, else ../image-factory-state)',
    )
    .option('--json', 'print a machine-readable report on stdout')
    .action(async (options: ValidateOptions) => {
      ctx.setExitCode(await runValidate(options, ctx.io));
    });
};

/**
 * Runs `validate` and returns its exit code: 0 valid (warnings allowed), 1 invalid or missing.
 * Valid means that `synth` succeeds: the factory planner runs on a state that loads, and its
 * problems are reported like the loader's (see validate/synthesis-check.ts).
 */
export async function runValidate(options: ValidateOptions, io: CliIO): Promise<number> {
  const { loadState, sortProblems, withoutDefaultWarnings } = await import('@image-factory/state-schema');
  const { renderValidateJson, renderProblems, renderSummary, stateRepoNotice } = await import(
    '../validate/report.js'
  );
  const { synthesisCheck } = await import('../validate/synthesis-check.js');
  const stateDir = resolveStateDir(options.stateDir, io);
  const loaded = await loadState(stateDir);
  const source = loaded.ok ? loaded.state.stateRepoUrlSource : undefined;
  const synthesis = loaded.ok ? synthesisCheck(loaded.state) : { problems: [], warnings: [] };
  const refused = synthesis.problems;
  const result: LoadStateResult =
    loaded.ok && refused.length > 0
      ? { ok: false, problems: sortProblems([...withoutDefaultWarnings(loaded.warnings), ...refused]) }
      : loaded.ok && synthesis.warnings.length > 0
        ? { ...loaded, warnings: sortProblems([...loaded.warnings, ...synthesis.warnings]) }
        : loaded;
  const missing = !result.ok && result.problems.some((p) => p.code === 'missing-directory');
  if (options.json) io.stdout.write(renderValidateJson(stateDir, result, source));
  if (missing) {
    throw new CliError(
      `state directory ${stateDir} does not exist or is not a directory`,
      1,
      'pass --state-dir DIR or set IMAGE_FACTORY_STATE_DIR to a checkout of the state repository',
    );
  }
  if (options.json) return result.ok ? 0 : 1;
  const problems = result.ok ? result.warnings : result.problems;
  io.stderr.write(stateRepoNotice(source) + renderProblems(problems, stateDir, io.cwd));
  if (result.ok) {
    io.stdout.write(`${renderSummary(stateDir, io.cwd, result.state, problems)}\n`);
    return 0;
  }
  io.stderr.write(`${renderSummary(stateDir, io.cwd, undefined, problems)}\n`);
  return 1;
}
