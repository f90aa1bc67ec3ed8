/**
 * Git, run as a child process with an argv array (never a shell string). Credentials come from the
 * environment and reach git only through one credential helper that answers for the URL each
 * credential belongs to (see credentials.ts): never in a URL, an argv, a file's content or a log.
 *
 * Each git call runs in a process group of its own, so that a timeout stops git *and* the helpers
 * it starts (`git-remote-http`, `git-upload-pack`, ...), which a plain kill of git leaves running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import {
  CREDENTIAL_HELPER_SCRIPT,
  CREDENTIALS_ENV_VAR,
  type CredentialRule,
  SECRET_ENV_VARS,
  secretsOf,
} from './credentials.js';
import { redactSecrets } from './redact.js';
import { shellQuote } from './shell-quote.js';

/** A git command that failed: what was attempted, and git's own (redacted) explanation. Exit code 1. */
export class GitError extends CliError {
  override readonly name = 'GitError';
  constructor(
    message: string,
    /** git's exit code, or undefined when it could not be started or was stopped. */
    readonly gitExitCode: number | undefined,
    /** git's stderr, redacted. */
    readonly stderr: string,
  ) {
    super(message, 1);
  }
}

/** What a git call returned. */
export interface GitResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Options of {@link Git}. */
export interface GitOptions {
  /** Environment of the git processes (PATH, HOME, proxies ...); credential variables are not passed on. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Credentials and the URLs they belong to. Empty or absent: git's own configuration (credential
   * helpers, ssh agent) applies.
   */
  readonly credentials?: readonly CredentialRule[] | undefined;
  /** A private directory (mode 0700) where the credential helper is written. Required with credentials. */
  readonly scratchDir?: string | undefined;
  /** Stop a git call (and its children) after this many milliseconds. @default 300000 */
  readonly timeoutMs?: number | undefined;
  /** Milliseconds between SIGTERM and SIGKILL when a call is stopped. @default 2000 */
  readonly killGraceMs?: number | undefined;
}

/** stdout kept from one call; more is an error (no git call of the factory prints that much). */
const MAX_STDOUT = 64 * 1024 * 1024;
/** stderr kept from one call (its end, where git's reason is). */
const MAX_STDERR = 256 * 1024;

// Settings of every call, whatever the machine's configuration says:
// - redirects are followed only for the first request of a fetch or push (git's default, pinned
//   here; `true` would follow them for every request); the credential helper scopes what a redirect
//   target can get;
// - no automatic gc or maintenance in throw-away checkouts (`gc --auto` detaches into a process of
//   its own that would outlive the call).
const BASE_CONFIG = ['-c', 'http.followRedirects=initial', '-c', 'gc.auto=0', '-c', 'maintenance.auto=false'];

/** Runs git. Create one per job with {@link Git.create}. */
export class Git {
  private constructor(
    private readonly env: Record<string, string>,
    private readonly configArgs: readonly string[],
    private readonly secrets: readonly string[],
    private readonly timeoutMs: number,
    private readonly killGraceMs: number,
  ) {}

  /** Prepares the environment (and the credential helper when credentials are given). */
  static async create(options: GitOptions): Promise<Git> {
    const env: Record<string, string> = {};
    const hidden: readonly string[] = [...SECRET_ENV_VARS, CREDENTIALS_ENV_VAR, 'GIT_ASKPASS', 'SSH_ASKPASS'];
    for (const [key, value] of Object.entries(options.env)) {
      if (value !== undefined && !hidden.includes(key)) env[key] = value;
    }
    // Never prompt; stable, parseable messages; no pager.
    Object.assign(env, { GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', LC_ALL: 'C', GIT_PAGER: 'cat' });
    const configArgs = [...BASE_CONFIG];
    const rules = options.credentials ?? [];
    if (rules.length > 0) {
      if (!options.scratchDir)
        throw new Error('Git.create: credentials need a scratchDir for the credential helper');
      const helper = join(options.scratchDir, 'git-credential-helper.mjs');
      await writeFile(helper, CREDENTIAL_HELPER_SCRIPT, { mode: 0o600 });
      env[CREDENTIALS_ENV_VAR] = JSON.stringify(rules);
      configArgs.push(
        // The environment's credentials replace every configured helper (and any askpass program);
        // git runs a "!" helper through the shell, hence the quoted paths (no secret in them).
        '-c',
        'credential.helper=',
        '-c',
        `credential.helper=!${shellQuote(process.execPath)} ${shellQuote(helper)}`,
        // Send the repository path to the helper: the state repository's credentials are per path.
        '-c',
        'credential.useHttpPath=true',
        '-c',
        'core.askPass=',
      );
    }
    return new Git(
      env,
      configArgs,
      secretsOf(rules),
      options.timeoutMs ?? 300_000,
      options.killGraceMs ?? 2000,
    );
  }

  /** Removes secrets and URL user-info from text meant for a message or a log. */
  redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  /**
   * Runs `git <args>` in `cwd`; never throws for a non-zero exit (see {@link Git.run}). Throws a
   * {@link GitError} naming `what` when git cannot start, prints too much, or runs longer than the
   * timeout (then git and every process it started are stopped before this returns).
   */
  exec(args: readonly string[], cwd: string, what = `git ${args[0] ?? ''}`): Promise<GitResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('git', [...this.configArgs, ...args], {
        cwd,
        env: this.env,
        // A process group of its own (its id is the child's pid): one signal reaches every helper.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const group = trackGroup(child);
      const stdout: Buffer[] = [];
      let stdoutBytes = 0;
      let stderr = '';
      let stopped: string | undefined;
      let killTimer: NodeJS.Timeout | undefined;
      const stop = (why: string) => {
        if (stopped !== undefined) return;
        stopped = why;
        group.signal('SIGTERM');
        killTimer = setTimeout(() => {
          group.signal('SIGKILL');
          // A process that left the group (setsid) may still hold the pipes: stop waiting for it.
          killTimer = setTimeout(() => {
            child.stdout?.destroy();
            child.stderr?.destroy();
          }, this.killGraceMs);
        }, this.killGraceMs);
      };
      const timer = setTimeout(
        () =>
          stop(
            `timed out after ${formatSeconds(this.timeoutMs)} (git and the processes it started were stopped)`,
          ),
        this.timeoutMs,
      );
      child.stdout?.on('data', (chunk: Buffer) => {
        stdoutBytes += chunk.length;
        if (stdoutBytes > MAX_STDOUT) stop(`printed more than ${MAX_STDOUT / 1024 / 1024} MiB`);
        else stdout.push(chunk);
      });
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-MAX_STDERR);
      });
      let failedToStart: Error | undefined;
      child.on('error', (error) => {
        failedToStart = error;
      });
      // 'close' comes when every process holding git's stdout/stderr (its children inherit them) is gone.
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (killTimer) clearTimeout(killTimer);
        group.done();
        const cleanStderr = this.redact(stderr);
        if (failedToStart) {
          reject(
            new GitError(
              `${what} failed: git could not be started: ${this.redact(failedToStart.message)}`,
              undefined,
              cleanStderr,
            ),
          );
        } else if (stopped !== undefined) {
          reject(new GitError(`${what} ${stopped}`, undefined, cleanStderr));
        } else if (code === null) {
          reject(
            new GitError(`${what} failed: git was killed by ${signal ?? 'a signal'}`, undefined, cleanStderr),
          );
        } else {
          resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: cleanStderr, exitCode: code });
        }
      });
    });
  }

  /** Runs `git <args>` in `cwd`; throws a {@link GitError} saying `what` failed and git's reason. */
  async run(args: readonly string[], cwd: string, what: string): Promise<string> {
    const result = await this.exec(args, cwd, what);
    if (result.exitCode !== 0) {
      throw new GitError(`${what} failed: ${gitReason(result.stderr)}`, result.exitCode, result.stderr);
    }
    return result.stdout;
  }
}

/** The useful part of git's stderr: its `fatal:`/`error:`/`remote:` lines, else the last lines. */
export function gitReason(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(
      (line) =>
        line.length > 0 && !/^(Cloning into|done\.|warning: (--depth|--filter) is ignored)/.test(line),
    );
  const important = lines.filter((line) =>
    /^(fatal|error|remote|! \[|hint: Updates were rejected)/.test(line),
  );
  const chosen = (important.length > 0 ? important : lines).slice(-6);
  return chosen.length > 0 ? chosen.join('; ') : 'git gave no reason';
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

// Process groups of running git calls. git runs detached from our own group, so a Ctrl-C at the
// terminal (SIGINT to the foreground group) or a SIGTERM to the CLI would not reach it: while calls
// run, those signals stop their groups first, then take their normal course.
const liveGroups = new Set<number>();
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function onSignal(signal: NodeJS.Signals): void {
  stopAllGroups();
  for (const name of FORWARDED) process.removeListener(name, onSignal);
  process.removeListener('exit', stopAllGroups);
  // Nobody else handles it: die of it, as without our listener.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function stopAllGroups(): void {
  for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
  liveGroups.clear();
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function trackGroup(child: ChildProcess): { signal(signal: NodeJS.Signals): void; done(): void } {
  const pid = child.pid;
  if (pid === undefined) return { signal: () => {}, done: () => {} };
  if (liveGroups.size === 0) {
    for (const name of FORWARDED) process.on(name, onSignal);
    process.on('exit', stopAllGroups);
  }
  liveGroups.add(pid);
  let live = true;
  return {
    signal: (signal) => {
      if (live) signalGroup(pid, signal);
    },
    done: () => {
      if (!live) return;
      live = false;
      liveGroups.delete(pid);
      if (liveGroups.size === 0) {
        for (const name of FORWARDED) process.removeListener(name, onSignal);
        process.removeListener('exit', stopAllGroups);
      }
    },
  };
}
