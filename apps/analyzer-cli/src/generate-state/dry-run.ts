/**
 * `generate-state --dry-run`: the run happens on a private copy of the state directory, and what
 * differs afterwards is what a real run would change. The checkout itself is never written.
 */
import { copyFileSync, cpSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type GenerateStateContext,
  type GenerateStateOptions,
  type GenerateStateReport,
  generateState,
} from '../lib/generate-state.js';
import { loadValidState } from '../lib/state.js';
import { withTempDir } from '../lib/temp.js';
import { unifiedDiff } from '../migrate/diff.js';

/** A file a run would create, update or remove, with its unified diff (git's format). */
export interface PlannedChange {
  readonly file: string;
  readonly action: 'create' | 'update' | 'remove';
  readonly diff: string;
}

/** What a dry run found: the report of the run on the copy, and the files it changed there. */
export interface DryRunResult {
  readonly report: GenerateStateReport;
  readonly changes: readonly PlannedChange[];
}

/** Runs generate-state on a copy of `options.stateDir` and compares the copy with the original. */
export async function generateStateDryRun(
  options: GenerateStateOptions,
  context: GenerateStateContext,
): Promise<DryRunResult> {
  // The same refusal as a real run for a missing or invalid state, before anything is copied.
  await loadValidState(options.stateDir, undefined, context.cwd);
  return withTempDir(
    'image-factory-dry-run',
    async (tmp) => {
      const copy = join(tmp, 'state');
      copyState(options.stateDir, copy);
      const report = await generateState({ ...options, stateDir: copy }, context);
      return { report, changes: compareTrees(options.stateDir, copy) };
    },
    context.tmpRoot,
  );
}

/**
 * Copies the state checkout, symbolic links as links (the loader refuses those leading out, in the
 * copy as in the original). Of `.git` only what the loader reads is copied: `.git/config` (the
 * origin `stateRepo.url` may come from), or a worktree's `.git` file.
 */
function copyState(from: string, to: string): void {
  cpSync(from, to, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => source !== join(from, '.git'),
  });
  const dotGit = join(from, '.git');
  const stat = lstatOrUndefined(dotGit);
  if (stat?.isFile()) copyFileSync(dotGit, join(to, '.git'));
  else if (stat?.isDirectory() && lstatOrUndefined(join(dotGit, 'config'))?.isFile()) {
    mkdirSync(join(to, '.git'));
    copyFileSync(join(dotGit, 'config'), join(to, '.git', 'config'));
  }
}

/** Regular files under `dir` (not `.git`), `/`-separated and relative, sorted. */
function listFiles(dir: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (rel === '.git') continue;
    if (entry.isDirectory()) files.push(...listFiles(dir, rel));
    else if (entry.isFile()) files.push(rel);
  }
  return files.sort();
}

function compareTrees(before: string, after: string): PlannedChange[] {
  const old = new Set(listFiles(before));
  const now = new Set(listFiles(after));
  const changes: PlannedChange[] = [];
  for (const file of [...new Set([...old, ...now])].sort()) {
    const a = old.has(file) ? readFileSync(join(before, file), 'utf8') : undefined;
    const b = now.has(file) ? readFileSync(join(after, file), 'utf8') : undefined;
    if (a === b) continue;
    if (a === undefined)
      changes.push({ file, action: 'create', diff: unifiedDiff(undefined, file, '', b ?? '') });
    else if (b === undefined)
      changes.push({ file, action: 'remove', diff: unifiedDiff(file, undefined, a, '') });
    else changes.push({ file, action: 'update', diff: unifiedDiff(file, file, a, b) });
  }
  return changes;
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
