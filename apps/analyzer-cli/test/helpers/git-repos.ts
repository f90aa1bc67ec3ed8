// Real git repositories for end-to-end tests: working trees and bare remotes in temporary directories.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/** Environment for git calls made by the tests themselves (isolated from the user's configuration). */
export const TEST_GIT_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
};

/** Runs git synchronously in `cwd` and returns its stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: TEST_GIT_ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A temporary directory removed by `cleanup()`. */
export function tempDir(prefix = 'if-test'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** File content; `{ symlink: target }` makes a symbolic link. */
export type FileSpec = string | { readonly symlink: string };

/** Writes `files` (path -> content) under `dir`. */
export function writeFiles(dir: string, files: Readonly<Record<string, FileSpec>>): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    if (typeof content === 'string') writeFileSync(full, content);
    else symlinkSync(content.symlink, full);
  }
}

/**
 * Creates a bare repository at `bare` whose `branch` holds `files` in one commit by "Test Author".
 * Returns the bare repository's path.
 */
export function createBareRepo(
  bare: string,
  files: Readonly<Record<string, FileSpec>>,
  branch = 'main',
): string {
  const work = `${bare}.work`;
  mkdirSync(work, { recursive: true });
  git(work, 'init', '--quiet', '--initial-branch', branch);
  writeFiles(work, files);
  commitAll(work, 'initial content');
  mkdirSync(dirname(bare), { recursive: true });
  git(dirname(bare), 'clone', '--quiet', '--bare', work, bare);
  rmSync(work, { recursive: true, force: true });
  return bare;
}

/** Commits everything in a working tree as "Test Author". */
export function commitAll(work: string, message: string): void {
  git(work, 'add', '--all');
  git(
    work,
    '-c',
    'user.name=Test Author',
    '-c',
    'user.email=test@example.com',
    'commit',
    '--quiet',
    '-m',
    message,
  );
}

/** Adds a commit with `files` to `branch` of a bare repository (as another writer would). */
export function pushFiles(
  bare: string,
  files: Readonly<Record<string, FileSpec>>,
  message: string,
  branch = 'main',
): void {
  const work = mkdtempSync(join(tmpdir(), 'if-push-'));
  try {
    git(work, 'clone', '--quiet', '--branch', branch, bare, 'w');
    const w = join(work, 'w');
    writeFiles(w, files);
    commitAll(w, message);
    git(w, 'push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The commit `branch` of `bare` points to. */
export function headOf(bare: string, branch = 'main'): string {
  return git(bare, 'rev-parse', `refs/heads/${branch}`).trim();
}

/** A file at `branch` of `bare`, or undefined when absent. */
export function showFile(bare: string, path: string, branch = 'main'): string | undefined {
  try {
    return git(bare, 'show', `refs/heads/${branch}:${path}`);
  } catch {
    return undefined;
  }
}

/** Every file (path -> content) at `branch` of `bare`. */
export function treeOf(bare: string, branch = 'main'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of git(bare, 'ls-tree', '-r', '--name-only', `refs/heads/${branch}`)
    .split('\n')
    .filter(Boolean)) {
    out[path] = git(bare, 'show', `refs/heads/${branch}:${path}`);
  }
  return out;
}

/** A commit's author, subject, body and changed files. */
export interface CommitInfo {
  readonly authorName: string;
  readonly authorEmail: string;
  readonly committerName: string;
  readonly subject: string;
  readonly body: string;
  readonly files: readonly string[];
  readonly parents: readonly string[];
}

export function commitInfo(bare: string, ref: string): CommitInfo {
  const [authorName, authorEmail, committerName, parents, subject, ...body] = git(
    bare,
    'log',
    '-1',
    '--format=%an%n%ae%n%cn%n%P%n%s%n%b',
    ref,
  ).split('\n');
  const files = git(bare, 'diff-tree', '--no-commit-id', '--name-only', '-r', '--root', ref)
    .split('\n')
    .filter(Boolean);
  return {
    authorName: authorName ?? '',
    authorEmail: authorEmail ?? '',
    committerName: committerName ?? '',
    parents: (parents ?? '').split(' ').filter(Boolean),
    subject: subject ?? '',
    body: body.join('\n').trim(),
    files: files.sort(),
  };
}

/** Number of commits on `branch` of `bare`. */
export function commitCount(bare: string, branch = 'main'): number {
  return Number(git(bare, 'rev-list', '--count', `refs/heads/${branch}`).trim());
}

/** Installs a hook (a shell script body) in a bare repository. */
export function installHook(bare: string, hook: 'pre-receive' | 'update', script: string): void {
  const path = join(bare, 'hooks', hook);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
}

/** Every file under `dir` (relative paths), for "nothing left behind" assertions. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const full = join(current, entry);
      if (statSync(full, { throwIfNoEntry: false })?.isDirectory()) walk(full);
      else out.push(relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}

/** Reads a text file. */
export function read(path: string): string {
  return readFileSync(path, 'utf8');
}
