// Git plumbing: credentials through a scoped credential helper only, redaction, path safety, sparse clones.
import { mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialRulesFromEnv } from '../src/lib/credentials.js';
import { Git, GitError, gitReason } from '../src/lib/git.js';
import { checkRelativePath, readFileInside } from '../src/lib/paths.js';
import { cloneBranch, commitPaths, pushBranch } from '../src/lib/repo.js';
import { ensureBuilt, runBin } from './helpers/cli.js';
import { analysisArgs, DIGEST_A, EPOCH, SOURCE_FILES, STATE_FILES } from './helpers/fixtures.js';
import {
  commitCount,
  commitInfo,
  createBareRepo,
  listFiles,
  read,
  TEST_GIT_ENV,
  tempDir,
} from './helpers/git-repos.js';
import { type HttpGitServer, startHttpGitServer } from './helpers/http-git.js';

const TOKEN = 'ghp_s3cretT0kenValue1234567890';
const PASSWORD = 'pa55-w0rd-value-!@#';
const scratch = tempDir('if-git');
let server: HttpGitServer;
let n = 0;

beforeAll(async () => {
  server = await startHttpGitServer(join(scratch.dir, 'srv'), { 'x-access-token': TOKEN, robot: PASSWORD });
  await ensureBuilt();
}, 120_000);
afterAll(async () => {
  await server.close();
  scratch.cleanup();
});

/** Fresh repositories served over HTTP: returns their URLs. */
function served() {
  const name = `r${++n}`;
  createBareRepo(join(scratch.dir, 'srv', name, 'platform.git'), SOURCE_FILES);
  createBareRepo(join(scratch.dir, 'srv', name, 'state.git'), STATE_FILES);
  return {
    source: `${server.url}/${name}/platform.git`,
    state: `${server.url}/${name}/state.git`,
    stateDir: join(scratch.dir, 'srv', name, 'state.git'),
  };
}

function mkdirScratch(): string {
  const dir = join(scratch.dir, `scratch-${++n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function grepTree(dir: string, needle: string): string[] {
  return listFiles(dir).filter((file) => {
    try {
      return readFileSync(join(dir, file)).includes(needle);
    } catch {
      return false;
    }
  });
}

describe('credentials from the environment', () => {
  it('clones over HTTP with a token that reaches git only through the credential helper', async () => {
    const repos = served();
    const dir = join(scratch.dir, `clone-${++n}`);
    const work = join(dir, 'scratch');
    mkdirSync(work, { recursive: true });
    const git = await Git.create({
      env: { ...TEST_GIT_ENV, GITHUB_TOKEN: TOKEN },
      credentials: credentialRulesFromEnv({ GITHUB_TOKEN: TOKEN, GITHUB_URL: server.url }),
      scratchDir: work,
    });
    await cloneBranch(git, {
      url: repos.state,
      branch: 'main',
      dest: join(dir, 'checkout'),
      what: 'the state',
      cwd: dir,
    });
    expect(server.seen.auth).toContain(`x-access-token:${TOKEN}`);
    expect(server.seen.paths.every((path) => !path.includes(TOKEN))).toBe(true);
    // The token is in no file: not in .git/config (no user-info in the remote URL), not in the helper.
    const config = read(join(dir, 'checkout', '.git', 'config'));
    expect(config).toContain(`url = ${repos.state}\n`);
    expect(grepTree(dir, TOKEN)).toEqual([]);
    expect(read(join(work, 'git-credential-helper.mjs'))).not.toContain(TOKEN);
    // And a push with the same credentials works (receive-pack needs the authenticated user).
    writeFileSync(join(dir, 'checkout', 'NEW.md'), 'new\n');
    expect(await commitPaths(git, join(dir, 'checkout'), ['NEW.md'], 'add NEW.md')).toMatch(/^[0-9a-f]{40}$/);
    expect(await pushBranch(git, join(dir, 'checkout'), 'main')).toEqual({ ok: true });
    expect(commitCount(repos.stateDir)).toBe(2);
    expect(commitInfo(repos.stateDir, 'main').authorName).toBe('image-factory');
  });

  it('fails without prompting when the credentials are wrong or missing, never echoing the secret', async () => {
    const repos = served();
    const dir = join(scratch.dir, `clone-${++n}`);
    mkdirSync(dir, { recursive: true });
    const wrong = await Git.create({
      env: TEST_GIT_ENV,
      credentials: credentialRulesFromEnv({ GITHUB_TOKEN: 'wrong-token-value', GITHUB_URL: server.url }),
      scratchDir: dir,
    });
    const failure = await cloneBranch(wrong, {
      url: repos.state,
      branch: 'main',
      dest: join(dir, 'a'),
      what: 'the state',
      cwd: dir,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GitError);
    expect((failure as GitError).message).toMatch(
      /^cloning the state http:\/\/127\.0\.0\.1:\d+\/r\d+\/state\.git \(branch main\) failed: .*Authentication failed/,
    );
    expect((failure as GitError).message).not.toContain('wrong-token-value');

    const none = await Git.create({ env: TEST_GIT_ENV });
    const prompt = await cloneBranch(none, {
      url: repos.state,
      branch: 'main',
      dest: join(dir, 'b'),
      what: 'the state',
      cwd: dir,
    }).catch((error: unknown) => error as GitError);
    expect((prompt as GitError).message).toMatch(/terminal prompts disabled|could not read Username/);
  });

  it('redacts user-info in URLs and the secret itself', async () => {
    const git = await Git.create({
      env: {},
      credentials: credentialRulesFromEnv({ GITHUB_TOKEN: 'hunter2' }),
      scratchDir: mkdirScratch(),
    });
    expect(git.redact('fatal: unable to access https://u:hunter2@example.com/x.git: hunter2 again')).toBe(
      'fatal: unable to access https://***@example.com/x.git: *** again',
    );
  });

  it('keeps the meaningful lines of git stderr', () => {
    expect(
      gitReason("Cloning into 'x'...\nremote: Repository not found.\nfatal: repository 'y' not found\n"),
    ).toBe("remote: Repository not found.; fatal: repository 'y' not found");
    expect(gitReason('')).toBe('git gave no reason');
  });
});

describe('analyze over HTTP with credentials from the environment', () => {
  const args = (repos: ReturnType<typeof served>) =>
    analysisArgs({
      image: 'backstage',
      tag: '1.1.0',
      digest: DIGEST_A,
      dockerfile: 'backstage/Dockerfile',
      sourceRepo: 'acme/platform',
      gitRepo: repos.source,
      stateRepo: repos.state,
    });

  it('clones both repositories and pushes with GITHUB_TOKEN, never printing it', async () => {
    const repos = served();
    const result = await runBin(args(repos), {
      env: { GITHUB_TOKEN: TOKEN, GITHUB_URL: server.url, SOURCE_DATE_EPOCH: EPOCH },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(commitCount(repos.stateDir)).toBe(2);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
    expect(grepTree(repos.stateDir, TOKEN)).toEqual([]);
  });

  it('sends GIT_USERNAME and GIT_PASSWORD to the state repository only, GITHUB_TOKEN to the source', async () => {
    const repos = served();
    const first = server.seen.requests.length;
    const result = await runBin(args(repos), {
      env: {
        GIT_USERNAME: 'robot',
        GIT_PASSWORD: PASSWORD,
        GITHUB_TOKEN: TOKEN,
        GITHUB_URL: server.url,
        SOURCE_DATE_EPOCH: EPOCH,
      },
    });
    expect(result.code, result.stderr).toBe(0);
    const requests = server.seen.requests.slice(first).filter((request) => request.auth !== '');
    const statePath = new URL(repos.state).pathname;
    expect(requests.filter((request) => request.path.startsWith(statePath)).map((r) => r.auth)).toEqual(
      expect.arrayContaining([`robot:${PASSWORD}`]),
    );
    // Same host, other path: the source gets the host's token, never the state repository's password.
    for (const request of requests) {
      expect(request.auth, request.path).toBe(
        request.path.startsWith(statePath) ? `robot:${PASSWORD}` : `x-access-token:${TOKEN}`,
      );
    }
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it('fails with exit 1, naming the step, when the token is refused', async () => {
    const repos = served();
    const result = await runBin(args(repos), {
      env: { GITHUB_TOKEN: 'bad-token-123', GITHUB_URL: server.url },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `image-factory: cloning the state repository ${repos.state} (branch main) failed:`,
    );
    expect(result.stderr).toContain('Authentication failed');
    expect(result.stdout + result.stderr).not.toContain('bad-token-123');
    expect(commitCount(repos.stateDir)).toBe(1);
  });
});

describe('paths inside a checkout', () => {
  it.each([
    ['Dockerfile', 'Dockerfile'],
    ['./app/./Dockerfile', 'app/Dockerfile'],
    ['app//Dockerfile', 'app/Dockerfile'],
  ])('accepts %s as %s', (input, clean) => {
    expect(checkRelativePath(input, '--dockerfile')).toBe(clean);
  });

  it.each([
    ['', 'is empty'],
    ['../Dockerfile', 'contains ".."'],
    ['a/../../b', 'contains ".."'],
    ['/abs/Dockerfile', 'is absolute'],
    ['C:/x', 'is absolute'],
    ['a\\b', 'contains a backslash'],
    ['.', 'names the repository root'],
  ])('refuses %j (%s)', (input, why) => {
    expect(() => checkRelativePath(input, '--dockerfile')).toThrow(why);
  });

  it('reads files and in-repository links, and refuses links that escape, directories and missing files', async () => {
    const dir = join(scratch.dir, `paths-${++n}`);
    mkdirSync(join(dir, 'repo', 'app'), { recursive: true });
    writeFileSync(join(dir, 'repo', 'app', 'Dockerfile'), 'FROM alpine\n');
    writeFileSync(join(dir, 'secret'), 'outside\n');
    symlinkSync('app/Dockerfile', join(dir, 'repo', 'inside'));
    symlinkSync('../secret', join(dir, 'repo', 'escape'));
    symlinkSync('../outside-dir', join(dir, 'repo', 'dirlink'));
    symlinkSync('nowhere', join(dir, 'repo', 'dangling'));
    const root = join(dir, 'repo');
    expect(await readFileInside(root, 'inside', 'f')).toBe('FROM alpine\n');
    await expect(readFileInside(root, 'escape', 'f')).rejects.toThrow(
      /f "escape" resolves outside the repository/,
    );
    await expect(readFileInside(root, 'app', 'f')).rejects.toThrow('f "app" is not a file');
    await expect(readFileInside(root, 'missing', 'f')).rejects.toThrow('f "missing" does not exist');
    await expect(readFileInside(root, 'dangling', 'f')).rejects.toThrow(
      'f "dangling" is a symbolic link to a missing file',
    );
    await expect(readFileInside(root, 'dirlink/x', 'f')).rejects.toThrow('does not exist');
  });

  describe('security', () => {
    it('refuses a Dockerfile larger than 4 MiB without reading it all (a sparse 8 GiB file)', async () => {
      const dir = join(scratch.dir, `paths-${++n}`);
      mkdirSync(dir, { recursive: true });
      const huge = join(dir, 'Dockerfile');
      writeFileSync(huge, 'FROM alpine\n');
      truncateSync(huge, 8 * 1024 * 1024 * 1024);
      await expect(readFileInside(dir, 'Dockerfile', 'source.dockerfile')).rejects.toThrow(
        'source.dockerfile "Dockerfile" is larger than 4 MiB',
      );
    });
  });
});

describe('sparse clones', () => {
  it('checks out only the requested file', async () => {
    const dir = join(scratch.dir, `sparse-${++n}`);
    const bare = createBareRepo(join(dir, 'platform.git'), { ...SOURCE_FILES, 'odd [name]*?.txt': 'x\n' });
    const git = await Git.create({ env: TEST_GIT_ENV });
    await cloneBranch(git, {
      url: bare,
      branch: 'main',
      dest: join(dir, 'co'),
      what: 'src',
      cwd: dir,
      sparsePaths: ['worker/Dockerfile'],
    });
    expect(listFiles(join(dir, 'co')).filter((file) => !file.startsWith('.git/'))).toEqual([
      'worker/Dockerfile',
    ]);
    await cloneBranch(git, {
      url: bare,
      branch: 'main',
      dest: join(dir, 'co2'),
      what: 'src',
      cwd: dir,
      sparsePaths: ['odd [name]*?.txt'],
    });
    expect(listFiles(join(dir, 'co2')).filter((file) => !file.startsWith('.git/'))).toEqual([
      'odd [name]*?.txt',
    ]);
  });

  it('resolves a relative repository path against the given directory', async () => {
    const dir = join(scratch.dir, `relative-${++n}`);
    createBareRepo(join(dir, 'platform.git'), SOURCE_FILES);
    const git = await Git.create({ env: TEST_GIT_ENV });
    await cloneBranch(git, {
      url: './platform.git',
      branch: 'main',
      dest: join(dir, 'co'),
      what: 'src',
      cwd: dir,
    });
    expect(read(join(dir, 'co', 'README.md'))).toBe('# platform\n');
  });
});
