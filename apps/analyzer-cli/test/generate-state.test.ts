// `image-factory generate-state` against local source repositories, and the generated workflows
// executed step by step against real git repositories.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadState } from '@image-factory/state-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderBuildWorkflow } from '../src/lib/workflows.js';
import { ensureBuilt, runBin, runCli } from './helpers/cli.js';
import { EPOCH, EPOCH_ISO } from './helpers/fixtures.js';
import { GENERATE_SOURCES, generateStateFiles } from './helpers/generate-fixtures.js';
import {
  commitInfo,
  createBareRepo,
  headOf,
  listFiles,
  pushFiles,
  read,
  showFile,
  tempDir,
  writeFiles,
} from './helpers/git-repos.js';
import { type HttpGitServer, startHttpGitServer } from './helpers/http-git.js';
import { fakeDocker, type RunOptions, runWorkflow } from './helpers/workflow-runner.js';

const scratch = tempDir('if-generate');
let n = 0;
let server: HttpGitServer;
const GITLAB_TOKEN = 'glpat-testTokenValue0123';

beforeAll(async () => {
  server = await startHttpGitServer(join(scratch.dir, 'http'), { oauth2: GITLAB_TOKEN });
  await ensureBuilt();
}, 120_000);
afterAll(async () => {
  await server.close();
  scratch.cleanup();
});

/** Source repositories under <root>/git/<provider>/<repo>.git and a state directory. */
function setup(settings = '') {
  const root = join(scratch.dir, `case-${++n}`);
  for (const [path, files] of Object.entries(GENERATE_SOURCES)) {
    createBareRepo(
      join(root, 'git', `${path}.git`),
      files,
      path.startsWith('gitlab/') ? 'release/2.x' : 'main',
    );
  }
  const state = join(root, 'state');
  writeFiles(state, generateStateFiles(settings));
  return { root, state, template: join(root, 'git', '{provider}', '{repo}.git') };
}

let shared: { root: string; state: string; template: string; files: Record<string, string> } | undefined;
/**
 * The generated state (generated once for these tests) as a fresh bare repository the workflow
 * can check out and push to, with the source repositories.
 */
async function generated() {
  if (!shared) {
    const s = setup();
    await runCli(['generate-state', '--state-dir', s.state, '--git-url-template', s.template], {
      env: { SOURCE_DATE_EPOCH: EPOCH },
    });
    const files = Object.fromEntries(listFiles(s.state).map((file) => [file, read(join(s.state, file))]));
    shared = { ...s, files };
  }
  const root = join(shared.root, `run-${++n}`);
  const stateRepo = createBareRepo(join(root, 'state.git'), shared.files);
  const repos = {
    'acme/platform': join(shared.root, 'git', 'github', 'acme', 'platform.git'),
    'acme/platform-api': createBareRepo(
      join(root, 'platform-api.git'),
      GENERATE_SOURCES['github/acme/platform-api'],
    ),
  };
  return { root, state: shared.state, stateRepo, repos };
}

const stateYaml = (state: string, name: string) => parse(read(join(state, 'images', `${name}.yaml`)));

describe('generate-state', () => {
  it('discovers every image, records failures, writes workflows per mode and removes stale generated ones', async () => {
    const { state, template } = setup();
    const result = await runCli(['generate-state', '--state-dir', state, '--git-url-template', template], {
      env: { SOURCE_DATE_EPOCH: EPOCH },
    });
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n').filter((line) => /^(ok|FAILED) /.test(line));
    expect(lines).toEqual([
      'ok      backstage     base images: busybox-1.36, distroless-nodejs22-debian12-latest, node-22-bookworm-slim, python312',
      'FAILED  broken        source.dockerfile "missing/Dockerfile" does not exist',
      'ok      legacy-app    base images: python312',
      'ok      platform-api  base images: distroless-static-debian12-nonroot, golang-1.22-bookworm',
      'ok      worker        base images: busybox-1.36, python312',
    ]);
    expect(result.stdout).toContain(
      "warning: acme/platform:backstage/Dockerfile:16: Image 'gcr.io/distroless/nodejs22-debian12' has no tag or digest",
    );
    expect(result.stdout).toContain('removed .github/workflows/build-gone.yml\n');
    expect(result.stdout).toMatch(/5 images: 4 ok, 1 failed; \d+ files written, 1 removed\n$/);
    // The only warning: no image-factory.yaml, so the analysis job would run the default image.
    expect(result.stderr).toMatch(
      /^\/\S+\/state\/image-factory\.yaml: warning: analysis\.image is not set: [^\n]*\n {2}hint: [^\n]*\n$/,
    );

    // images/: discovered fields, enrollment copied, the failure keeps the previous base images.
    expect(stateYaml(state, 'worker')).toEqual({
      name: 'worker',
      enrolledAt: EPOCH_ISO,
      lastDiscovery: EPOCH_ISO,
      discoveryStatus: 'success',
      enrollment: {
        name: 'worker',
        registry: 'ghcr.io',
        repository: 'acme/worker',
        source: { repo: 'acme/platform', dockerfile: 'worker/Dockerfile' },
      },
      baseImages: ['busybox-1.36', 'python312'],
    });
    expect(stateYaml(state, 'broken')).toMatchObject({
      discoveryStatus: 'failed',
      lastDiscovery: EPOCH_ISO,
      baseImages: ['python312'],
    });
    // The local Dockerfile (python:${PY}-slim) is analysed from the state repository, never cloned.
    expect(stateYaml(state, 'legacy-app').baseImages).toEqual(['python312']);

    // Workflows: one per image without source.workflow, plus the state repository's own.
    const workflows = listFiles(join(state, '.github', 'workflows'));
    expect(workflows).toEqual([
      'build-broken.yml',
      'build-legacy-app.yml',
      'build-platform-api.yml',
      'build-worker.yml',
      'ci.yml',
      'image-factory.yml',
    ]);
    const wf = (name: string) => read(join(state, '.github', 'workflows', name));
    await expect(wf('build-worker.yml')).toMatchFileSnapshot('./__golden__/build-worker.plain.yml');
    await expect(wf('build-platform-api.yml')).toMatchFileSnapshot(
      './__golden__/build-platform-api.version-file.yml',
    );
    await expect(wf('build-legacy-app.yml')).toMatchFileSnapshot(
      './__golden__/build-legacy-app.local-dockerfile.yml',
    );
    await expect(wf('image-factory.yml')).toMatchFileSnapshot('./__golden__/image-factory.state.yml');
    expect(wf('ci.yml')).toBe('name: hand-written\non: push\n');

    // The state as written loads.
    const loaded = await loadState(state);
    expect(loaded.ok).toBe(true);
  });

  it('writes nothing on a second run with the same results', async () => {
    const { state, template } = setup();
    const env = { SOURCE_DATE_EPOCH: EPOCH };
    await runCli(['generate-state', '--state-dir', state, '--git-url-template', template], { env });
    const mtimes = Object.fromEntries(
      listFiles(state).map((file) => [file, statSync(join(state, file)).mtimeMs]),
    );
    const again = await runCli(
      ['generate-state', '--state-dir', state, '--git-url-template', template, '--json'],
      {
        env: { SOURCE_DATE_EPOCH: String(Number(EPOCH) + 600) },
      },
    );
    expect(again.code).toBe(1);
    const report = JSON.parse(again.stdout);
    expect(report.version).toBe(1);
    expect(report.written).toEqual([]);
    expect(report.removed).toEqual([]);
    expect(
      report.images.map((image: { name: string; status: string }) => `${image.name}:${image.status}`),
    ).toEqual([
      'backstage:success',
      'broken:failed',
      'legacy-app:success',
      'platform-api:success',
      'worker:success',
    ]);
    expect(
      Object.fromEntries(listFiles(state).map((file) => [file, statSync(join(state, file)).mtimeMs])),
    ).toEqual(mtimes);
  });

  it('exits 0 once every image is discovered, and picks up a changed Dockerfile from a fresh fetch', async () => {
    const { root, state, template } = setup();
    await runCli(['generate-state', '--state-dir', state, '--git-url-template', template], {
      env: { SOURCE_DATE_EPOCH: EPOCH },
    });
    // The team adds the missing Dockerfile and moves worker to another base.
    const platform = join(root, 'git', 'github', 'acme', 'platform.git');
    pushFiles(
      platform,
      { 'missing/Dockerfile': 'FROM alpine:3.20\n', 'worker/Dockerfile': 'FROM alpine:3.20\n' },
      'fix',
    );
    const later = String(Number(EPOCH) + 3600);
    const result = await runBin(['generate-state', '--state-dir', state], {
      env: { SOURCE_DATE_EPOCH: later, IMAGE_FACTORY_GIT_URL_TEMPLATE: template },
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(stateYaml(state, 'broken')).toMatchObject({
      discoveryStatus: 'success',
      baseImages: ['alpine-3.20'],
      lastDiscovery: '2026-01-02T04:04:05Z',
    });
    expect(stateYaml(state, 'worker')).toMatchObject({
      baseImages: ['alpine-3.20'],
      lastDiscovery: '2026-01-02T04:04:05Z',
    });
    // Unchanged discoveries keep their timestamp.
    expect(stateYaml(state, 'backstage').lastDiscovery).toBe(EPOCH_ISO);
    expect(parse(read(join(state, 'base-images', 'alpine-3.20.yaml')))).toMatchObject({
      image: 'docker.io/library/alpine:3.20',
      firstDiscovered: '2026-01-02T04:04:05Z',
    });
    expect(result.stdout).toContain('wrote   images/broken.yaml\n');
  });

  it('removes the generated workflow of an image that is unenrolled or brings its own workflow', async () => {
    const { state, template } = setup();
    await runCli(['generate-state', '--state-dir', state, '--git-url-template', template], {
      env: { SOURCE_DATE_EPOCH: EPOCH },
    });
    const images = read(join(state, 'images.yaml'))
      .replace(
        '    dockerfile: worker/Dockerfile\n',
        '    dockerfile: worker/Dockerfile\n    workflow: worker.yml\n',
      )
      .replace(/- name: broken\n(?: .*\n)+/, '');
    writeFileSync(join(state, 'images.yaml'), images);
    const result = await runCli(['generate-state', '--state-dir', state, '--git-url-template', template], {
      env: { SOURCE_DATE_EPOCH: EPOCH },
    });
    expect(result.stdout).toContain(
      'removed .github/workflows/build-broken.yml\nremoved .github/workflows/build-worker.yml\n',
    );
    expect(existsSync(join(state, '.github', 'workflows', 'build-platform-api.yml'))).toBe(true);
    // The unenrolled image's state file is left for a human (the loader warns about it).
    expect(result.stderr).toMatch(/\/state\/images\/broken\.yaml: warning: image "broken" is not enrolled/);
    // Warnings are printed as validate prints them: the path from the working directory, clickable.
    const inside = await runCli(['generate-state', '--state-dir', 'state', '--git-url-template', template], {
      env: { SOURCE_DATE_EPOCH: EPOCH },
      cwd: join(state, '..'),
    });
    expect(inside.stderr).toContain('\nstate/images/broken.yaml: warning: image "broken" is not enrolled');
    expect(inside.stderr).not.toContain('warning: state/images/broken.yaml: warning:');
  });

  it("records the workflow_dispatch inputs of a team's own workflow, read from the source repository", async () => {
    const { root, state, template } = setup();
    const source = join(root, 'git', 'github', 'acme', 'platform.git');
    writeFileSync(
      join(state, 'images.yaml'),
      read(join(state, 'images.yaml')).replace(
        '    dockerfile: worker/Dockerfile\n',
        '    dockerfile: worker/Dockerfile\n    workflow: worker.yml\n',
      ),
    );
    const generate = () =>
      runCli(['generate-state', '--state-dir', state, '--git-url-template', template], {
        env: { SOURCE_DATE_EPOCH: EPOCH },
      });
    pushFiles(
      source,
      {
        '.github/workflows/worker.yml': [
          'name: build worker',
          'on:',
          '  push: {branches: [main]}',
          '  workflow_dispatch:',
          '    inputs:',
          '      reason: {type: string, required: false}',
          '      pins: {type: string, required: false}',
          '      environment: {type: choice, options: [dev, prod]}',
          'jobs: {}',
          '',
        ].join('\n'),
      },
      'a team workflow that takes pins',
    );
    await generate();
    expect(stateYaml(state, 'worker').workflowInputs).toEqual(['environment', 'pins', 'reason']);
    // The field sits with the other discovered fields, before the build record.
    expect(read(join(state, 'images', 'worker.yaml'))).toMatch(/baseImages:\n(?: +- .*\n)+workflowInputs:\n/);
    const loaded = await loadState(state);
    expect(loaded.ok && loaded.state.managedImages.find((i) => i.name === 'worker')?.workflowInputs).toEqual([
      'environment',
      'pins',
      'reason',
    ]);

    pushFiles(
      source,
      { '.github/workflows/worker.yml': 'on: [push, workflow_dispatch]\njobs: {}\n' },
      'no inputs',
    );
    await generate();
    expect(stateYaml(state, 'worker').workflowInputs).toEqual([]);

    pushFiles(source, { '.github/workflows/worker.yml': 'on:\n  workflow_dispatch: [\n' }, 'broken');
    const broken = await generate();
    expect(broken.stderr + broken.stdout).toMatch(
      /acme\/platform:\.github\/workflows\/worker\.yml:[1-9]\d*:[1-9]\d*: not valid YAML/,
    );
    expect(stateYaml(state, 'worker')).not.toHaveProperty('workflowInputs');

    pushFiles(source, { '.github/workflows/worker.yml': 'on: push\njobs: {}\n' }, 'not dispatchable');
    const push = await generate();
    expect(push.stderr + push.stdout).toContain('has no workflow_dispatch trigger');
    expect(stateYaml(state, 'worker')).not.toHaveProperty('workflowInputs');
  });

  it('--dry-run prints the files a run would change and their diff, and writes nothing', async () => {
    const { state, template } = setup();
    const contents = () =>
      Object.fromEntries(listFiles(state).map((file) => [file, read(join(state, file))]));
    const before = contents();
    const args = ['generate-state', '--state-dir', state, '--git-url-template', template, '--dry-run'];
    const env = { SOURCE_DATE_EPOCH: EPOCH };
    const dry = await runCli(args, { env });
    expect(dry.code).toBe(1); // "broken" fails, as in a real run
    expect(contents()).toEqual(before);
    expect(dry.stdout).toContain('would create images/worker.yaml\n');
    expect(dry.stdout).toContain('would update images/broken.yaml\n');
    expect(dry.stdout).toContain('would create .github/workflows/build-worker.yml\n');
    expect(dry.stdout).toContain('would remove .github/workflows/build-gone.yml\n');
    expect(dry.stdout).toMatch(
      /5 images: 4 ok, 1 failed; dry run: \d+ to create, \d+ to update, 1 to remove; nothing was written\n/,
    );
    expect(dry.stdout).toContain(
      'diff --git a/images/broken.yaml b/images/broken.yaml\n--- a/images/broken.yaml\n+++ b/images/broken.yaml\n',
    );
    expect(dry.stdout).toContain('+discoveryStatus: failed\n');
    expect(dry.stdout).toContain(
      'diff --git a/images/worker.yaml b/images/worker.yaml\nnew file mode 100644\n--- /dev/null\n+++ b/images/worker.yaml\n',
    );

    const json = await runCli([...args, '--json'], { env });
    const report = JSON.parse(json.stdout) as {
      version: number;
      dryRun: boolean;
      changes: { file: string; action: string; diff: string }[];
      written: string[];
      removed: string[];
    };
    expect(report.version).toBe(1);
    expect(report.dryRun).toBe(true);
    expect(contents()).toEqual(before);

    // What the dry run announced is exactly what a real run then does.
    const real = await runCli(args.slice(0, -1), { env });
    expect(real.code).toBe(1);
    const after = contents();
    const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])]
      .filter((file) => before[file] !== after[file])
      .sort();
    expect(report.changes.map((change) => change.file)).toEqual(changed);
    expect(
      report.changes.filter((change) => change.action === 'remove').map((change) => change.file),
    ).toEqual(report.removed);
  });

  it('writes nothing when every image failed (the sources are unreachable)', async () => {
    const { root, state } = setup();
    // legacy-app's Dockerfile is in the state repository: broken, every image fails.
    writeFileSync(join(state, 'local', 'legacy-app', 'Dockerfile'), 'FROM Alpine:3.19\n');
    const before = Object.fromEntries(listFiles(state).map((file) => [file, read(join(state, file))]));
    const nowhere = join(root, 'nowhere', '{provider}', '{repo}.git');
    const result = await runCli(['generate-state', '--state-dir', state, '--git-url-template', nowhere], {
      env: { SOURCE_DATE_EPOCH: EPOCH },
    });
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').filter((line) => line.startsWith('FAILED'))).toHaveLength(5);
    expect(result.stdout).toMatch(/5 images: 0 ok, 5 failed; 0 files written, 0 removed\n$/);
    expect(result.stderr).toContain(
      'image-factory: warning: every image failed: nothing was written (the state and the workflows are as they were)\n',
    );
    expect(Object.fromEntries(listFiles(state).map((file) => [file, read(join(state, file))]))).toEqual(
      before,
    );
  });

  it('leaves a hand-written file at a generated path alone, with a warning', async () => {
    const { state, template } = setup();
    writeFiles(state, { '.github/workflows/build-worker.yml': 'name: my own\n' });
    const result = await runCli(['generate-state', '--state-dir', state, '--git-url-template', template]);
    expect(read(join(state, '.github', 'workflows', 'build-worker.yml'))).toBe('name: my own\n');
    expect(result.stderr).toContain(
      'warning: .github/workflows/build-worker.yml exists and was not generated (no "# Generated by image-factory generate-state. Do not edit." line): left alone',
    );
  });

  it('refuses an invalid state, writing nothing', async () => {
    const { state, template } = setup();
    writeFileSync(join(state, 'images.yaml'), '- name: Bad Name\n  registry: ghcr.io\n');
    const before = listFiles(state);
    const result = await runCli(['generate-state', '--state-dir', state, '--git-url-template', template]);
    expect(result.code).toBe(1);
    // The file is shown as the user can open it: from the working directory (absolute: outside it).
    expect(
      result.stderr.startsWith(
        `image-factory: the state repository is invalid:\n  ${join(state, 'images.yaml')}:1:`,
      ),
    ).toBe(true);
    expect(listFiles(state)).toEqual(before);
    const inside = await runCli(['generate-state', '--state-dir', 'state', '--git-url-template', template], {
      cwd: join(state, '..'),
    });
    expect(
      inside.stderr.startsWith('image-factory: the state repository is invalid:\n  state/images.yaml:1:'),
    ).toBe(true);
  });

  it('shows progress on a terminal only', async () => {
    const { state, template } = setup();
    const tty = await runCli(['generate-state', '--state-dir', state, '--git-url-template', template], {
      tty: true,
    });
    expect(tty.stderr).toContain('[5/5] ');
    expect(tty.stderr).toContain('\r\x1b[2K');
    const ci = await runCli(['generate-state', '--state-dir', state, '--git-url-template', template], {
      tty: true,
      env: { CI: 'true' },
    });
    expect(ci.stderr).not.toContain('[1/5]');
    const json = await runCli(
      ['generate-state', '--state-dir', state, '--git-url-template', template, '--json'],
      { tty: true },
    );
    expect(json.stderr).not.toContain('[1/5]');
  });
});

/** Runs a generated build workflow with a fake `docker` recording the build's arguments. */
async function runBuild(text: string, options: RunOptions) {
  const docker = fakeDocker(join(scratch.dir, `docker-${++n}`));
  const run = await runWorkflow(text, {
    ...options,
    env: { ...options.env, PATH: `${docker.bin}:${process.env.PATH ?? ''}` },
  });
  const args = existsSync(join(docker.bin, '..', 'args')) ? docker.args() : [];
  /** The values of every `flag <value>` pair of the build. */
  const flag = (name: string) => args.flatMap((arg, i) => (args[i - 1] === name ? [arg] : []));
  return { ...run, args, flag };
}

describe('the generated build workflows, executed', () => {
  it('plain: checks out the source, tags with its commit and builds the source Dockerfile', async () => {
    const g = await generated();
    const workspace = join(g.root, 'ws-worker');
    const run = await runBuild(read(join(g.state, '.github/workflows/build-worker.yml')), {
      workspace,
      selfRepo: g.stateRepo,
      repos: g.repos,
      inputs: { reason: 'python312 changed' },
      runNumber: 42,
    });
    expect(run.failure).toBeUndefined();
    const version = run.outputs.version?.outputs as unknown as Record<string, string>;
    expect(version.version).toBe(`sha-${headOf(g.repos['acme/platform']).slice(0, 12)}-42`);
    expect(run.args.at(-1)).toBe('source');
    expect(run.flag('--file')).toEqual(['source/worker/Dockerfile']);
    expect(run.flag('--tag')).toEqual([`ghcr.io/acme/worker:${version.version}`]);
    expect(run.args).toContain('--push');
    expect(existsSync(join(workspace, 'source', 'worker', 'Dockerfile'))).toBe(true);
    expect(run.actions.find((action) => action.uses.startsWith('docker/login-action@'))?.with).toEqual({
      registry: 'ghcr.io',
      username: 'octocat',
      password: 'gh-token',
    });
  });

  it('version file: applies the patches, bumps by the inputs, tags with it and commits the bump to the state repository', async () => {
    const g = await generated();
    const workspace = join(g.root, 'ws-api');
    const run = await runBuild(read(join(g.state, '.github/workflows/build-platform-api.yml')), {
      workspace,
      selfRepo: g.stateRepo,
      repos: g.repos,
      inputs: { reason: 'golang changed', increment: 'minor', suffix: '-rc1' },
    });
    expect(run.failure).toBeUndefined();
    expect(read(join(workspace, 'source', 'app', 'config.txt'))).toBe('port=9090\nlog=info\n');
    expect(run.flag('--tag')).toEqual(['registry.example.com/acme/platform-api:1.5.0-rc1']);
    expect(run.actions.find((action) => action.uses.startsWith('docker/login-action@'))?.with.registry).toBe(
      'registry.example.com',
    );
    expect(showFile(g.stateRepo, 'local/platform-api/VERSION')).toBe('1.5.0-rc1\n');
    const commit = commitInfo(g.stateRepo, 'main');
    expect(commit.subject).toBe('image-factory: release platform-api 1.5.0-rc1');
    expect(commit.authorName).toBe('github-actions[bot]');
    expect(commit.files).toEqual(['local/platform-api/VERSION']);
  });

  it('version file with increment none and no suffix: same tag, nothing to commit', async () => {
    const g = await generated();
    const before = commitInfo(g.stateRepo, 'main');
    const run = await runBuild(read(join(g.state, '.github/workflows/build-platform-api.yml')), {
      workspace: join(g.root, 'ws-none'),
      selfRepo: g.stateRepo,
      repos: g.repos,
      inputs: { increment: 'none', suffix: '' },
    });
    expect(run.failure).toBeUndefined();
    expect(run.jobs).toEqual(['build']);
    expect(run.ran).not.toContain('Commit the version');
    expect(run.flag('--tag')).toEqual(['registry.example.com/acme/platform-api:1.4.2']);
    expect(commitInfo(g.stateRepo, 'main')).toEqual(before);
  });

  it('local Dockerfile on GitLab: clones with the token through a credential helper, applies both patches, builds the state Dockerfile', async () => {
    const g = setup(`gitlab:\n  url: ${server.url}/gitlab\n`);
    createBareRepo(
      join(scratch.dir, 'http', 'gitlab', 'acme', 'legacy', 'app.git'),
      GENERATE_SOURCES['gitlab/acme/legacy/app'],
      'release/2.x',
    );
    const loaded = await loadState(g.state);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const image = loaded.state.managedImages.find((candidate) => candidate.name === 'legacy-app');
    if (!image) throw new Error('legacy-app missing');
    const text = renderBuildWorkflow(image, loaded.state.settings);
    const files = Object.fromEntries(listFiles(g.state).map((file) => [file, read(join(g.state, file))]));
    const stateRepo = createBareRepo(join(g.root, 'state.git'), files);
    const workspace = join(g.root, 'ws-legacy');
    const run = await runBuild(text, {
      workspace,
      selfRepo: stateRepo,
      secrets: { IMAGE_FACTORY_GITLAB_TOKEN: GITLAB_TOKEN },
    });
    expect(run.failure).toBeUndefined();
    expect(server.seen.auth).toContain(`oauth2:${GITLAB_TOKEN}`);
    expect(read(join(workspace, 'source', 'config.ini'))).toBe('[server]\nport = 8000\n');
    expect(read(join(workspace, 'source', 'main.py'))).toBe('print("hello, patched")\n');
    // The clone kept no token, and its .git is gone before the build.
    expect(existsSync(join(workspace, 'source', '.git'))).toBe(false);
    expect(run.flag('--file')).toEqual(['state/local/legacy-app/Dockerfile']);
    expect(run.args.at(-1)).toBe('source');
    expect(existsSync(join(workspace, 'state', 'local', 'legacy-app', 'Dockerfile'))).toBe(true);
  });

  it('pinned: builds on the dispatched digests and names the final stage base that discovery found', async () => {
    const g = await generated();
    const python = `sha256:${'3'.repeat(64)}`;
    const busybox = `sha256:${'4'.repeat(64)}`;
    const pins = JSON.stringify({
      'docker.io/library/busybox:1.36': busybox,
      'docker.io/library/python:3.12-slim': python,
    });
    const run = await runBuild(read(join(g.state, '.github/workflows/build-worker.yml')), {
      workspace: join(g.root, 'ws-pinned'),
      selfRepo: g.stateRepo,
      repos: g.repos,
      inputs: { pins },
    });
    expect(run.failure).toBeUndefined();
    expect(run.flag('--build-context')).toEqual([
      `busybox:1.36=docker-image://docker.io/library/busybox:1.36@${busybox}`,
      `python:3.12-slim=docker-image://docker.io/library/python:3.12-slim@${python}`,
    ]);
    expect(run.flag('--annotation')).toEqual(
      expect.arrayContaining([
        'manifest:org.opencontainers.image.base.name=docker.io/library/python:3.12-slim',
        `manifest:org.opencontainers.image.base.digest=${python}`,
        `index:io.github.image-factory.pins=${pins}`,
      ]),
    );
  });

  it('fails the patch step when a patch does not apply', async () => {
    const g = await generated();
    pushFiles(g.repos['acme/platform-api'], { 'app/config.txt': 'port=1\n' }, 'drift');
    const run = await runBuild(read(join(g.state, '.github/workflows/build-platform-api.yml')), {
      workspace: join(g.root, 'ws-drift'),
      selfRepo: g.stateRepo,
      repos: g.repos,
      inputs: {},
    });
    expect(run.failure?.step).toBe('Apply patch 1 of 1');
    expect(run.failure?.stderr).toMatch(/patch failed: app\/config\.txt/);
  });
});

describe("the state repository's workflow, executed", () => {
  it('on push: commits the synthesized manifests when they changed, and not when they did not', async () => {
    const g = await generated();
    const stateRepo = g.stateRepo;
    const text = read(join(g.state, '.github/workflows/image-factory.yml'));
    const factorySteps = [
      'Check out image-factory',
      'Set up pnpm',
      'Set up Node.js',
      'Install and build image-factory',
      'Validate the state',
    ];
    const synth = (content: string) => (workspace: string) =>
      writeFiles(join(workspace, 'state'), { 'dist/image-factory.k8s.yaml': content });
    const push = await runWorkflow(text, {
      workspace: join(g.root, 'ws-push'),
      selfRepo: stateRepo,
      eventName: 'push',
      skip: [...factorySteps, 'Synthesize the manifests'],
      before: { 'Commit the manifests': synth('kind: Namespace\n') },
    });
    expect(push.failure).toBeUndefined();
    expect(push.ran).toContain('Commit the manifests');
    expect(showFile(stateRepo, 'dist/image-factory.k8s.yaml')).toBe('kind: Namespace\n');
    expect(commitInfo(stateRepo, 'main').subject).toBe(
      'image-factory: synthesize dist/image-factory.k8s.yaml',
    );
    const count = commitInfo(stateRepo, 'main');
    const again = await runWorkflow(text, {
      workspace: join(g.root, 'ws-push-2'),
      selfRepo: stateRepo,
      eventName: 'push',
      skip: [...factorySteps, 'Synthesize the manifests'],
      before: { 'Commit the manifests': synth('kind: Namespace\n') },
    });
    expect(again.failure).toBeUndefined();
    expect(commitInfo(stateRepo, 'main')).toEqual(count);
  });

  it('on a pull request: validates, synthesizes and shows what changes', async () => {
    const g = await generated();
    const text = read(join(g.state, '.github/workflows/image-factory.yml'));
    const { jobs } = parse(text) as { jobs: Record<string, { if: string; steps: { name: string }[] }> };
    expect(jobs.check?.if).toBe("github.event_name == 'pull_request'");
    expect(jobs.synth?.if).toBe("github.event_name != 'pull_request'");
    expect(jobs.check?.steps.map((step) => step.name)).toEqual([
      'Check out the state repository',
      'Check out image-factory',
      'Set up pnpm',
      'Set up Node.js',
      'Install and build image-factory',
      'Validate the state',
      'Synthesize the manifests',
      'Show what changes in the manifests',
    ]);
  });
});
