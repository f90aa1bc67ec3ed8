/** What `image-factory migrate` prints: file by file, as text or as JSON (`version` 1). */
import type { MigrationPlan, StateProblem } from '@image-factory/state-schema';
import { unifiedDiff } from './diff.js';

/** Version of the `--json` report; raised when a field changes meaning or goes away. */
export const MIGRATE_JSON_VERSION = 1;

/** One file of the report: moved, edited, created or removed (or moved and edited). */
export interface MigratedFile {
  /** Where the file is after the migration (where it was, for a removal). */
  readonly file: string;
  readonly action: 'move' | 'edit' | 'create' | 'delete';
  /** Where it was before, when it moves. */
  readonly movedFrom?: string;
  /** How it moves: `git` (`git mv`, history follows) or `rename`. */
  readonly move?: 'git' | 'rename';
  /** What changes in it, one sentence each. */
  readonly changes: readonly string[];
  /** Unified diff (dry run only). */
  readonly diff?: string;
}

/** The plan, file by file; `gitMoves` are the sources moved with `git mv`. */
export function migratedFiles(
  plan: MigrationPlan,
  gitMoves: ReadonlySet<string>,
  withDiff: boolean,
): MigratedFile[] {
  const files: MigratedFile[] = [];
  const editsByOrigin = new Map(
    plan.changes.filter((c) => c.movedFrom).map((c) => [c.movedFrom as string, c]),
  );
  for (const change of plan.changes) {
    if (change.movedFrom !== undefined) continue;
    const from = change.kind === 'create' ? undefined : change.file;
    const to = change.kind === 'delete' ? undefined : change.file;
    files.push({
      file: change.file,
      action: change.kind,
      changes: change.what,
      ...(withDiff ? { diff: unifiedDiff(from, to, change.before ?? '', change.after ?? '') } : {}),
    });
  }
  for (const move of plan.moves) {
    const edit = editsByOrigin.get(move.from);
    const how = gitMoves.has(move.from) ? 'git' : 'rename';
    files.push({
      file: move.to,
      action: edit ? 'edit' : 'move',
      movedFrom: move.from,
      move: how,
      changes: edit?.what ?? [],
      ...(withDiff
        ? {
            diff: unifiedDiff(move.from, move.to, edit?.before ?? '', edit?.after ?? edit?.before ?? ''),
          }
        : {}),
    });
  }
  return files;
}

/** The `--json` report. */
export function renderMigrateJson(report: {
  stateDir: string;
  dryRun: boolean;
  files: readonly MigratedFile[];
  notes: readonly string[];
  problems: readonly StateProblem[];
  warningsLeft?: readonly StateProblem[] | undefined;
  errorsLeft?: readonly StateProblem[] | undefined;
}): string {
  const problem = (p: StateProblem) => ({
    file: p.file,
    line: p.line,
    col: p.col,
    severity: p.severity,
    code: p.code,
    message: p.message,
    ...(p.hint ? { hint: p.hint } : {}),
  });
  return `${JSON.stringify(
    {
      version: MIGRATE_JSON_VERSION,
      stateDir: report.stateDir,
      dryRun: report.dryRun,
      ok: !report.problems.some((p) => p.severity === 'error'),
      changed: !report.dryRun && report.files.length > 0,
      files: report.files,
      notes: report.notes,
      problems: report.problems.map(problem),
      ...(report.warningsLeft ? { warningsLeft: report.warningsLeft.map(problem) } : {}),
      ...(report.errorsLeft ? { errorsLeft: report.errorsLeft.map(problem) } : {}),
    },
    null,
    2,
  )}\n`;
}
