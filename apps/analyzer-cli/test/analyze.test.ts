// `image-factory analyze` end to end: the built binary against real git repositories (local bare
// repositories as remotes), called exactly as the AnalysisTemplate calls it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadState } from '@image-factory/state-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensureBuilt, runBin, runCli } from './helpers/cli.js';
import {
  API_DOCKERFILE,
  analysisArgs,
  BACKSTAGE_STATE,
  DIGEST_A,
  DIGEST_B,
  EPOCH,
  EPOCH_ISO,
  PYTHON_LEGACY_STATE,
  SOURCE_FILES,
  STATE_FILES,
} from './helpers/fixtures.js';
import {
  commitAll,
  commitCount,
  commitInfo,
  createBareRepo,
  git,
  headOf,
  installHook,
  showFile,
  tempDir,
  treeOf,
  writeFiles,
} from './helpers/git-repos.js';

const scratch = tempDir('if-analyze');
let n = 0;

/** A fresh pair of source and state repositories (and a private TMPDIR for the CLI). */
function repos(stateFiles: Record<string, string> = STATE_FILES, sourceFiles = SOURCE_FILES) {
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

function backstageArgs(
  r: { source: string; state: string },
  overrides: Partial<Parameters<typeof analysisArgs>[0]> = {},
) {
  return analysisArgs({
    image: 'backstage',
    tag: '1.1.0',
    digest: DIGEST_A,
    dockerfile: 'backstage/Dockerfile',
    sourceRepo: 'acme/platform',
    gitRepo: r.source,
    stateRepo: r.state,
    ...overrides,
  });
}

beforeAll(ensureBuilt, 120_000);
afterAll(() => scratch.cleanup());

// Every case has its own repositories: they run concurrently.
describe.concurrent('analyze, as the AnalysisTemplate runs it', () => {
  it('records base images, version and digest in one commit of its own, leaving everything else byte-identical', async () => {
    const r = repos();
    const before = treeOf(r.state);
    const result = await runBin(backstageArgs(r), { env: { SOURCE_DATE_EPOCH: EPOCH, TMPDIR: r.tmp } });

    expect(result.stderr).not.toMatch(/nothing was pushed|failed/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^backstage 1\.1\.0: committed [0-9a-f]{12} to main/);

    // One new commit, by the factory, with a clear message.
    expect(commitCount(r.state)).toBe(2);
    const commit = commitInfo(r.state, 'main');
    expect(commit.authorName).toBe('image-factory');
    expect(commit.authorEmail).toBe('image-factory@users.noreply.github.com');
    expect(commit.committerName).toBe('image-factory');
    expect(commit.subject).toBe('image-factory: analyze backstage 1.1.0');
    expect(commit.body).toContain(
      'Base images: busybox-1.36, distroless-nodejs22-debian12-latest, node-22-bookworm-slim, python312',
    );
    expect(commit.body).toContain(`Version: 1.1.0 (${DIGEST_A})`);
    // The analysed commit, in full.
    expect(commit.body).toContain(
      `Dockerfile: backstage/Dockerfile in acme/platform@${headOf(r.source)} (branch main)`,
    );
    expect(commit.files).toEqual([
      'base-images/busybox-1.36.yaml',
      'base-images/distroless-nodejs22-debian12-latest.yaml',
      'base-images/node-22-bookworm-slim.yaml',
      'images/backstage.yaml',
    ]);

    const after = treeOf(r.state);
    // Untouched files are byte-identical, including the old-format python file that was reused.
    for (const path of Object.keys(before)) {
      if (path !== 'images/backstage.yaml') expect(after[path], path).toBe(before[path]);
    }
    expect(after['base-images/python312.yaml']).toBe(PYTHON_LEGACY_STATE);

    const state = after['images/backstage.yaml'] ?? '';
    expect(state.startsWith('# State of backstage: maintained by image-factory.\nname: backstage\n')).toBe(
      true,
    );
    expect(parse(state)).toEqual({
      name: 'backstage',
      enrolledAt: '2024-05-01T10:00:00Z',
      lastDiscovery: EPOCH_ISO,
      discoveryStatus: 'success',
      // The unreachable golang stage is not a base image; the stage names are not images.
      baseImages: [
        'busybox-1.36',
        'distroless-nodejs22-debian12-latest',
        'node-22-bookworm-slim',
        'python312',
      ],
      currentVersion: '1.1.0',
      currentDigest: DIGEST_A,
      lastBuilt: EPOCH_ISO,
    });
    const node = parse(after['base-images/node-22-bookworm-slim.yaml'] ?? '');
    expect(node).toMatchObject({ name: 'node-22-bookworm-slim', firstDiscovered: EPOCH_ISO });
    expect(node.image).toBe('docker.io/library/node:22-bookworm-slim');

    // The result is a valid state, and the CLI left no temporary files behind.
    const checkout = join(r.root, 'verify');
    git(r.root, 'clone', '--quiet', r.state, checkout);
    const loaded = await loadState(checkout);
    expect(loaded.ok).toBe(true);
    expect(readdirSync(r.tmp)).toEqual([]);
  });

  it('makes no commit when a re-run finds nothing new', async () => {
    const r = repos();
    const first = await runBin(backstageArgs(r), { env: { SOURCE_DATE_EPOCH: EPOCH } });
    expect(first.code).toBe(0);
    const head = headOf(r.state);
    // A later clock: still no change, because nothing the timestamps describe changed.
    const again = await runBin(backstageArgs(r), {
      env: { SOURCE_DATE_EPOCH: String(Number(EPOCH) + 3600) },
    });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(
      'backstage 1.1.0: no change (base images: busybox-1.36, distroless-nodejs22-debian12-latest, node-22-bookworm-slim, python312)\n',
    );
    expect(headOf(r.state)).toBe(head);
  });

  it('records a new version without touching the base-image files', async () => {
    const r = repos();
    expect((await runBin(backstageArgs(r), { env: { SOURCE_DATE_EPOCH: EPOCH } })).code).toBe(0);
    const later = String(Number(EPOCH) + 86_400);
    const next = await runBin(backstageArgs(r, { tag: '1.2.0', digest: DIGEST_B }), {
      env: { SOURCE_DATE_EPOCH: later },
    });
    expect(next.code).toBe(0);
    const commit = commitInfo(r.state, 'main');
    expect(commit.files).toEqual(['images/backstage.yaml']);
    expect(parse(showFile(r.state, 'images/backstage.yaml') ?? '')).toMatchObject({
      currentVersion: '1.2.0',
      currentDigest: DIGEST_B,
      lastBuilt: '2026-01-03T03:04:05Z',
      lastDiscovery: '2026-01-03T03:04:05Z',
    });
  });

  it('records the pins of a pinned build as builtOn by base name, and drops them for an unpinned one', async () => {
    const r = repos();
    const node = `sha256:${'1'.repeat(64)}`;
    const python = `sha256:${'2'.repeat(64)}`;
    // What the build workflow writes to the pins annotation (keys: normalized references).
    const pins = JSON.stringify({
      'docker.io/library/node:22-bookworm-slim': node,
      'docker.io/library/python:3.12-slim': python,
      'docker.io/library/redis:7': `sha256:${'3'.repeat(64)}`,
    });
    const pinned = await runBin([...backstageArgs(r), '--built-on', pins], {
      env: { SOURCE_DATE_EPOCH: EPOCH },
    });
    expect(pinned.code).toBe(0);
    expect(pinned.stderr).toContain(
      'warning: --built-on pins docker.io/library/redis:7, which is not a base of the analysed Dockerfile',
    );
    expect(parse(showFile(r.state, 'images/backstage.yaml') ?? '').builtOn).toEqual({
      'node-22-bookworm-slim': node,
      python312: python,
    });
    const unpinned = await runBin(backstageArgs(r, { tag: '1.2.0', digest: DIGEST_B }), {
      env: { SOURCE_DATE_EPOCH: String(Number(EPOCH) + 86_400) },
    });
    expect(unpinned.code).toBe(0);
    const state = parse(showFile(r.state, 'images/backstage.yaml') ?? '');
    expect(state.currentVersion).toBe('1.2.0');
    expect(state).not.toHaveProperty('builtOn');
  });

  it.each([
    ['[1]', 'is not a JSON object'],
    ['{"python:3.12-slim":"sha256:' + '1'.repeat(64) + '"}', 'is not a normalized image reference'],
    ['{"docker.io/library/python:3.12-slim":"latest"}', 'is not a sha256 digest'],
    ['{', 'is not JSON'],
    ['{}', 'is an empty object'],
  ])('refuses --built-on %s with exit 1, pushing nothing', async (value, message) => {
    const r = repos();
    const head = headOf(r.state);
    const result = await runCli([...backstageArgs(r), '--built-on', value]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(headOf(r.state)).toBe(head);
  });

  it('lands two concurrent runs for different images, both creating the same new base image once', async () => {
    const r = repos();
    const workerArgs = analysisArgs({
      image: 'worker',
      tag: '0.3.0',
      digest: DIGEST_B,
      dockerfile: 'worker/Dockerfile',
      sourceRepo: 'acme/platform',
      gitRepo: r.source,
      stateRepo: r.state,
    });
    const env = { SOURCE_DATE_EPOCH: EPOCH };
    const [a, b] = await Promise.all([runBin(backstageArgs(r), { env }), runBin(workerArgs, { env })]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(commitCount(r.state)).toBe(3);
    const tree = treeOf(r.state);
    expect(parse(tree['images/backstage.yaml'] ?? '').currentVersion).toBe('1.1.0');
    expect(parse(tree['images/worker.yaml'] ?? '')).toMatchObject({
      name: 'worker',
      baseImages: ['busybox-1.36', 'python312'],
      currentVersion: '0.3.0',
      currentDigest: DIGEST_B,
      discoveryStatus: 'success',
    });
    // busybox:1.36 is described by exactly one file, whichever run created it.
    const busybox = Object.keys(tree).filter((path) =>
      (tree[path] ?? '').includes('docker.io/library/busybox:1.36'),
    );
    expect(busybox).toEqual(['base-images/busybox-1.36.yaml']);
  });

  it('fetches and replays its update when the branch moved on (non-fast-forward), reusing what the other commit added', async () => {
    const r = repos();
    // Another writer's commit, prepared in a clone: it describes busybox:1.36 under a name of its own.
    const other = join(r.root, 'other');
    git(r.root, 'clone', '--quiet', r.state, other);
    writeFiles(other, { 'base-images/busybox-old.yaml': 'name: busybox-old\nfullImage: busybox:1.36\n' });
    commitAll(other, 'another writer');
    // A git wrapper that pushes that commit just before the CLI's first push: a real race.
    const bin = join(r.root, 'bin');
    mkdirSync(bin);
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(
      join(bin, 'git'),
      // The CLI puts `-c name=value` options before the subcommand: look at every argument.
      `#!/bin/sh\nfor arg in "$@"; do\n  if [ "$arg" = push ] && [ ! -f "$RACE_MARK" ]; then\n    touch "$RACE_MARK"\n    "$REAL_GIT" -C "$RACE_WORK" push -q origin HEAD:refs/heads/main\n  fi\ndone\nexec "$REAL_GIT" "$@"\n`,
      { mode: 0o755 },
    );
    const result = await runBin(backstageArgs(r), {
      env: {
        SOURCE_DATE_EPOCH: EPOCH,
        PATH: `${bin}:${process.env.PATH}`,
        REAL_GIT: realGit,
        RACE_WORK: other,
        RACE_MARK: join(r.root, 'raced'),
      },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /push attempt 1 of 5 to .* was rejected \(the branch moved on\): .*; fetching and retrying/,
    );
    expect(commitCount(r.state)).toBe(3);
    const commit = commitInfo(r.state, 'main');
    expect(commit.subject).toBe('image-factory: analyze backstage 1.1.0');
    expect(commit.files).not.toContain('base-images/busybox-1.36.yaml');
    expect(parse(showFile(r.state, 'images/backstage.yaml') ?? '').baseImages).toEqual([
      'busybox-old',
      'distroless-nodejs22-debian12-latest',
      'node-22-bookworm-slim',
      'python312',
    ]);
  });

  it('fails with exit 1 and a clear message when every push is refused, pushing nothing', async () => {
    const r = repos();
    installHook(r.state, 'pre-receive', 'echo "branch main is protected" >&2; exit 1');
    const head = headOf(r.state);
    const result = await runBin([...backstageArgs(r), '--push-attempts', '3'], {
      env: { SOURCE_DATE_EPOCH: EPOCH, TMPDIR: r.tmp },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `image-factory: pushing the state update for "backstage" to ${r.state} (branch main) failed after 3 attempts:`,
    );
    expect(result.stderr).toContain('branch main is protected');
    expect(result.stderr).toContain('pre-receive hook declined');
    expect(result.stderr).toMatch(/hint: nothing was pushed/);
    expect(result.stdout).toBe('');
    expect(headOf(r.state)).toBe(head);
    expect(readdirSync(r.tmp)).toEqual([]);
  });

  it.each([
    ['../outside/Dockerfile', 'contains ".." (it must stay inside the repository)'],
    ['backstage/../../Dockerfile', 'contains ".."'],
    ['/etc/passwd', 'is absolute'],
  ])('refuses the Dockerfile path %s before cloning anything', async (dockerfile, why) => {
    const r = repos();
    const head = headOf(r.state);
    const result = await runBin(backstageArgs(r, { dockerfile }), { env: { TMPDIR: r.tmp } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`image-factory: --dockerfile "${dockerfile}" ${why}`);
    expect(headOf(r.state)).toBe(head);
    expect(readdirSync(r.tmp)).toEqual([]);
  });

  it('refuses a Dockerfile that is a symbolic link out of the checkout', async () => {
    const r = repos(STATE_FILES, {
      ...SOURCE_FILES,
      'evil/Dockerfile': { symlink: '../../../../etc/hostname' },
    } as never);
    const head = headOf(r.state);
    const result = await runBin(backstageArgs(r, { dockerfile: 'evil/Dockerfile' }));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `image-factory: "evil/Dockerfile" in the source repository ${r.source} resolves outside the repository (evil/Dockerfile is a symbolic link to ../../../../etc/hostname)`,
    );
    expect(headOf(r.state)).toBe(head);
  });

  it('fails, pushing nothing, when the Dockerfile cannot be analysed', async () => {
    const r = repos(STATE_FILES, { ...SOURCE_FILES, 'backstage/Dockerfile': `ARG IMG\nFROM \${IMG}\n` });
    const head = headOf(r.state);
    const result = await runBin(backstageArgs(r));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /image-factory: analysing backstage\/Dockerfile failed:\n {2}backstage\/Dockerfile:2: /,
    );
    expect(headOf(r.state)).toBe(head);
  });

  it('names the step and the reason when a repository cannot be cloned', async () => {
    const r = repos();
    const result = await runBin(backstageArgs(r, { gitBranch: 'does-not-exist' }));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `cloning the source repository ${r.source} (branch does-not-exist) failed:`,
    );
    expect(result.stderr).toMatch(/Remote branch does-not-exist not found/);
    const missing = await runBin(backstageArgs(r, { stateRepo: join(r.root, 'nope.git') }));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cloning the state repository');
  });

  it('refuses an image that is not enrolled, listing the managed ones', async () => {
    const r = repos();
    const result = await runCli(backstageArgs(r, { image: 'ghost' }));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'image-factory: image "ghost" is not enrolled in images.yaml\nhint: managed images: backstage, worker\n',
    );
  });

  it('records a cascade: an image built on another managed image names that image', async () => {
    const images = `${STATE_FILES['images.yaml']}
- name: api
  registry: ghcr.io
  repository: acme/api
  source:
    repo: acme/platform
    dockerfile: api/Dockerfile
`;
    const r = repos({ ...STATE_FILES, 'images.yaml': images });
    const result = await runCli(
      analysisArgs({
        image: 'api',
        tag: '5.0.0',
        digest: DIGEST_B,
        dockerfile: 'api/Dockerfile',
        sourceRepo: 'acme/platform',
        gitRepo: r.source,
        stateRepo: r.state,
      }),
      { env: { SOURCE_DATE_EPOCH: EPOCH } },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(API_DOCKERFILE).toContain('ghcr.io/acme/backstage');
    const state = parse(showFile(r.state, 'images/api.yaml') ?? '');
    expect(state.baseImages).toEqual(['backstage']);
    expect(state.currentVersion).toBe('5.0.0');
    expect(state.currentDigest).toBe(DIGEST_B);
    // A new state file also carries the enrollment.
    expect(state.enrollment).toMatchObject({ name: 'api', source: { dockerfile: 'api/Dockerfile' } });
    expect(commitInfo(r.state, 'main').files).toEqual(['images/api.yaml']);
  });

  it('analyses local.dockerfile from the state repository, as the template points it there', async () => {
    const images = `${STATE_FILES['images.yaml']}
- name: legacy
  registry: ghcr.io
  repository: acme/legacy
  source:
    repo: acme/legacy
    branch: release/1.x
    dockerfile: Dockerfile
  local:
    dockerfile: Dockerfile
`;
    const r = repos({
      ...STATE_FILES,
      'images.yaml': images,
      'local/legacy/Dockerfile': `ARG PY=3.12\nFROM python:\${PY}-slim\n`,
    });
    const result = await runCli(
      analysisArgs({
        image: 'legacy',
        tag: '2.0.1',
        digest: DIGEST_B,
        dockerfile: 'local/legacy/Dockerfile',
        sourceRepo: 'acme/legacy',
        gitRepo: r.state,
        stateRepo: r.state,
      }),
      { env: { SOURCE_DATE_EPOCH: EPOCH } },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('differs from the enrollment');
    expect(parse(showFile(r.state, 'images/legacy.yaml') ?? '')).toMatchObject({
      baseImages: ['python312'],
      currentVersion: '2.0.1',
    });
    expect(commitInfo(r.state, 'main').body).toContain(
      'Dockerfile: local/legacy/Dockerfile in the state repository',
    );
  });

  it('warns when the flags disagree with the enrollment, and still analyses the given Dockerfile', async () => {
    const r = repos();
    const result = await runCli(backstageArgs(r, { sourceRepo: 'acme/other' }), {
      env: { SOURCE_DATE_EPOCH: EPOCH },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'image-factory: warning: --source-repo "acme/other" differs from the enrollment of "backstage" ("acme/platform")',
    );
  });

  it('is a usage error (exit 2) when a required flag is missing', async () => {
    const result = await runCli(['analyze', '--image', 'backstage']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/required option '--tag <tag>' not specified/);
  });

  it('rejects malformed values with exit 1', async () => {
    const r = repos();
    const bad = await runCli(backstageArgs(r, { digest: 'sha256:xyz' }));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--digest "sha256:xyz" is not a digest');
    const branch = await runCli(backstageArgs(r, { gitBranch: '-x' }));
    expect(branch.code).toBe(1);
    expect(branch.stderr).toContain('--git-branch "-x" is not a valid branch name: it starts with "-"');
  });
});

describe('state repository expectations', () => {
  it('keeps the fixture state valid before analysis', async () => {
    const r = repos();
    const checkout = join(r.root, 'check');
    git(r.root, 'clone', '--quiet', r.state, checkout);
    const loaded = await loadState(checkout);
    expect(loaded.ok).toBe(true);
    expect(showFile(r.state, 'images/backstage.yaml')).toBe(BACKSTAGE_STATE);
  });
});
