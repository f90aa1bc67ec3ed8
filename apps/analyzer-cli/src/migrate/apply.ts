/**
 * Applies a migration plan (planned in memory by `planMigration`): all or nothing.
 *
 * 1. Every file the plan read is read again and must still hold the text the plan was made from;
 *    nothing may stand where a file is moved or created.
 * 2. Moves: `git mv` for tracked files in a git work tree (history follows), a rename otherwise.
 * 3. The new texts are written to temporary files next to their targets, then renamed over them.
 * 4. Files to remove are removed (and their removal staged in a work tree).
 *
 * When any step fails, what was done is undone (renamed files get their old text back, moves are
 * moved back, removed files are written again) and the error is reported: nothing is written.
 */
import { randomUUID } from 'node:crypto';
import { lstat, mkdir, readFile, rename, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { MigrationPlan } from '@image-factory/state-schema';
import { CliError } from '../errors.js';
import type { WorkTreeGit } from './git.js';

/** How each move was made. */
export interface AppliedMove {
  readonly from: string;
  readonly to: string;
  readonly git: boolean;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function readIfRegular(path: string): Promise<string | undefined> {
  try {
    if (!(await lstat(path)).isFile()) return undefined;
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Applies `plan`; returns how each move was made. Throws a {@link CliError} after undoing everything. */
export async function applyMigration(
  plan: MigrationPlan,
  git: WorkTreeGit | undefined,
): Promise<AppliedMove[]> {
  const root = plan.dir;
  const at = (file: string) => join(root, file);

  // 1. The files are still what the plan was made from.
  for (const change of plan.changes) {
    const current = change.kind === 'edit' ? (change.movedFrom ?? change.file) : change.file;
    if (change.kind === 'create') {
      if (await exists(at(change.file))) throw changed(change.file, 'it was created meanwhile');
    } else if ((await readIfRegular(at(current))) !== change.before) {
      throw changed(current, 'it changed since it was read');
    }
  }
  for (const move of plan.moves) {
    if (await exists(at(move.to))) throw changed(move.to, 'it exists');
    if (!(await exists(at(move.from)))) throw changed(move.from, 'it is gone');
  }

  const undo: (() => Promise<void>)[] = [];
  const temps: string[] = [];
  const applied: AppliedMove[] = [];
  try {
    // 2. Moves.
    const tracked = git ? await git.tracked(plan.moves.map((m) => m.from)) : new Set<string>();
    for (const move of plan.moves) {
      await mkdir(dirname(at(move.to)), { recursive: true });
      if (git && tracked.has(move.from)) {
        await git.move(move.from, move.to);
        undo.push(() => git.move(move.to, move.from));
        applied.push({ ...move, git: true });
      } else {
        await rename(at(move.from), at(move.to));
        undo.push(() => rename(at(move.to), at(move.from)));
        applied.push({ ...move, git: false });
      }
    }
    // 3. New texts: temporary files first, then renamed into place.
    const writes = plan.changes.filter((c) => c.kind !== 'delete');
    const staged: { temp: string; target: string; before: string | undefined }[] = [];
    for (const change of writes) {
      const target = at(change.file);
      await mkdir(dirname(target), { recursive: true });
      const temp = join(dirname(target), `.${basename(target)}.${randomUUID()}.tmp`);
      temps.push(temp);
      await writeFile(temp, change.after ?? '', { encoding: 'utf8', flag: 'wx' });
      if ((await readFile(temp, 'utf8')) !== change.after)
        throw new Error(`${change.file}: the written text reads back differently`);
      staged.push({ temp, target, before: change.kind === 'edit' ? change.before : undefined });
    }
    for (const { temp, target, before } of staged) {
      await rename(temp, target);
      undo.push(() => (before === undefined ? unlink(target) : writeFile(target, before, 'utf8')));
    }
    // 4. Removals.
    const removed: string[] = [];
    for (const change of plan.changes.filter((c) => c.kind === 'delete')) {
      await unlink(at(change.file));
      const before = change.before ?? '';
      undo.push(() => writeFile(at(change.file), before, 'utf8'));
      removed.push(change.file);
    }
    if (git && removed.length > 0) await git.stageRemoval(removed);
  } catch (error) {
    for (const temp of temps) await rm(temp, { force: true });
    const failures: string[] = [];
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch (undoError) {
        failures.push((undoError as Error).message);
      }
    }
    throw new CliError(
      `migration failed: ${(error as Error).message}; ${failures.length === 0 ? 'everything was undone, nothing was written' : `undoing it failed too (${failures.join('; ')}): check git status`}`,
      1,
    );
  }
  // The old layout's directories, once empty.
  if (plan.moves.length > 0) {
    for (const dir of ['state/images', 'state/base-images', 'state'])
      await rmdir(at(dir)).catch(() => undefined);
  }
  return applied;
}

function changed(file: string, why: string): CliError {
  return new CliError(
    `${file} cannot be migrated: ${why}; nothing was written`,
    1,
    'run image-factory migrate again',
  );
}
