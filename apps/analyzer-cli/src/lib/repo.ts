/** Repository operations of the analysis job and state generation, on top of {@link Git}. */
import { CliError } from '../errors.js';
import { type Git, gitReason } from './git.js';

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
  /**
   * Check out only these repository-relative files (partial, sparse clone), following symbolic
   * links that stay inside the repository. Absent: everything.
   */
  readonly sparsePaths?: readonly string[] | undefined;
  /** Check out this commit (full hex id) instead of the branch head; see {@link fetchCommit}. */
  readonly commit?: string | undefined;
}

/**
 * Shallow, single-branch clone of `url` at `branch` (or at `commit`) into `dest`. With
 * `sparsePaths`, a partial clone (`--filter=blob:none`) that checks out only those files and the
 * symbolic links leading to them. Throws a {@link CliError} naming the repository (redacted), the
 * step and git's reason. Returns the commit checked out.
 */
export async function cloneBranch(git: Git, options: CloneOptions): Promise<string> {
  const { url, branch, dest, what, commit } = options;
  const label = `${what} ${git.redact(url)}`;
  const sparse = options.sparsePaths !== undefined;
  const args = ['clone', '--quiet', '--depth', '1', '--single-branch', '--no-tags', '--branch', branch];
  if (sparse) args.push('--filter=blob:none');
  if (sparse || commit !== undefined) args.push('--no-checkout');
  args.push('--', url, dest);
  await git.run(args, options.cwd, `cloning ${label} (branch ${branch})`);
  const rev = commit ?? 'HEAD';
  if (commit !== undefined) await fetchCommit(git, dest, { commit, branch, label });
  if (sparse) {
    const entries = new Set<string>();
    for (const path of options.sparsePaths ?? []) {
      for (const entry of await resolveInTree(git, dest, rev, path, label)) entries.add(entry);
    }
    const patterns = [...entries].map((path) => `/${escapeSparsePattern(path)}`);
    await git.run(
      ['sparse-checkout', 'set', '--no-cone', '--', ...patterns],
      dest,
      `sparse checkout of ${label}`,
    );
  }
  if (sparse || commit !== undefined) {
    await git.run(
      // A trailing "--": the name is a revision, even when a file of that name exists.
      ['checkout', '--quiet', commit ?? branch, '--'],
      dest,
      `checking out ${label} at ${commit ?? branch}`,
    );
  }
  return headCommit(git, dest);
}

/** Escapes gitignore-style pattern characters so that a path matches only itself. */
function escapeSparsePattern(path: string): string {
  return path.replace(/[\\*?[\]!#\s]/g, (c) => `\\${c}`);
}

/** A full commit id: 40 (SHA-1) or 64 (SHA-256) lowercase hex digits. */
export const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** How far {@link fetchCommit} deepens the branch, step by step, when the server refuses a commit by id. */
export const DEEPEN_STEPS = [16, 128, 1024] as const;

/**
 * Makes `commit` present in the clone in `dir`: already there (a local clone has the whole
 * history), else fetched by its id with depth 1 (protocol v2 servers, and v0 servers with
 * `uploadpack.allowReachableSHA1InWant`/`allowAnySHA1InWant`), else found by deepening `branch`
 * step by step up to {@link DEEPEN_STEPS}' last depth. Throws a {@link CliError} when it cannot.
 */
export async function fetchCommit(
  git: Git,
  dir: string,
  target: { readonly commit: string; readonly branch: string; readonly label: string },
): Promise<void> {
  const { commit, branch, label } = target;
  if (!COMMIT_ID.test(commit))
    throw new CliError(`"${commit}" is not a full commit id (40 or 64 hex digits)`);
  if (await hasCommit(git, dir, commit)) return;
  const direct = await git.exec(
    ['fetch', '--quiet', '--depth', '1', '--no-tags', 'origin', commit],
    dir,
    `fetching commit ${commit} of ${label}`,
  );
  if (direct.exitCode === 0 && (await hasCommit(git, dir, commit))) return;
  for (const depth of DEEPEN_STEPS) {
    await git.run(
      [
        'fetch',
        '--quiet',
        `--depth=${depth}`,
        '--no-tags',
        'origin',
        `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
      ],
      dir,
      `fetching the last ${depth} commits of branch ${branch} of ${label}`,
    );
    if (await hasCommit(git, dir, commit)) return;
  }
  const last = DEEPEN_STEPS[DEEPEN_STEPS.length - 1];
  throw new CliError(
    `commit ${commit} of ${label} was not found: the server does not serve it by id (${gitReason(direct.stderr)}) and it is not among the last ${last} commits of branch ${branch}`,
    1,
    'check that the commit belongs to the branch, or let the job analyse the branch head (--git-commit "")',
  );
}

/**
 * Whether `commit` is in the clone. Not `cat-file -e`: in a partial clone, reading a missing object
 * makes git fetch it from the promisor remote on its own, outside the depth-1 fetch and the
 * deepening bound of {@link fetchCommit} (and, for a commit that is not behind the fetched tip,
 * with its history). `rev-list --missing=allow-any` never fetches, and prints the id only for a
 * commit (nothing for a tree or blob id).
 */
async function hasCommit(git: Git, dir: string, commit: string): Promise<boolean> {
  const result = await git.exec(
    ['rev-list', '-n', '1', '--missing=allow-any', commit, '--'],
    dir,
    `looking up commit ${commit}`,
  );
  return result.exitCode === 0 && result.stdout.trim() === commit;
}

/** Linux's limit of symbolic links followed in one path lookup (MAXSYMLINKS). */
const MAX_SYMLINKS = 40;
/** Longest symbolic link target read (PATH_MAX). */
const MAX_LINK_TARGET = 4096;

interface TreeEntry {
  readonly mode: string;
  readonly type: string;
  readonly oid: string;
}

/**
 * The repository entries that `path` needs checked out at `rev`: the file itself, or — when the
 * path goes through symbolic links — each link and the file it finally names, as a checkout (and
 * BuildKit reading the build context) would follow them. Read from git's trees, before anything is
 * checked out. A link to an absolute path or out of the repository is refused
 * (a {@link CliError}); a missing path is returned as is (reading it then says it does not exist).
 */
export async function resolveInTree(
  git: Git,
  dir: string,
  rev: string,
  path: string,
  label: string,
): Promise<string[]> {
  const entries: string[] = [];
  let pending = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  let done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const [name, ...rest] = pending;
    if (name === undefined) break;
    const entry = await treeEntry(git, dir, rev, done, name, label);
    const here = [...done, name].join('/');
    if (entry === undefined) {
      entries.push([here, ...rest].join('/'));
      return entries;
    }
    if (entry.mode === '120000') {
      links++;
      if (links > MAX_SYMLINKS) {
        throw new CliError(`"${path}" in ${label}: too many levels of symbolic links`);
      }
      entries.push(here);
      // Only this blob is fetched (in a partial clone); a "link" of megabytes is not a link.
      const size = await git.run(
        ['cat-file', '-s', entry.oid],
        dir,
        `reading the symbolic link ${here} in ${label}`,
      );
      if (Number(size.trim()) > MAX_LINK_TARGET) {
        throw new CliError(`"${path}" in ${label}: the symbolic link ${here} has an overlong target`);
      }
      const target = await git.run(
        ['cat-file', 'blob', entry.oid],
        dir,
        `reading the symbolic link ${here} in ${label}`,
      );
      const outside = () =>
        new CliError(
          `"${path}" in ${label} resolves outside the repository (${here} is a symbolic link to ${target})`,
        );
      if (target.startsWith('/')) throw outside();
      const resolved = [...done];
      for (const segment of target.split('/')) {
        if (segment === '' || segment === '.') continue;
        if (segment === '..') {
          if (resolved.length === 0) throw outside();
          resolved.pop();
        } else {
          resolved.push(segment);
        }
      }
      // Walk again from the root: the target's own directories may be links too.
      pending = [...resolved, ...rest];
      done = [];
      continue;
    }
    if (entry.type === 'tree' && rest.length > 0) {
      done = [...done, name];
      pending = rest;
      continue;
    }
    entries.push([here, ...rest].join('/'));
    return entries;
  }
  return entries;
}

/** The entry `name` of the directory `dirSegments` at `rev`, read with `git ls-tree` (names compared exactly). */
async function treeEntry(
  git: Git,
  dir: string,
  rev: string,
  dirSegments: readonly string[],
  name: string,
  label: string,
): Promise<TreeEntry | undefined> {
  const tree = dirSegments.length === 0 ? `${rev}^{tree}` : `${rev}:${dirSegments.join('/')}`;
  // Not `--long`: the sizes it prints would make a partial clone fetch every blob of the directory.
  const listing = await git.run(
    ['ls-tree', '-z', tree],
    dir,
    `listing ${dirSegments.join('/') || 'the root'} of ${label}`,
  );
  for (const record of listing.split('\0')) {
    // "<mode> SP <type> SP <oid> TAB <name>"
    const tab = record.indexOf('\t');
    if (tab < 0 || record.slice(tab + 1) !== name) continue;
    const [mode = '', type = '', oid = ''] = record.slice(0, tab).split(' ');
    return { mode, type, oid };
  }
  return undefined;
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

/**
 * Pushes HEAD to `branch` of `origin`. `rejected`: the remote moved on (non-fast-forward). `label`
 * names the repository in a timeout's message.
 */
export async function pushBranch(
  git: Git,
  dir: string,
  branch: string,
  label = 'the repository',
): Promise<PushResult> {
  const result = await git.exec(
    ['push', '--quiet', '--no-verify', 'origin', `HEAD:refs/heads/${branch}`],
    dir,
    `pushing to branch ${branch} of ${label}`,
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

/**
 * Fetches `branch` from origin and resets the checkout to it, dropping local commits and files.
 * `label` names the repository in messages (redacted URL).
 */
export async function resetToRemote(git: Git, dir: string, branch: string, label: string): Promise<void> {
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
    `fetching branch ${branch} of ${label}`,
  );
  await git.run(
    ['reset', '--quiet', '--hard', `refs/remotes/origin/${branch}`],
    dir,
    'resetting to the fetched branch',
  );
  await git.run(['clean', '--quiet', '-ffdx'], dir, 'cleaning the checkout');
}
