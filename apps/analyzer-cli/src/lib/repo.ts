/** Repository operations of the analysis job and state generation, on top of {@link Git}. */
import { CliError } from '../errors.js';
import type { Git } from './git.js';

/** The identity of the commits the factory makes (a job container has no git configuration). */
export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

/** @default identity of factory commits. */
export const FACTORY_IDENTITY: GitIdentity = {
  name: 'image-factory',
  email: 'image-factory@users.noreply.github.com',
};

/**
 * Checks a branch name the way `git check-ref-format --branch` does, without letting a name that
 * starts with `-` reach git as an option.
 */
export async function checkBranchName(git: Git, branch: string, what: string, cwd: string): Promise<void> {
  const bad = (why: string): never => {
    throw new CliError(`${what} "${branch}" is not a valid branch name: ${why}`);
  };
  if (branch === '') bad('it is empty');
  if (branch.startsWith('-')) bad('it starts with "-"');
  const result = await git.exec(['check-ref-format', '--branch', branch], cwd);
  if (result.exitCode !== 0) bad('git check-ref-format refuses it');
}

/** What {@link cloneBranch} clones. */
export interface CloneOptions {
  /** Any URL git accepts, including local paths (resolved against `cwd`). */
  readonly url: string;
  readonly branch: string;
  /** Directory to clone into (must not exist or be empty). */
  readonly dest: string;
  /** What is cloned, for messages, e.g. `the state repository`. */
  readonly what: string;
  /** Working directory for relative URLs. */
  readonly cwd: string;
  /** Check out only these repository-relative files (partial, sparse clone). Absent: everything. */
  readonly sparsePaths?: readonly string[] | undefined;
}

/**
 * Shallow, single-branch clone of `url` at `branch` into `dest`. With `sparsePaths`, a partial
 * clone (`--filter=blob:none`) that checks out only those files. Throws a {@link CliError} naming
 * the repository (redacted) and git's reason.
 */
export async function cloneBranch(git: Git, options: CloneOptions): Promise<void> {
  const { url, branch, dest, what } = options;
  const sparse = options.sparsePaths !== undefined;
  const args = ['clone', '--quiet', '--depth', '1', '--single-branch', '--no-tags', '--branch', branch];
  if (sparse) args.push('--filter=blob:none', '--no-checkout');
  args.push('--', url, dest);
  await git.run(args, options.cwd, `cloning ${what} ${git.redact(url)} (branch ${branch})`);
  if (sparse) {
    const patterns = (options.sparsePaths ?? []).map((path) => `/${escapeSparsePattern(path)}`);
    await git.run(
      ['sparse-checkout', 'set', '--no-cone', '--', ...patterns],
      dest,
      `sparse checkout of ${what}`,
    );
    await git.run(['checkout', '--quiet', branch], dest, `checking out ${what}`);
  }
}

/** Escapes gitignore-style pattern characters so that a path matches only itself. */
function escapeSparsePattern(path: string): string {
  return path.replace(/[\\*?[\]!#\s]/g, (c) => `\\${c}`);
}

/** The commit checked out in `dir`. */
export async function headCommit(git: Git, dir: string): Promise<string> {
  return (await git.run(['rev-parse', 'HEAD'], dir, 'reading the checked-out commit')).trim();
}

/**
 * Stages `paths` (additions, changes, deletions) and commits them with `identity`. Returns the new
 * commit, or undefined when nothing changed (no commit is made).
 */
export async function commitPaths(
  git: Git,
  dir: string,
  paths: readonly string[],
  message: string,
  identity: GitIdentity = FACTORY_IDENTITY,
): Promise<string | undefined> {
  if (paths.length === 0) return undefined;
  await git.run(['add', '--all', '--', ...paths], dir, 'staging the state changes');
  const diff = await git.exec(['diff', '--cached', '--quiet'], dir);
  if (diff.exitCode === 0) return undefined;
  await git.run(
    [
      '-c',
      `user.name=${identity.name}`,
      '-c',
      `user.email=${identity.email}`,
      '-c',
      'commit.gpgsign=false',
      'commit',
      '--quiet',
      '--no-verify',
      '--message',
      message,
    ],
    dir,
    'committing the state changes',
  );
  return headCommit(git, dir);
}

/** Outcome of {@link pushBranch}. */
export type PushResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly rejected: boolean; readonly reason: string };

/** Pushes HEAD to `branch` of `origin`. `rejected`: the remote moved on (non-fast-forward). */
export async function pushBranch(git: Git, dir: string, branch: string): Promise<PushResult> {
  const result = await git.exec(
    ['push', '--quiet', '--no-verify', 'origin', `HEAD:refs/heads/${branch}`],
    dir,
  );
  if (result.exitCode === 0) return { ok: true };
  const rejected = /\[rejected\]|non-fast-forward|fetch first|\(stale info\)|cannot lock ref/.test(
    result.stderr,
  );
  return { ok: false, rejected, reason: gitPushReason(result.stderr) };
}

function gitPushReason(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => /^(remote:|error:|fatal:|! \[)/.test(line) && !/^remote:\s*$/.test(line));
  return lines.length > 0 ? lines.slice(-6).join('; ') : stderr.trim() || 'git gave no reason';
}

/** Fetches `branch` from origin and resets the checkout to it, dropping local commits and files. */
export async function resetToRemote(git: Git, dir: string, branch: string): Promise<void> {
  await git.run(
    [
      'fetch',
      '--quiet',
      '--depth',
      '1',
      '--no-tags',
      'origin',
      `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
    ],
    dir,
    `fetching branch ${branch} of the state repository`,
  );
  await git.run(
    ['reset', '--quiet', '--hard', `refs/remotes/origin/${branch}`],
    dir,
    'resetting to the fetched branch',
  );
  await git.run(['clean', '--quiet', '-ffdx'], dir, 'cleaning the checkout');
}
