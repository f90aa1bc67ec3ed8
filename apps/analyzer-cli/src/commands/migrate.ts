import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import type { CommandContext, RegisterCommand } from '../program.js';

/** Options of `image-factory migrate`. */
export interface MigrateOptions {
  /** `--state-dir`: the state repository (default `$IMAGE_FACTORY_STATE_DIR`, else `../image-factory-state`). */
  readonly stateDir?: string | undefined;
  /** `--dry-run`: print the plan and a unified diff, write nothing. */
  readonly dryRun?: boolean | undefined;
  /** `--json`: print a machine-readable report (with a `version` field) on stdout. */
  readonly json?: boolean | undefined;
}

/** `image-factory migrate [--state-dir DIR] [--dry-run] [--json]`. */
export const registerMigrate: RegisterCommand = (program: Command, ctx: CommandContext) => {
  program
    .command('migrate')
    .description(
      'Rewrite a state repository of the old tool into today’s layout and format, in place (git mv in a work tree); the generated objects stay the same.',
    )
    .option(
      '--state-dir <dir>',
      'the state repository (default: $IMAGE_FACTORY_STATE_DIR, else ../image-factory-state)',
    )
    .option('--dry-run', 'print the plan and a unified diff; write nothing')
    .option('--json', 'print a machine-readable report on stdout')
    .action(async (options: MigrateOptions) => {
      ctx.setExitCode(await runMigrate(options, ctx.io));
    });
};

/**
 * Runs `migrate` and returns its exit code: 0 migrated (or nothing to do), 1 the state does not
 * load or the migration failed (then nothing was written).
 */
export async function runMigrate(options: MigrateOptions, io: CliIO): Promise<number> {
  const [
    { loadState, planMigration },
    { resolveStateDir },
    { CliError },
    report,
    validateReport,
    { workTreeGit },
  ] = await Promise.all([
    import('@image-factory/state-schema'),
    import('../state-dir.js'),
    import('../errors.js'),
    import('../migrate/report.js'),
    import('../validate/report.js'),
    import('../migrate/git.js'),
  ]);
  const stateDir = resolveStateDir(options.stateDir, io);
  const where = validateReport.displayDir(stateDir, io.cwd);
  const dryRun = options.dryRun === true;
  const planned = planMigration(stateDir);
  if (!planned.ok) {
    if (planned.problems.some((p) => p.code === 'missing-directory')) {
      throw new CliError(
        `state directory ${stateDir} does not exist or is not a directory`,
        1,
        'pass --state-dir DIR or set IMAGE_FACTORY_STATE_DIR to a checkout of the state repository',
      );
    }
    if (options.json) {
      io.stdout.write(
        report.renderMigrateJson({ stateDir, dryRun, files: [], notes: [], problems: planned.problems }),
      );
    } else {
      io.stderr.write(validateReport.renderProblems(planned.problems, stateDir, io.cwd));
      const errors = planned.problems.filter((p) => p.severity === 'error').length;
      io.stderr.write(
        `${where}: not migrated: ${errors} ${errors === 1 ? 'error' : 'errors'} (image-factory validate lists them too); nothing was written\n`,
      );
    }
    return 1;
  }
  const { plan } = planned;
  const git = await workTreeGit(stateDir, io.env);
  const gitMoves = git ? await git.tracked(plan.moves.map((m) => m.from)) : new Set<string>();
  const files = report.migratedFiles(plan, gitMoves, dryRun);

  if (files.length === 0) {
    if (options.json) {
      io.stdout.write(report.renderMigrateJson({ stateDir, dryRun, files, notes: plan.notes, problems: [] }));
    } else {
      io.stdout.write(`${where}: nothing to migrate: the state is in today's layout and format\n`);
    }
    return 0;
  }
  if (dryRun) {
    io.stdout.write(
      options.json
        ? report.renderMigrateJson({ stateDir, dryRun, files, notes: plan.notes, problems: [] })
        : report.renderMigrateText(where, files, plan.notes, true),
    );
    return 0;
  }

  const { applyMigration } = await import('../migrate/apply.js');
  const applied = await applyMigration(plan, git);
  const done = report.migratedFiles(plan, new Set(applied.filter((m) => m.git).map((m) => m.from)), false);
  const after = await loadState(stateDir);
  const left = after.ok ? after.warnings : after.problems;
  if (options.json) {
    io.stdout.write(
      report.renderMigrateJson({
        stateDir,
        dryRun,
        files: done,
        notes: plan.notes,
        problems: [],
        warningsLeft: left,
      }),
    );
    return after.ok ? 0 : 1;
  }
  io.stdout.write(report.renderMigrateText(where, done, plan.notes, false));
  if (left.length > 0) io.stderr.write(validateReport.renderProblems(left, stateDir, io.cwd));
  io.stdout.write(
    `${where}: migrated: ${report.summarize(done)}; ${left.length} ${left.length === 1 ? 'warning' : 'warnings'} left\n` +
      `next: review with git status and git diff, run image-factory validate and pnpm synth, then commit\n`,
  );
  return after.ok ? 0 : 1;
}
