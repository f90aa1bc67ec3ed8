import { displayPath, resolveStateDir } from '@image-factory/state-schema/state-dir';
import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import type { MigratedFile } from '../migrate/report.js';
import { stateDirOption } from '../options.js';
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
    .addOption(stateDirOption())
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
  const migrate = await import('../migrate/index.js');
  const stateDir = resolveStateDir(options.stateDir, io.env, io.cwd);
  const where = displayPath(stateDir, io.cwd);
  const dryRun = options.dryRun === true;
  const planned = migrate.planMigration(stateDir);
  if (!planned.ok) {
    if (planned.problems.some((p) => p.code === 'missing-directory')) throw migrate.missingStateDir(stateDir);
    if (options.json) {
      io.stdout.write(
        migrate.renderMigrateJson({ stateDir, dryRun, files: [], notes: [], problems: planned.problems }),
      );
    } else {
      io.stderr.write(migrate.renderProblems(planned.problems, stateDir, io.cwd));
      const errors = planned.problems.filter((p) => p.severity === 'error').length;
      io.stderr.write(
        `${where}: not migrated: ${errors} ${errors === 1 ? 'error' : 'errors'} (image-factory validate lists them too); nothing was written\n`,
      );
    }
    return 1;
  }
  const { plan } = planned;
  const git = await migrate.workTreeGit(stateDir, io.env);
  const gitMoves = git ? await git.tracked(plan.moves.map((m) => m.from)) : new Set<string>();
  const files = migrate.migratedFiles(plan, gitMoves, dryRun);

  if (files.length === 0) {
    if (options.json) {
      io.stdout.write(
        migrate.renderMigrateJson({ stateDir, dryRun, files, notes: plan.notes, problems: [] }),
      );
    } else {
      io.stdout.write(`${where}: nothing to migrate: the state is in today's layout and format\n`);
    }
    return 0;
  }
  if (dryRun) {
    io.stdout.write(
      options.json
        ? migrate.renderMigrateJson({ stateDir, dryRun, files, notes: plan.notes, problems: [] })
        : formatMigrate(where, files, plan.notes, true),
    );
    return 0;
  }

  const applied = await migrate.applyMigration(plan, git);
  const done = migrate.migratedFiles(plan, new Set(applied.filter((m) => m.git).map((m) => m.from)), false);
  // What is left is what `image-factory validate` reports on the migrated state: the loader's
  // warnings and the planner's (unpinned rebuilds, for one), or the errors of a state that does
  // not synthesize yet (no stateRepo.url without a git origin). The migration itself succeeded
  // when the migrated state loads.
  const loaded = migrate.loadState(stateDir);
  const checked = migrate.checkState(loaded);
  const left = checked.ok ? checked.warnings : checked.problems;
  const warningsLeft = left.filter((p) => p.severity === 'warning');
  const errorsLeft = left.filter((p) => p.severity === 'error');
  if (options.json) {
    io.stdout.write(
      migrate.renderMigrateJson({
        stateDir,
        dryRun,
        files: done,
        notes: plan.notes,
        problems: [],
        warningsLeft,
        errorsLeft,
      }),
    );
    return loaded.ok ? 0 : 1;
  }
  io.stdout.write(formatMigrate(where, done, plan.notes, false));
  if (left.length > 0) io.stderr.write(migrate.renderProblems(left, stateDir, io.cwd));
  io.stdout.write(
    `${where}: migrated: ${summarize(done)}; ${leftover(errorsLeft.length, warningsLeft.length)}\n` +
      `next: review with git status and git diff, run image-factory validate and pnpm synth, then commit\n`,
  );
  return loaded.ok ? 0 : 1;
}

/** What `image-factory validate` will report on the migrated state, as counts. */
function leftover(errors: number, warnings: number): string {
  if (errors === 0 && warnings === 0) return '0 warnings left';
  const counts =
    errors > 0
      ? `${plural(errors, 'error')} and ${plural(warnings, 'warning')}`
      : plural(warnings, 'warning');
  const fix = errors > 0 ? ': fix the errors before synthesizing' : '';
  return `${counts} left (as image-factory validate reports them)${fix}`;
}

/** The human-readable report: each file with what changes in it (and its diff in a dry run). */
export function formatMigrate(
  where: string,
  files: readonly MigratedFile[],
  notes: readonly string[],
  dryRun: boolean,
): string {
  const lines: string[] = [];
  if (dryRun) lines.push(`migrate --dry-run: the plan for ${where} (nothing is written)`, '');
  for (const file of files) {
    lines.push(heading(file, dryRun));
    for (const change of file.changes) lines.push(`  ${change}`);
  }
  for (const note of notes) lines.push(`note: ${note}`);
  if (dryRun) {
    const diffs = files.map((f) => f.diff ?? '').filter((d) => d !== '');
    if (diffs.length > 0) lines.push('', ...diffs.map((d) => d.replace(/\n$/, '')));
    lines.push('', `${where}: would migrate: ${summarize(files)}`);
  }
  return `${lines.join('\n')}\n`;
}

function heading(file: MigratedFile, dryRun: boolean): string {
  const would = dryRun ? 'would be ' : '';
  if (file.movedFrom !== undefined) {
    const how = file.move === 'git' ? 'git mv' : 'moved';
    return `${file.movedFrom} -> ${file.file} (${dryRun ? `would ${file.move === 'git' ? 'git mv' : 'move'}` : how}${file.action === 'edit' ? `, ${would}edited` : ''})`;
  }
  if (file.action === 'create') return `${file.file} (${would}created)`;
  if (file.action === 'delete') return `${file.file} (${would}removed)`;
  return `${file.file} (${would}edited)`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The counts line: `6 files moved (6 with git mv), 7 edited, 1 created, 2 removed`. */
export function summarize(files: readonly MigratedFile[]): string {
  const moved = files.filter((f) => f.movedFrom !== undefined);
  const withGit = moved.filter((f) => f.move === 'git').length;
  const count = (action: MigratedFile['action']) => files.filter((f) => f.action === action).length;
  return (
    `${plural(moved.length, 'file')} moved${moved.length > 0 ? ` (${withGit} with git mv)` : ''}, ` +
    `${count('edit')} edited, ${count('create')} created, ${count('delete')} removed`
  );
}
