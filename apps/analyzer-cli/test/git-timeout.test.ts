// Git calls that hang (issue 15 #10): the whole process group is stopped — git and the helpers it
// starts (git-remote-http) — and the message names the step and the repository, redacted.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Git, GitError } from '../src/lib/git.js';
import { cloneBranch } from '../src/lib/repo.js';
import { BIN, ensureBuilt } from './helpers/cli.js';
import { analysisArgs, DIGEST_A, STATE_FILES } from './helpers/fixtures.js';
import { createBareRepo, TEST_GIT_ENV, tempDir } from './helpers/git-repos.js';
import { type HttpGitServer, startHttpGitServer } from './helpers/http-git.js';

const scratch = tempDir('if-timeout');
let server: HttpGitServer;
let n = 0;

beforeAll(async () => {
  // Accepts every request under /hang-* and never answers.
  server = await startHttpGitServer(join(scratch.dir, 'srv'), {}, { hangPrefix: '/hang-' });
  await ensureBuilt();
}, 120_000);
afterAll(async () => {
  await server.close();
  scratch.cleanup();
});

/** Processes whose command line contains `marker` and `remote-http` (git's HTTP helper), as "pid: argv". */
function remoteHelpers(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let argv: string;
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue; // gone meanwhile
    }
    if (argv.includes(marker) && argv.includes('remote-http')) found.push(`${pid}: ${argv}`);
  }
  return found;
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (check()) return true;
    await delay(50);
  }
  return check();
}

describe('security', () => {
  describe('a git call that hangs is stopped with every process it started (#10)', () => {
    it('times out, names the step and the repository (redacted), and leaves no git-remote-http behind', async () => {
      const marker = `hang-${randomUUID()}`;
      const dir = join(scratch.dir, `case-${++n}`);
      mkdirSync(dir, { recursive: true });
      const git = await Git.create({ env: TEST_GIT_ENV, timeoutMs: 1500, killGraceMs: 500 });
      const url = `http://robot:S3cr3t@127.0.0.1:${server.port}/${marker}/platform.git`;
      const started = Date.now();
      const failure = await cloneBranch(git, {
        url,
        branch: 'main',
        dest: join(dir, 'co'),
        what: 'the source repository',
        cwd: dir,
      }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(GitError);
      expect((failure as GitError).message).toBe(
        `cloning the source repository http://***@127.0.0.1:${server.port}/${marker}/platform.git (branch main) timed out after 1.5 s (git and the processes it started were stopped)`,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      // The server did see the request (git-remote-http was running), and nothing is left of it.
      expect(server.seen.paths.some((path) => path.includes(marker))).toBe(true);
      expect(remoteHelpers(marker)).toEqual([]);
    });

    it('stops the running git calls when the CLI itself is terminated (SIGTERM)', async () => {
      const marker = `hang-${randomUUID()}`;
      const root = join(scratch.dir, `case-${++n}`);
      const state = createBareRepo(join(root, 'state.git'), STATE_FILES);
      const child = spawn(
        process.execPath,
        [
          BIN,
          ...analysisArgs({
            image: 'backstage',
            tag: '1.1.0',
            digest: DIGEST_A,
            dockerfile: 'backstage/Dockerfile',
            sourceRepo: 'acme/platform',
            gitRepo: `${server.url}/${marker}/platform.git`,
            stateRepo: state,
          }),
        ],
        { env: TEST_GIT_ENV, stdio: 'ignore' },
      );
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal)),
      );
      try {
        // The job cloned the state repository and now waits on the source's server.
        expect(await waitFor(() => remoteHelpers(marker).length > 0, 20_000)).toBe(true);
        child.kill('SIGTERM');
        expect(await exited).toBe('SIGTERM');
        expect(
          await waitFor(() => remoteHelpers(marker).length === 0, 2000),
          remoteHelpers(marker).join('\n'),
        ).toBe(true);
      } finally {
        child.kill('SIGKILL');
      }
    });
  });
});
