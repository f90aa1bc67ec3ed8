// `image-factory analyze` against hostile or racing inputs (issue 15 #8 and lows) and analysing the
// commit that was built (issue 14): the built binary against real git repositories.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Git } from '../src/lib/git.js';
import { cloneBranch, DEEPEN_STEPS } from '../src/lib/repo.js';
import { ensureBuilt, runBin, runCli } from './helpers/cli.js';
import { analysisArgs, DIGEST_A, DIGEST_B, EPOCH, SOURCE_FILES, STATE_FILES } from './helpers/fixtures.js';
import {
  commitInfo,
  createBareRepo,
  type FileSpec,
  git,
  headOf,
  listFiles,
  pushFiles,
  showFile,
  TEST_GIT_ENV,
  tempDir,
} from './helpers/git-repos.js';
import { type HttpGitServer, startHttpGitServer } from './helpers/http-git.js';

const scratch = tempDir('if-analyze-security');
let n = 0;
const servers: HttpGitServer[] = [];

beforeAll(ensureBuilt, 120_000);
afterAll(async () => {
  for (const server of servers) await server.close();
  scratch.cleanup();
});

/** A fresh pair of source and state repositories (and a private TMPDIR for the CLI). */
function repos(
  stateFiles: Readonly<Record<string, FileSpec>> = STATE_FILES,
  sourceFiles: Readonly<Record<string, FileSpec>> = SOURCE_FILES,
) {
  const root = join(scratch.dir, `case-${++n}`);
  const tmp = join(root, 'tmp');
  mkdirSync(tmp, { recursive: true });
  return {
    root,
    tmp,
    source: createBareRepo(join(root, 'platform.git'), sourceFiles),
    state: createBareRepo(join(root, 'state.git'), stateFiles),
  };
}

function backstage(
  r: { source: string; state: string },
  overrides: Partial<Parameters<typeof analysisArgs>[0]> = {},
  extra: string[] = [],
) {
  return [
    ...analysisArgs({
      image: 'backstage',
      tag: '1.1.0',
      digest: DIGEST_A,
      dockerfile: 'backstage/Dockerfile',
      sourceRepo: 'acme/platform',
      gitRepo: r.source,
      stateRepo: r.state,
      ...overrides,
    }),
    ...extra,
  ];
}

const digestOf = (i: number) => `sha256:${String(i).repeat(64)}`;
const recorded = (state: string) => parse(showFile(state, 'images/backstage.yaml') ?? '');

/** A git wrapper on PATH that sleeps $PUSH_DELAY seconds before every push. */
function slowPushGit(root: string): string {
  const bin = join(root, 'bin');
  mkdirSync(bin, { recursive: true });
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(
    join(bin, 'git'),
    `#!/bin/sh\nfor arg in "$@"; do\n  if [ "$arg" = push ]; then sleep "\${PUSH_DELAY:-0}"; break; fi\ndone\nexec '${realGit}' "$@"\n`,
    { mode: 0o755 },
  );
  return bin;
}

describe('security', () => {
  describe('an older analysis never moves the recorded version backwards (#8)', () => {
    it('five concurrent jobs for 3.0.1..3.0.5, the newest pushing first: the state ends at 3.0.5', async () => {
      const r = repos();
      const bin = slowPushGit(r.root);
      // 3.0.5 pushes first, 3.0.1 last: the last push used to win.
      const jobs = [1, 2, 3, 4, 5].map((i) =>
        runBin(backstage(r, { tag: `3.0.${i}`, digest: digestOf(i) }, ['--push-attempts', '10']), {
          env: {
            SOURCE_DATE_EPOCH: EPOCH,
            PATH: `${bin}:${process.env.PATH}`,
            PUSH_DELAY: String((5 - i) * 0.8),
          },
        }),
      );
      const results = await Promise.all(jobs);
      for (const result of results) expect(result.code, result.stderr).toBe(0);
      expect(recorded(r.state)).toMatchObject({ currentVersion: '3.0.5', currentDigest: digestOf(5) });
      // The older jobs that came after said why they recorded nothing.
      const skipped = results.filter((result) => result.stdout.includes('not recorded'));
      expect(skipped.length).toBeGreaterThan(0);
      for (const result of skipped) {
        expect(result.stdout).toMatch(
          /^backstage 3\.0\.[1-4]: not recorded: SemVer 3\.0\.[1-4] is lower than the recorded 3\.0\.5\n$/,
        );
      }
      // Every commit on the branch moved the version forwards.
      const versions = git(r.state, 'log', '--format=%s', 'main')
        .trim()
        .split('\n')
        .filter((subject) => subject.startsWith('image-factory: analyze'))
        .map((subject) => subject.split(' ').at(-1) ?? '')
        .reverse();
      expect(versions.at(-1)).toBe('3.0.5');
      expect([...versions].sort()).toEqual(versions);
    }, 60_000);

    it('compares SemVer with pre-releases and a leading v', async () => {
      const r = repos();
      const env = { SOURCE_DATE_EPOCH: EPOCH };
      expect((await runCli(backstage(r, { tag: 'v2.0.0' }), { env })).code).toBe(0);
      const older = await runCli(backstage(r, { tag: '2.0.0-rc.1', digest: DIGEST_B }), { env });
      expect(older.code).toBe(0);
      expect(older.stdout).toBe(
        'backstage 2.0.0-rc.1: not recorded: SemVer 2.0.0-rc.1 is lower than the recorded v2.0.0\n',
      );
      expect(recorded(r.state)).toMatchObject({ currentVersion: 'v2.0.0', currentDigest: DIGEST_A });
    });

    it('orders tags that are not SemVer by --built-at against the recorded lastBuilt', async () => {
      const r = repos();
      const newer = await runCli(
        backstage(r, { tag: 'sha-bbbbbbbbbbbb-12', digest: DIGEST_B }, [
          '--built-at',
          '2026-03-01T10:00:00+01:00',
        ]),
        { env: { SOURCE_DATE_EPOCH: EPOCH } },
      );
      expect(newer.code, newer.stderr).toBe(0);
      // lastBuilt is the build time (normalized to UTC), not the analysis time.
      expect(recorded(r.state)).toMatchObject({
        currentVersion: 'sha-bbbbbbbbbbbb-12',
        lastBuilt: '2026-03-01T09:00:00Z',
      });
      expect(commitInfo(r.state, 'main').body).toContain('Built at: 2026-03-01T09:00:00Z');
      const head = headOf(r.state);
      const older = await runCli(
        backstage(r, { tag: 'sha-aaaaaaaaaaaa-11', digest: DIGEST_A }, [
          '--built-at',
          '2026-03-01T08:59:59.500Z',
        ]),
        { env: { SOURCE_DATE_EPOCH: EPOCH } },
      );
      expect(older.code).toBe(0);
      expect(older.stdout).toBe(
        'backstage sha-aaaaaaaaaaaa-11: not recorded: it was built at 2026-03-01T08:59:59.500Z, before the recorded sha-bbbbbbbbbbbb-12 (lastBuilt 2026-03-01T09:00:00Z)\n',
      );
      expect(headOf(r.state)).toBe(head);
    });

    it('records a rebuild of the same SemVer version when it was built later, not when earlier', async () => {
      const r = repos();
      const env = { SOURCE_DATE_EPOCH: EPOCH };
      expect(
        (await runCli(backstage(r, { tag: '3.0.5' }, ['--built-at', '2026-03-01T10:00:00Z']), { env })).code,
      ).toBe(0);
      const earlier = await runCli(
        backstage(r, { tag: '3.0.5', digest: DIGEST_B }, ['--built-at', '2026-03-01T09:00:00Z']),
        { env },
      );
      expect(earlier.stdout).toContain(
        'not recorded: it was built at 2026-03-01T09:00:00Z, before the recorded 3.0.5',
      );
      expect(recorded(r.state).currentDigest).toBe(DIGEST_A);
      const later = await runCli(
        backstage(r, { tag: '3.0.5', digest: DIGEST_B }, ['--built-at', '2026-03-01T11:00:00Z']),
        { env },
      );
      expect(later.code).toBe(0);
      expect(recorded(r.state)).toMatchObject({
        currentVersion: '3.0.5',
        currentDigest: DIGEST_B,
        lastBuilt: '2026-03-01T11:00:00Z',
      });
    });

    it('records, with a warning, when neither the versions nor the build times tell the order', async () => {
      const r = repos();
      const env = { SOURCE_DATE_EPOCH: EPOCH };
      expect((await runCli(backstage(r, { tag: 'latest-a' }), { env })).code).toBe(0);
      const next = await runCli(
        backstage(r, { tag: 'latest-b', digest: DIGEST_B }, ['--built-at', '2020-01-01T00:00:00Z']),
        {
          env,
        },
      );
      expect(next.code).toBe(0);
      // lastBuilt (2026, from the clock of the first job) is later than this build, so this one is older...
      expect(next.stdout).toContain('not recorded');
      const r2 = repos();
      expect((await runCli(backstage(r2, { tag: 'latest-a' }), { env })).code).toBe(0);
      // ...but without --built-at nothing tells: the job records, and says so.
      const blind = await runCli(backstage(r2, { tag: 'latest-b', digest: DIGEST_B }), { env });
      expect(blind.code).toBe(0);
      expect(blind.stderr).toContain(
        'image-factory: warning: cannot tell whether latest-b is newer than the recorded latest-a: they are not both SemVer and --built-at was not given; recording latest-b (the last analysis to push wins)',
      );
      expect(recorded(r2.state).currentVersion).toBe('latest-b');
    });
  });

  describe('arguments refused before anything is cloned (lows)', () => {
    it.each([
      [`sha256:${'A'.repeat(64)}`, 'has uppercase hex digits: a digest is lowercase hex'],
      [`sha256:${'aB'.repeat(32)}`, 'has uppercase hex digits'],
      ['', 'is empty: the version is recorded with the digest that was built'],
      [`sha256:${'a'.repeat(63)}`, 'is not a sha256 digest (64 hex digits)'],
      [`sha512:${'a'.repeat(64)}`, 'is not a sha512 digest (128 hex digits)'],
      ['sha256:xyz', 'is not a digest'],
    ])('--digest %j: %s', async (digest, why) => {
      const r = repos();
      const result = await runBin(backstage(r, { digest, stateRepo: join(r.root, 'missing.git') }), {
        env: { TMPDIR: r.tmp },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`image-factory: --digest "${digest}" ${why}`);
      expect(result.stderr).toContain('hint: pass the digest of the built image');
      expect(result.stderr).not.toContain('cloning');
      expect(readdirSync(r.tmp)).toEqual([]);
    });

    it.each([
      ['--git-commit', 'abc1234', 'is not a full commit id (40 hex digits, or 64 in a SHA-256 repository)'],
      ['--git-commit', `${'g'.repeat(40)}`, 'is not a full commit id'],
      ['--git-commit', '-x', 'is not a full commit id'],
      ['--built-at', '2026-13-01T00:00:00Z', 'is not an RFC 3339 date-time between 1970 and 9999'],
      ['--built-at', '2026-02-29T00:00:00Z', 'is not an RFC 3339 date-time'],
      ['--built-at', '2026-01-02 03:04:05', 'is not an RFC 3339 date-time'],
      ['--built-at', '1767323045', 'is not an RFC 3339 date-time'],
    ])('%s %j: %s', async (flag, value, why) => {
      const r = repos();
      const result = await runBin(
        [...backstage(r, { stateRepo: join(r.root, 'missing.git') }), flag, value],
        {
          env: { TMPDIR: r.tmp },
        },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`image-factory: ${flag} "${value}" ${why}`);
      expect(readdirSync(r.tmp)).toEqual([]);
    });

    it.each([
      ['analyze', (r: ReturnType<typeof repos>) => backstage(r)],
      ['generate-state', (r: ReturnType<typeof repos>) => ['generate-state', '--state-dir', r.root]],
    ])('%s: a huge SOURCE_DATE_EPOCH is an input error, not "unexpected error"', async (_command, args) => {
      const r = repos();
      for (const epoch of ['99999999999999999999', '253402300800', `1${'0'.repeat(400)}`]) {
        const result = await runCli(args(r), { env: { SOURCE_DATE_EPOCH: epoch } });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(
          /^image-factory: SOURCE_DATE_EPOCH "\d{1,40}…?" is out of range: at most 253402300799 \(9999-12-31T23:59:59Z\)\nhint: /,
        );
        expect(result.stderr).not.toContain('unexpected error');
      }
      // The largest value works.
      const last = await runCli(backstage(r), { env: { SOURCE_DATE_EPOCH: '253402300799' } });
      expect(last.code, last.stderr).toBe(0);
      expect(recorded(r.state).lastDiscovery).toBe('9999-12-31T23:59:59Z');
    });
  });

  describe('a source Dockerfile that is a symbolic link (lows)', () => {
    const DOCKERFILE = 'FROM python:3.11-slim\n';
    it.each([
      [
        'a link to a file',
        { 'docker/app.Dockerfile': DOCKERFILE, 'app/Dockerfile': { symlink: '../docker/app.Dockerfile' } },
      ],
      [
        'a link to a link',
        {
          'docker/real': DOCKERFILE,
          'docker/alias': { symlink: 'real' },
          'app/Dockerfile': { symlink: '../docker/alias' },
        },
      ],
      [
        'a directory that is a link',
        { 'services/app/Dockerfile': DOCKERFILE, app: { symlink: 'services/app' } },
      ],
      [
        'a link through "./" and a link in its target',
        {
          'x/y/Dockerfile': DOCKERFILE,
          x2: { symlink: './x' },
          'app/Dockerfile': { symlink: '.././x2/y/Dockerfile' },
        },
      ],
    ] as const)('follows %s inside the checkout, as BuildKit would', async (_case, files) => {
      const r = repos(STATE_FILES, { ...SOURCE_FILES, ...files });
      const result = await runBin(backstage(r, { dockerfile: 'app/Dockerfile' }), {
        env: { SOURCE_DATE_EPOCH: EPOCH },
      });
      expect(result.code, result.stderr).toBe(0);
      expect(recorded(r.state).baseImages).toEqual(['python-3.11-slim']);
    });

    it.each([
      [
        'out of the repository',
        { 'app/Dockerfile': { symlink: '../../etc/passwd' } },
        'app/Dockerfile is a symbolic link to ../../etc/passwd',
      ],
      [
        'to an absolute path',
        { 'app/Dockerfile': { symlink: '/etc/passwd' } },
        'app/Dockerfile is a symbolic link to /etc/passwd',
      ],
      [
        'through a directory link out',
        { app: { symlink: '../outside' } },
        'app is a symbolic link to ../outside',
      ],
    ] as const)('refuses a link %s', async (_case, files, detail) => {
      const r = repos(STATE_FILES, { ...SOURCE_FILES, ...files });
      const head = headOf(r.state);
      const result = await runBin(backstage(r, { dockerfile: 'app/Dockerfile' }));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `image-factory: "app/Dockerfile" in the source repository ${r.source} resolves outside the repository (${detail})`,
      );
      expect(headOf(r.state)).toBe(head);
    });

    it('refuses a loop of links', async () => {
      const r = repos(STATE_FILES, {
        ...SOURCE_FILES,
        'app/Dockerfile': { symlink: 'Dockerfile2' },
        'app/Dockerfile2': { symlink: 'Dockerfile' },
      });
      const result = await runBin(backstage(r, { dockerfile: 'app/Dockerfile' }));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('"app/Dockerfile" in the source repository');
      expect(result.stderr).toContain('too many levels of symbolic links');
    });

    it('fetches the link and its target only, in a partial clone', async () => {
      const root = join(scratch.dir, `case-${++n}`);
      const bare = createBareRepo(join(root, 'platform.git'), {
        ...SOURCE_FILES,
        'docker/app.Dockerfile': DOCKERFILE,
        'docker/other.Dockerfile': 'FROM scratch\n',
        'app/Dockerfile': { symlink: '../docker/app.Dockerfile' },
      });
      git(bare, 'config', 'uploadpack.allowFilter', 'true');
      const g = await Git.create({ env: TEST_GIT_ENV });
      const dest = join(root, 'co');
      await cloneBranch(g, {
        url: `file://${bare}`,
        branch: 'main',
        dest,
        what: 'src',
        cwd: root,
        sparsePaths: ['app/Dockerfile'],
      });
      expect(listFiles(dest).filter((file) => !file.startsWith('.git/'))).toEqual([
        'app/Dockerfile',
        'docker/app.Dockerfile',
      ]);
      // A real partial clone: the five other blobs (four of SOURCE_FILES, docker/other.Dockerfile) were never fetched.
      const missing = git(dest, 'rev-list', '--objects', '--missing=print', 'HEAD')
        .split('\n')
        .filter((l) => l.startsWith('?'));
      expect(missing).toHaveLength(5);
    });
  });

  describe('--git-commit: the commit that was built is analysed, not the branch head (issue 14)', () => {
    /** A source whose branch moved on after the build: the built commit used python 3.11, the head 3.12. */
    function movedOn(root: string): { bare: string; built: string } {
      const bare = createBareRepo(join(root, 'srv', 'acme', 'platform.git'), {
        ...SOURCE_FILES,
        'backstage/Dockerfile': 'FROM python:3.11-slim\n',
      });
      const built = headOf(bare);
      pushFiles(bare, { 'backstage/Dockerfile': 'FROM python:3.12-slim\n' }, 'bump python');
      pushFiles(bare, { 'README.md': 'more\n' }, 'docs');
      return { bare, built };
    }

    it.each([
      ['a local repository', 'local'],
      ['a protocol v2 server (fetched by id)', 'v2'],
      ['a protocol v0 server (refuses ids: found by deepening the branch)', 'v0'],
    ] as const)('from %s', async (_case, kind) => {
      const r = repos();
      const { bare, built } = movedOn(r.root);
      let gitRepo = bare;
      if (kind !== 'local') {
        const server = await startHttpGitServer(
          join(r.root, 'srv'),
          { 'x-access-token': 'tok' },
          { protocolV0: kind === 'v0' },
        );
        servers.push(server);
        gitRepo = `${server.url}/acme/platform.git`;
      }
      const result = await runBin([...backstage(r, { gitRepo }), '--git-commit', built.toUpperCase()], {
        env: {
          SOURCE_DATE_EPOCH: EPOCH,
          GITHUB_TOKEN: 'tok',
          GITHUB_URL: gitRepo.startsWith('http') ? new URL(gitRepo).origin : 'https://github.com',
        },
      });
      expect(result.code, result.stderr).toBe(0);
      expect(recorded(r.state).baseImages).toEqual(['python-3.11-slim']);
      expect(commitInfo(r.state, 'main').body).toContain(
        `Dockerfile: backstage/Dockerfile in acme/platform@${built} (branch main)`,
      );
      // Without --git-commit: the head.
      const head = await runBin(backstage(repos(), { gitRepo }), {
        env: {
          SOURCE_DATE_EPOCH: EPOCH,
          GITHUB_TOKEN: 'tok',
          GITHUB_URL: gitRepo.startsWith('http') ? new URL(gitRepo).origin : 'https://github.com',
        },
      });
      expect(head.code, head.stderr).toBe(0);
      expect(head.stdout).toContain('base images: python312');
    });

    it('fetches only the built commit, shallow, in a partial clone', async () => {
      const root = join(scratch.dir, `case-${++n}`);
      const { bare, built } = movedOn(root);
      git(bare, 'config', 'uploadpack.allowFilter', 'true');
      const g = await Git.create({ env: TEST_GIT_ENV });
      const dest = join(root, 'co');
      const checkedOut = await cloneBranch(g, {
        url: `file://${bare}`,
        branch: 'main',
        dest,
        what: 'src',
        cwd: root,
        sparsePaths: ['backstage/Dockerfile'],
        commit: built,
      });
      expect(checkedOut).toBe(built);
      expect(readFileSync(join(dest, 'backstage', 'Dockerfile'), 'utf8')).toBe('FROM python:3.11-slim\n');
      expect(listFiles(dest).filter((file) => !file.startsWith('.git/'))).toEqual(['backstage/Dockerfile']);
      // The built commit alone (depth 1), not the history behind it.
      expect(git(dest, 'rev-parse', '--is-shallow-repository').trim()).toBe('true');
      expect(git(dest, 'rev-list', '--count', '--missing=allow-any', built).trim()).toBe('1');
    });

    it.each(['v0', 'v2'] as const)(
      'fails clearly when the commit cannot be found (%s server)',
      async (kind) => {
        const r = repos();
        movedOn(r.root);
        const server = await startHttpGitServer(
          join(r.root, 'srv'),
          { 'x-access-token': 'tok' },
          { protocolV0: kind === 'v0' },
        );
        servers.push(server);
        const gitRepo = `${server.url}/acme/platform.git`;
        const ghost = 'f'.repeat(40);
        const head = headOf(r.state);
        const result = await runBin([...backstage(r, { gitRepo }), '--git-commit', ghost], {
          env: { GITHUB_TOKEN: 'tok', GITHUB_URL: server.url },
        });
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(
          `image-factory: commit ${ghost} of the source repository ${gitRepo} was not found: the server does not serve it by id (`,
        );
        expect(result.stderr).toContain(
          `and it is not among the last ${DEEPEN_STEPS.at(-1)} commits of branch main`,
        );
        expect(headOf(r.state)).toBe(head);
      },
    );

    it('reads local.dockerfile from the state repository at the built commit', async () => {
      const images = `${STATE_FILES['images.yaml']}
- name: legacy
  registry: ghcr.io
  repository: acme/legacy
  source:
    repo: acme/legacy
    dockerfile: Dockerfile
  local:
    dockerfile: Dockerfile
`;
      const r = repos({
        ...STATE_FILES,
        'images.yaml': images,
        'local/legacy/Dockerfile': 'FROM python:3.11-slim\n',
      });
      const built = headOf(r.state);
      pushFiles(r.state, { 'local/legacy/Dockerfile': 'FROM python:3.12-slim\n' }, 'bump');
      const args = analysisArgs({
        image: 'legacy',
        tag: '2.0.1',
        digest: DIGEST_B,
        dockerfile: 'local/legacy/Dockerfile',
        sourceRepo: 'acme/legacy',
        gitRepo: r.state,
        stateRepo: r.state,
      });
      const result = await runCli([...args, '--git-commit', built], { env: { SOURCE_DATE_EPOCH: EPOCH } });
      expect(result.code, result.stderr).toBe(0);
      expect(parse(showFile(r.state, 'images/legacy.yaml') ?? '').baseImages).toEqual(['python-3.11-slim']);
      expect(commitInfo(r.state, 'main').body).toContain(
        `Dockerfile: local/legacy/Dockerfile in the state repository@${built} (branch main)`,
      );
    });
  });
});
