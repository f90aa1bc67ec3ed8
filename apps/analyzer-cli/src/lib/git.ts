/**
 * Git, run as a child process with an argv array (never a shell string). Credentials come from the
 * environment and reach git only through GIT_ASKPASS: a tiny script that echoes two environment
 * variables of the git process, so a secret never appears in a URL, a file, an argv or a log.
 */
import { execFile } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../errors.js';

/** Username and password (or token) for git over HTTPS. */
export interface GitCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * Credentials from an environment: `GIT_USERNAME` + `GIT_PASSWORD` (the git credential Secret) win,
 * else `GITHUB_TOKEN` as the password of `x-access-token` (what GitHub expects for a token over
 * HTTPS). Undefined when neither is set.
 */
export function gitCredentialsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): GitCredentials | undefined {
  const username = env.GIT_USERNAME;
  const password = env.GIT_PASSWORD;
  if (username && password) return { username, password };
  const token = env.GITHUB_TOKEN;
  if (token) return { username: 'x-access-token', password: token };
  return undefined;
}

/** A git command that failed: what was attempted, and git's own (redacted) explanation. Exit code 1. */
export class GitError extends CliError {
  override readonly name = 'GitError';
  constructor(
    message: string,
    /** git's exit code, or undefined when it could not be started or was killed. */
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
  /** Environment of the git processes (PATH, HOME, proxies ...); credentials variables are not passed on. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Credentials for HTTPS remotes; absent: git's own configuration (credential helpers, ssh agent) applies. */
  readonly credentials?: GitCredentials | undefined;
  /** A private directory (mode 0700) where the askpass script is written. Required with credentials. */
  readonly scratchDir?: string | undefined;
  /** Kill a git call after this many milliseconds. @default 300000 */
  readonly timeoutMs?: number | undefined;
}

const ASKPASS_USERNAME = 'IMAGE_FACTORY_ASKPASS_USERNAME';
const ASKPASS_PASSWORD = 'IMAGE_FACTORY_ASKPASS_PASSWORD';
/** Environment variables never handed to git (the askpass variables carry what git needs). */
const SECRET_ENV = ['GITHUB_TOKEN', 'GIT_USERNAME', 'GIT_PASSWORD', 'GITLAB_TOKEN'];

// Git asks "Username for 'https://host': " and then "Password for 'https://user@host': ".
const ASKPASS_SCRIPT = `#!/bin/sh
case "$1" in
  Username*) printf '%s\\n' "$${ASKPASS_USERNAME}" ;;
  *) printf '%s\\n' "$${ASKPASS_PASSWORD}" ;;
esac
`;

/** Runs git. Create one per job with {@link Git.create}. */
export class Git {
  private constructor(
    private readonly env: Record<string, string>,
    private readonly configArgs: readonly string[],
    private readonly secrets: readonly string[],
    private readonly timeoutMs: number,
  ) {}

  /** Prepares the environment (and the askpass script when credentials are given). */
  static async create(options: GitOptions): Promise<Git> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.env)) {
      if (value !== undefined && !SECRET_ENV.includes(key)) env[key] = value;
    }
    // Never prompt; stable, parseable messages; no pager.
    Object.assign(env, { GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', LC_ALL: 'C', GIT_PAGER: 'cat' });
    delete env.GIT_ASKPASS;
    delete env.SSH_ASKPASS;
    const configArgs: string[] = [];
    const secrets: string[] = [];
    if (options.credentials) {
      if (!options.scratchDir)
        throw new Error('Git.create: credentials need a scratchDir for the askpass script');
      const script = join(options.scratchDir, 'git-askpass.sh');
      await writeFile(script, ASKPASS_SCRIPT, { mode: 0o700 });
      await chmod(script, 0o700);
      env.GIT_ASKPASS = script;
      env[ASKPASS_USERNAME] = options.credentials.username;
      env[ASKPASS_PASSWORD] = options.credentials.password;
      // Credentials from the environment win over any configured helper, and are never stored.
      configArgs.push('-c', 'credential.helper=');
      secrets.push(options.credentials.password);
    }
    return new Git(env, configArgs, secrets, options.timeoutMs ?? 300_000);
  }

  /** Removes secrets and URL user-info from text meant for a message or a log. */
  redact(text: string): string {
    let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
    for (const secret of this.secrets) if (secret.length > 0) out = out.split(secret).join('***');
    return out;
  }

  /** Runs `git <args>` in `cwd`; never throws for a non-zero exit (see {@link Git.run}). */
  exec(args: readonly string[], cwd: string): Promise<GitResult> {
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        [...this.configArgs, ...args],
        { cwd, env: this.env, timeout: this.timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
        (error, stdout, stderr) => {
          if (error && typeof error.code !== 'number') {
            const why = error.killed ? `timed out after ${this.timeoutMs} ms` : error.message;
            reject(
              new GitError(
                `git ${args[0] ?? ''} could not run: ${this.redact(why)}`,
                undefined,
                this.redact(stderr),
              ),
            );
            return;
          }
          resolve({ stdout, stderr: this.redact(stderr), exitCode: error ? (error.code as number) : 0 });
        },
      );
    });
  }

  /** Runs `git <args>` in `cwd`; throws a {@link GitError} saying `what` failed and git's reason. */
  async run(args: readonly string[], cwd: string, what: string): Promise<string> {
    const result = await this.exec(args, cwd);
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
