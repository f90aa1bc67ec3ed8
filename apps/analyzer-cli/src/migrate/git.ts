/**
 * The few local git operations `migrate` needs, run with an argv array (never a shell), in the
 * state directory: is it a work tree, which files are tracked, `git mv`, and staging a deletion.
 * Nothing here talks to a remote, so no credentials are involved. (The origin URL is read by the
 * loader from .git/config, see @image-factory/state-schema git-origin.ts, so that validate, synth
 * and migrate infer the same one.)
 */
import { execFile } from 'node:child_process';

/** Git in one work tree. */
export interface WorkTreeGit {
  /** Paths (relative to the state directory) git tracks, among `paths`. */
  tracked(paths: readonly string[]): Promise<Set<string>>;
  /** `git mv -- from to` (paths relative to the state directory). */
  move(from: string, to: string): Promise<void>;
  /** Stages the deletion of files already removed from the work tree. */
  stageRemoval(paths: readonly string[]): Promise<void>;
}

const TIMEOUT_MS = 60_000;

function run(
  dir: string,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ ok: boolean; stdout: string; stderr: string; missing: boolean }> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-C', dir, ...args],
      {
        env: { ...env, GIT_TERMINAL_PROMPT: '0' },
        encoding: 'utf8',
        timeout: TIMEOUT_MS,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const missing = (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
        resolve({ ok: error === null, stdout, stderr, missing });
      },
    );
  });
}

/**
 * Git for `dir` when it is inside a git work tree (then moves keep their history), else undefined
 * (no git installed, or not a work tree: plain moves).
 */
export async function workTreeGit(
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<WorkTreeGit | undefined> {
  const probe = await run(dir, ['rev-parse', '--is-inside-work-tree'], env);
  if (!probe.ok || probe.stdout.trim() !== 'true') return undefined;
  const must = async (args: readonly string[], what: string) => {
    const result = await run(dir, args, env);
    if (!result.ok) throw new Error(`${what} failed: ${result.stderr.trim().split('\n')[0] ?? ''}`);
    return result.stdout;
  };
  return {
    async tracked(paths) {
      if (paths.length === 0) return new Set();
      const out = await must(['ls-files', '-z', '--', ...paths], 'git ls-files');
      return new Set(out.split('\0').filter((p) => p !== ''));
    },
    async move(from, to) {
      await must(['mv', '--', from, to], `git mv ${from} ${to}`);
    },
    async stageRemoval(paths) {
      if (paths.length === 0) return;
      await must(['rm', '--cached', '--quiet', '--ignore-unmatch', '--', ...paths], 'git rm --cached');
    },
  };
}
