// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub and Kargo expressions are literal `${{ }}` strings
// Generated workflows: the contract with the rebuild Stages (inputs), settings, the version-bump
// script run for real, and security: no token in the build context, least permissions, and no
// state value where GitHub would evaluate it.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildWorkflowInputNames,
  FACTORY_RELEASE_TAG,
  FACTORY_REPOSITORY,
  GENERATED_WORKFLOW_MARKER,
  loadState,
  type ManagedImage,
  type Settings,
} from '@image-factory/state-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  BUILD_SCRIPT,
  branchFilter,
  expr,
  PINS_SCRIPT,
  renderBuildWorkflow,
  renderStateWorkflow,
  SIGN_SCRIPT,
  UnsafeWorkflowValueError,
  VERSION_SCRIPT,
} from '../src/lib/workflows.js';
import { GENERATE_IMAGES_YAML, GENERATE_SOURCES, generateStateFiles } from './helpers/generate-fixtures.js';
import {
  commitInfo,
  createBareRepo,
  listFiles,
  pushFiles,
  read,
  showFile,
  tempDir,
  writeFiles,
} from './helpers/git-repos.js';
import { type HttpGitServer, startHttpGitServer } from './helpers/http-git.js';
import {
  fakeDocker,
  type RunOptions,
  type RunResult,
  runScriptsWithExpressions,
  runWorkflow,
  snapshot,
  WORKFLOW_TOKEN,
} from './helpers/workflow-runner.js';

const scratch = tempDir('if-workflows');
const GITLAB_TOKEN = 'glpat-testTokenValue0123';
const SOURCE_TOKEN = 'ghp-sourceTokenValue4567';
let server: HttpGitServer;
beforeAll(async () => {
  server = await startHttpGitServer(join(scratch.dir, 'http'), {
    oauth2: GITLAB_TOKEN,
    'x-access-token': WORKFLOW_TOKEN,
  });
});
afterAll(async () => {
  await server.close();
  scratch.cleanup();
});
let n = 0;

async function load(settings = '', images = GENERATE_IMAGES_YAML, extra: Record<string, string> = {}) {
  const dir = join(scratch.dir, `state-${++n}`);
  writeFiles(dir, { ...generateStateFiles(settings), 'images.yaml': images, ...extra });
  const result = await loadState(dir);
  if (!result.ok) throw new Error(result.problems.map((problem) => problem.message).join('\n'));
  const image = (name: string) =>
    result.state.managedImages.find((candidate) => candidate.name === name) as ManagedImage;
  return { dir, state: result.state, image };
}

interface WorkflowStep {
  name: string;
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  run?: string;
}

interface WorkflowJob {
  name: string;
  if?: string;
  needs?: string;
  permissions: Record<string, string>;
  env?: Record<string, string>;
  steps: WorkflowStep[];
}

type Workflow = {
  name: string;
  'run-name'?: string;
  on: {
    workflow_dispatch: { inputs: Record<string, { type: string; default: string; options?: string[] }> };
    push?: { branches: string[] };
  };
  permissions: Record<string, string>;
  env?: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
};

function steps(workflow: Workflow, job = 'build'): WorkflowStep[] {
  return workflow.jobs[job]?.steps ?? [];
}

describe('build workflows', () => {
  it.each([
    ['worker', false],
    ['platform-api', true],
    ['legacy-app', false],
  ])('%s declares exactly the inputs the rebuild stage dispatches with', async (name, hasVersionFile) => {
    const { state, image } = await load();
    const text = renderBuildWorkflow(image(name), state.settings);
    expect(text.split('\n')[0]).toBe(GENERATED_WORKFLOW_MARKER);
    const workflow = parse(text) as Workflow;
    expect(Object.keys(workflow.on.workflow_dispatch.inputs)).toEqual([
      ...buildWorkflowInputNames(hasVersionFile),
    ]);
    if (hasVersionFile) {
      expect(workflow.on.workflow_dispatch.inputs.increment).toMatchObject({
        type: 'choice',
        default: 'patch',
        options: ['patch', 'minor', 'major', 'none'],
      });
    }
    expect(Object.keys(workflow.jobs)).toEqual(hasVersionFile ? ['build', 'release'] : ['build']);
    // User data reaches scripts only through env.
    expect(runScriptsWithExpressions(text)).toEqual([]);
    // The build sets up buildx, logs in, pins, and builds and pushes with its own script.
    expect(steps(workflow).map((step) => step.uses)).toEqual(
      expect.arrayContaining(['docker/setup-buildx-action@v3', 'docker/login-action@v3']),
    );
    expect(workflow.on.workflow_dispatch.inputs.pins).toMatchObject({ type: 'string', default: '' });
    const pins = steps(workflow).find((step) => step.id === 'pins');
    expect(pins?.env).toEqual({ PINS: expr('inputs.pins') });
    expect(pins?.run).toBe(PINS_SCRIPT);
    expect(steps(workflow).find((step) => step.id === 'build')?.run).toBe(BUILD_SCRIPT);
  });

  it('keeps a branch or path that looks like shell code out of every script', async () => {
    const images = GENERATE_IMAGES_YAML.replace(
      '    patchFiles:\n      - patches/0001-port.patch',
      '    patchFiles:\n      - "patches/$(touch pwned).patch"',
    );
    const { state, image } = await load('', images, {
      'local/platform-api/patches/$(touch pwned).patch': '',
    });
    const text = renderBuildWorkflow(image('platform-api'), state.settings);
    const step = steps(parse(text) as Workflow).find((candidate) => candidate.name?.startsWith('Apply '));
    expect(step?.env).toEqual({ PATCH_FILE: 'local/platform-api/patches/$(touch pwned).patch' });
    expect(step?.run).toBe(
      'git apply --verbose --whitespace=nowarn -- "$GITHUB_WORKSPACE/state/$PATCH_FILE"\n',
    );
  });

  it('follows the settings: GitHub Enterprise checkout, GitLab clone URL, registry credentials', async () => {
    const { state, image } = await load(
      'github:\n  url: https://github.example.com/\ngitlab:\n  url: https://gitlab.example.com\n',
    );
    const worker = parse(renderBuildWorkflow(image('worker'), state.settings)) as Workflow;
    expect(worker.jobs.build?.env).toMatchObject({
      SOURCE_REPOSITORY: 'acme/platform',
      SOURCE_BRANCH: 'main',
      SOURCE_SERVER_URL: 'https://github.example.com',
      SOURCE_URL: 'https://github.example.com/acme/platform',
    });
    const checkout = steps(worker).find((step) => step.id === 'source');
    expect(checkout?.with).toMatchObject({
      repository: expr('env.SOURCE_REPOSITORY'),
      ref: expr('env.SOURCE_BRANCH'),
      'github-server-url': expr('env.SOURCE_SERVER_URL'),
      path: 'source',
    });
    const legacy = parse(renderBuildWorkflow(image('legacy-app'), state.settings)) as Workflow;
    expect(legacy.jobs.build?.env).toMatchObject({
      CLONE_URL: 'https://gitlab.example.com/acme/legacy/app.git',
      SOURCE_ORIGIN: 'https://gitlab.example.com',
      SOURCE_BRANCH: 'release/2.x',
    });
    const clone = steps(legacy).find((step) => step.name?.includes('from GitLab'));
    expect(clone?.env).toEqual({ GITLAB_TOKEN: expr('secrets.IMAGE_FACTORY_GITLAB_TOKEN') });
    const login = steps(legacy).find((step) => step.uses === 'docker/login-action@v3');
    expect(login?.with).toEqual({
      registry: expr('env.REGISTRY'),
      username: expr('secrets.IMAGE_FACTORY_REGISTRY_USERNAME'),
      password: expr('secrets.IMAGE_FACTORY_REGISTRY_PASSWORD'),
    });
  });

  it('is deterministic', async () => {
    const { state, image } = await load();
    expect(renderBuildWorkflow(image('platform-api'), state.settings)).toBe(
      renderBuildWorkflow(image('platform-api'), state.settings),
    );
  });
});

describe('the state workflow', () => {
  it('runs on the state branch, checks on pull requests and commits the output path on pushes', async () => {
    const { state } = await load(
      'stateRepo:\n  branch: production\noutput: manifests/all.yaml\nstateWorkflow:\n  factory:\n    repository: acme/image-factory\n    ref: v1.2.3\n',
    );
    const text = renderStateWorkflow(state.settings);
    const workflow = parse(text);
    expect(text.split('\n')[0]).toBe(GENERATED_WORKFLOW_MARKER);
    expect(workflow.on).toEqual({
      push: { branches: ['production'] },
      pull_request: { branches: ['production'] },
      workflow_dispatch: {},
    });
    expect(workflow.env).toEqual({
      IMAGE_FACTORY_REPOSITORY: 'acme/image-factory',
      IMAGE_FACTORY_REF: 'v1.2.3',
    });
    expect(workflow.jobs.synth.env).toEqual({ OUTPUT: 'manifests/all.yaml' });
    const check = workflow.jobs.check.steps as { name: string; run?: string }[];
    expect(check.find((step) => step.name === 'Synthesize the manifests')?.run).toBe(
      'pnpm --silent synth --state-dir "$GITHUB_WORKSPACE/state" --out "$RUNNER_TEMP/image-factory.k8s.yaml"\n',
    );
    expect(runScriptsWithExpressions(text)).toEqual([]);
  });

  it.each([
    ['main', 'main'],
    ['release/2.x', 'release/2.x'],
    ['release+1', 'release\\+1'],
    ['!main', '\\!main'],
    ['a]b', 'a\\]b'],
  ])('filters on branch %j exactly (pattern %j)', async (branch, pattern) => {
    expect(branchFilter(branch)).toBe(pattern);
    const { state } = await load(`stateRepo:\n  branch: ${JSON.stringify(branch)}\n`);
    expect((parse(renderStateWorkflow(state.settings)) as Workflow).on.push?.branches).toEqual([pattern]);
  });
});

/** Steps of the state workflow that need the network or a built image-factory: not run here. */
const SKIPPED = [
  'Check out image-factory',
  'Set up pnpm',
  'Set up Node.js',
  'Install and build image-factory',
  'Validate the state',
  'Synthesize the manifests',
];

describe('the state workflow on a pull request', () => {
  /** Runs job `check` with a `pnpm` that prints `output` and exits with `code` (what synth --check does). */
  async function runCheck(output: string, code: number) {
    const loaded = await load();
    const files = Object.fromEntries(
      listFiles(loaded.dir).map((file) => [file, read(join(loaded.dir, file))]),
    );
    const bare = createBareRepo(join(scratch.dir, `pr-state-${++n}.git`), files);
    const workspace = join(scratch.dir, `ws-${++n}`);
    const bin = join(scratch.dir, `bin-${n}`);
    const temp = join(scratch.dir, `temp-${n}`);
    mkdirSync(temp, { recursive: true });
    writeFiles(bin, {
      pnpm: `#!/bin/bash\nprintf '%s\\n' "$*" >> "${temp}/pnpm-calls"\nprintf '%s' "$FAKE_OUTPUT"\nexit "$FAKE_CODE"\n`,
    });
    execFileSync('chmod', ['+x', join(bin, 'pnpm')]);
    const summary = join(temp, 'summary.md');
    writeFileSync(summary, '');
    const run = await runWorkflow(renderStateWorkflow(loaded.state.settings), {
      workspace,
      selfRepo: bare,
      eventName: 'pull_request',
      skip: SKIPPED,
      env: {
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        RUNNER_TEMP: temp,
        GITHUB_STEP_SUMMARY: summary,
        FAKE_OUTPUT: output,
        FAKE_CODE: String(code),
      },
      before: {
        'Show what changes in the manifests': (ws) => mkdirSync(join(ws, 'factory'), { recursive: true }),
      },
    });
    return { run, summary: read(summary), calls: read(join(temp, 'pnpm-calls')) };
  }

  it('out-of-date manifests are shown in the job summary, not a failure', async () => {
    const report =
      'dist/image-factory.k8s.yaml is out of date:\n  + Warehouse/[x](https://evil.example) (new)\n  (1 new, 0 removed, 0 changed)\nrun pnpm synth to update it\n';
    const { run, summary, calls } = await runCheck(report, 1);
    expect(run.failure).toBeUndefined();
    expect(run.jobs).toEqual(['check']);
    expect(calls).toContain('--silent synth --state-dir');
    expect(calls).toContain('--check');
    expect(summary).toContain('Merging this pull request changes the manifests');
    // The report is an indented code block: text from the state is never Markdown there.
    expect(summary).toContain(
      '\n    dist/image-factory.k8s.yaml is out of date:\n      + Warehouse/[x](https://evil.example) (new)\n',
    );
  });

  it('up-to-date manifests say so', async () => {
    const { run, summary } = await runCheck('dist/image-factory.k8s.yaml is up to date (7 objects)\n', 0);
    expect(run.failure).toBeUndefined();
    expect(summary).toContain('The committed manifests are what this state synthesizes to.');
    expect(summary).toContain('    dist/image-factory.k8s.yaml is up to date (7 objects)');
  });

  it('a usage error of synth fails the step and writes no summary', async () => {
    const { run, summary } = await runCheck('error: Unknown option --check\n', 2);
    expect(run.failure).toMatchObject({ job: 'check', step: 'Show what changes in the manifests' });
    expect(summary).toBe('');
  });

  it('checks out the release of the CLI by default, never a moving branch', async () => {
    const { state } = await load();
    const workflow = parse(renderStateWorkflow(state.settings)) as Workflow;
    expect(workflow.env).toEqual({
      IMAGE_FACTORY_REPOSITORY: FACTORY_REPOSITORY,
      IMAGE_FACTORY_REF: FACTORY_RELEASE_TAG,
    });
    expect(FACTORY_RELEASE_TAG).toMatch(/^@image-factory\/analyzer-cli@\d+\.\d+\.\d+/);
  });
});

describe('the version script', () => {
  function bump(
    current: string,
    increment: string,
    suffix: string,
  ): Promise<{ code: number; output: string; file: string; stdout: string }> {
    const dir = join(scratch.dir, `bump-${++n}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'VERSION'), current);
    writeFileSync(join(dir, 'out'), '');
    return new Promise((resolve) => {
      execFile(
        'bash',
        ['--noprofile', '--norc', '-eo', 'pipefail', '-c', VERSION_SCRIPT],
        {
          cwd: dir,
          env: {
            PATH: process.env.PATH,
            VERSION_FILE: 'VERSION',
            INCREMENT: increment,
            SUFFIX: suffix,
            GITHUB_OUTPUT: join(dir, 'out'),
          },
          encoding: 'utf8',
        },
        (error, stdout) =>
          resolve({
            code: error ? Number(error.code) : 0,
            output: readFileSync(join(dir, 'out'), 'utf8'),
            file: readFileSync(join(dir, 'VERSION'), 'utf8'),
            stdout,
          }),
      );
    });
  }

  it.each([
    ['1.4.2\n', 'patch', '', '1.4.3', '1.4.2'],
    ['1.4.2\n', '', '', '1.4.3', '1.4.2'],
    ['1.4.2', 'minor', '', '1.5.0', '1.4.2'],
    ['1.4.2', 'major', '', '2.0.0', '1.4.2'],
    ['v1.4.2\n', 'patch', '', 'v1.4.3', 'v1.4.2'],
    ['1.4.2-rc1\n', 'patch', '', '1.4.3', '1.4.2-rc1'],
    ['1.4.2', 'none', '-hotfix.1', '1.4.2-hotfix.1', '1.4.2'],
    ['1.08.09', 'patch', '', '1.8.10', '1.08.09'],
    [' 2.0.0 \n', 'minor', '_b', '2.1.0_b', '2.0.0'],
  ])('%j + %s + %j -> %s', async (current, increment, suffix, expected, previous) => {
    const result = await bump(current, increment, suffix);
    expect(result.code).toBe(0);
    expect(result.output).toBe(`version=${expected}\nchanged=true\nprevious=${previous}\n`);
    // The build job only reads the file: the release job writes it once the image is pushed.
    expect(result.file).toBe(current);
  });

  it('reports no change when the version stays', async () => {
    const result = await bump('1.4.2\n', 'none', '');
    expect(result.output).toBe('version=1.4.2\nchanged=false\nprevious=1.4.2\n');
    expect(result.file).toBe('1.4.2\n');
  });

  it.each([
    ['latest\n', 'patch', '', "VERSION does not hold a version major.minor.patch (got 'latest')"],
    ['1.2\n', 'patch', '', 'does not hold a version'],
    ['1.2.3', 'huge', '', "increment must be patch, minor, major or none (got 'huge')"],
    ['1.2.3', 'patch', '/../x', "suffix may hold only letters, digits, '.', '_' and '-' (got '/../x')"],
    ['1.2.3', 'patch', '$(id)', 'suffix may hold only'],
  ])('fails on %j / %s / %j', async (current, increment, suffix, message) => {
    const result = await bump(current, increment, suffix);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(message);
    expect(result.output).toBe('');
    expect(result.file).toBe(current);
  });
});

/** Every way a token can be written down: as is, and as actions/checkout's basic credential. */
function tokenForms(token: string): string[] {
  return [token, Buffer.from(`x-access-token:${token}`).toString('base64')];
}

/** Runs a build workflow with a fake `docker` that records the build's arguments and context. */
async function runBuild(text: string, options: RunOptions) {
  const docker = fakeDocker(join(scratch.dir, `docker-${++n}`));
  const path = `${docker.bin}:${options.env?.PATH ?? process.env.PATH ?? ''}`;
  const run = await runWorkflow(text, { ...options, env: { ...options.env, PATH: path } });
  return { ...run, docker };
}

/** The build's context files that hold one of the tokens, and whether `.git` is part of it. */
function leaks(
  run: RunResult & { docker: ReturnType<typeof fakeDocker> },
  tokens: readonly string[],
): { files: string[]; git: boolean } {
  if (!existsSync(run.docker.context)) throw new Error('no build ran');
  const context = snapshot(run.docker.context);
  const forms = tokens.flatMap(tokenForms);
  const files = [...context]
    .filter(([, content]) => forms.some((form) => content.includes(form)))
    .map(([path]) => path);
  return { files, git: [...context.keys()].some((path) => path.split('/').includes('.git')) };
}

/** Files under `dir` (any depth, dot-files included) that hold one of the tokens. */
function filesHolding(dir: string, tokens: readonly string[]): string[] {
  const forms = tokens.flatMap(tokenForms);
  return listFiles(dir).filter((file) => forms.some((form) => read(join(dir, file)).includes(form)));
}

/** Every string of a parsed workflow with its path. */
function strings(
  value: unknown,
  path: (string | number)[] = [],
): { path: (string | number)[]; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => strings(item, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [
      ...strings(key, [...path, `<key ${key}>`]),
      ...strings(item, [...path, key]),
    ]);
  }
  return [];
}

describe('security', () => {
  /** A state repository with every build mode, as a bare repository on disk or on the HTTP server. */
  async function stateRepo(settings = '', overHttp = false) {
    const loaded = await load(settings);
    const files = Object.fromEntries(
      listFiles(loaded.dir).map((file) => [file, read(join(loaded.dir, file))]),
    );
    const name = `state-${++n}.git`;
    const bare = createBareRepo(join(overHttp ? join(scratch.dir, 'http') : scratch.dir, name), files);
    return { ...loaded, bare, url: overHttp ? `${server.url}/${name}` : bare };
  }

  function sourceRepos() {
    const root = join(scratch.dir, `sources-${++n}`);
    return {
      'acme/platform': createBareRepo(join(root, 'platform.git'), GENERATE_SOURCES['github/acme/platform']),
      'acme/platform-api': createBareRepo(
        join(root, 'platform-api.git'),
        GENERATE_SOURCES['github/acme/platform-api'],
      ),
    };
  }

  describe('no token reaches the build context (runs of the generated workflows)', () => {
    it.each(['worker', 'platform-api'])(
      '%s: the checkouts keep no token, and the context the Dockerfile sees has no .git',
      async (name) => {
        const { state, image, url } = await stateRepo();
        const workspace = join(scratch.dir, `ws-${++n}`);
        const run = await runBuild(renderBuildWorkflow(image(name), state.settings), {
          workspace,
          selfRepo: url,
          repos: sourceRepos(),
          secrets: { IMAGE_FACTORY_SOURCE_TOKEN: SOURCE_TOKEN },
          inputs: { increment: 'patch' },
        });
        expect(run.failure).toBeUndefined();
        // `COPY . .` copies exactly this: no file with a token, no git metadata.
        expect(leaks(run, [SOURCE_TOKEN, WORKFLOW_TOKEN])).toEqual({ files: [], git: false });
        // Nor anything else the job left on disk (the state checkout included).
        expect(filesHolding(workspace, [SOURCE_TOKEN, WORKFLOW_TOKEN])).toEqual([]);
        expect(existsSync(join(workspace, 'state', '.git'))).toBe(true);
      },
    );

    it('GitLab: the token reaches the GitLab server through a credential helper, and nothing in the context', async () => {
      const { state, image, url } = await stateRepo(`gitlab:\n  url: ${server.url}/gitlab\n`);
      createBareRepo(
        join(scratch.dir, 'http', 'gitlab', 'acme', 'legacy', 'app.git'),
        GENERATE_SOURCES['gitlab/acme/legacy/app'],
        'release/2.x',
      );
      const workspace = join(scratch.dir, `ws-${++n}`);
      const seen = server.seen.auth.length;
      const run = await runBuild(renderBuildWorkflow(image('legacy-app'), state.settings), {
        workspace,
        selfRepo: url,
        secrets: { IMAGE_FACTORY_GITLAB_TOKEN: GITLAB_TOKEN },
      });
      expect(run.failure).toBeUndefined();
      expect(server.seen.auth.slice(seen)).toContain(`oauth2:${GITLAB_TOKEN}`);
      expect(leaks(run, [GITLAB_TOKEN, WORKFLOW_TOKEN])).toEqual({ files: [], git: false });
      expect(filesHolding(workspace, [GITLAB_TOKEN, WORKFLOW_TOKEN])).toEqual([]);
    });

    it('GitLab: the token is offered to the GitLab server only, not to a source URL on another host', async () => {
      const { state, image, url } = await stateRepo(`gitlab:\n  url: ${server.url}/gitlab\n`);
      const text = renderBuildWorkflow(image('legacy-app'), state.settings).replace(
        `CLONE_URL: ${server.url}/gitlab/`,
        `CLONE_URL: ${server.url.replace('127.0.0.1', 'localhost')}/gitlab/`,
      );
      const seen = { auth: server.seen.auth.length, paths: server.seen.paths.length };
      const run = await runBuild(text, {
        workspace: join(scratch.dir, `ws-${++n}`),
        selfRepo: url,
        secrets: { IMAGE_FACTORY_GITLAB_TOKEN: GITLAB_TOKEN },
      });
      expect(run.failure?.step).toBe('Check out the source from GitLab');
      // The request reached the server (as "localhost"), without credentials.
      expect(server.seen.paths.slice(seen.paths)).toContain(
        '/gitlab/acme/legacy/app.git/info/refs?service=git-upload-pack',
      );
      expect(server.seen.auth.slice(seen.auth)).toEqual([]);
    });
  });

  describe('pinned builds (runs of the generated workflows)', () => {
    const PYTHON = `sha256:${'1'.repeat(64)}`;
    const TOOLS = `sha256:${'2'.repeat(64)}`;

    it('builds on the dispatched pins, with attestations and annotations on index and manifest', async () => {
      const { state, image, bare } = await stateRepo();
      const pins = JSON.stringify({
        'docker.io/library/python:3.12-slim': PYTHON,
        'ghcr.io/acme/tools:2': TOOLS,
      });
      const workspace = join(scratch.dir, `ws-${++n}`);
      const run = await runBuild(
        renderBuildWorkflow(image('worker'), state.settings, {
          finalBase: 'docker.io/library/python:3.12-slim',
        }),
        { workspace, selfRepo: bare, repos: sourceRepos(), inputs: { pins, reason: 'python changed' } },
      );
      expect(run.failure).toBeUndefined();
      const args = run.docker.args();
      expect(args.slice(0, 2)).toEqual(['buildx', 'build']);
      expect(args.at(-1)).toBe('source');
      const pairs = (flag: string) => args.flatMap((arg, i) => (args[i - 1] === flag ? [arg] : []));
      expect(pairs('--build-context')).toEqual([
        `python:3.12-slim=docker-image://docker.io/library/python:3.12-slim@${PYTHON}`,
        `ghcr.io/acme/tools:2=docker-image://ghcr.io/acme/tools:2@${TOOLS}`,
      ]);
      expect(pairs('--annotation')).toEqual([
        `index:io.github.image-factory.pins=${pins}`,
        `manifest:io.github.image-factory.pins=${pins}`,
        'index:org.opencontainers.image.base.name=docker.io/library/python:3.12-slim',
        `index:org.opencontainers.image.base.digest=${PYTHON}`,
        'manifest:org.opencontainers.image.base.name=docker.io/library/python:3.12-slim',
        `manifest:org.opencontainers.image.base.digest=${PYTHON}`,
      ]);
      expect(args).toEqual(expect.arrayContaining(['--sbom=true', '--provenance=mode=max', '--push']));
      expect(pairs('--tag')).toEqual([expect.stringMatching(/^ghcr\.io\/acme\/worker:sha-[0-9a-f]{12}-7$/)]);
      expect(pairs('--file')).toEqual(['source/worker/Dockerfile']);
      expect(run.outputs.build?.outputs).toEqual({ digest: `sha256:${'0'.repeat(64)}` });
      expect(read(join(workspace, '.step-summary'))).toContain('### Pinned build');
    });

    it('a manual dispatch without pins builds unpinned and says so in the job summary', async () => {
      const { state, image, bare } = await stateRepo();
      const workspace = join(scratch.dir, `ws-${++n}`);
      const run = await runBuild(renderBuildWorkflow(image('worker'), state.settings), {
        workspace,
        selfRepo: bare,
        repos: sourceRepos(),
      });
      expect(run.failure).toBeUndefined();
      const args = run.docker.args();
      expect(args.some((arg) => arg === '--build-context' || arg === '--annotation')).toBe(false);
      expect(args).toEqual(expect.arrayContaining(['--sbom=true', '--provenance=mode=max']));
      expect(read(join(workspace, '.step-summary'))).toContain('### Unpinned build');
    });

    it('refuses hostile pins before anything is built', async () => {
      const { state, image, bare } = await stateRepo();
      const run = await runBuild(renderBuildWorkflow(image('worker'), state.settings), {
        workspace: join(scratch.dir, `ws-${++n}`),
        selfRepo: bare,
        repos: sourceRepos(),
        inputs: { pins: `{"ghcr.io/a/b:1; touch pwned": "${PYTHON}"}` },
      });
      expect(run.failure).toMatchObject({ job: 'build', step: 'Pin the base images' });
      expect(run.failure?.stdout).toContain('is not a normalized image reference');
      expect(existsSync(run.docker.context)).toBe(false);
    });

    it('build.sign: a separate job signs the pushed digest keylessly, with id-token: write only there', async () => {
      const { state, image, bare } = await stateRepo('build:\n  sign: true\n');
      const text = renderBuildWorkflow(image('worker'), state.settings);
      const workflow = parse(text) as Workflow;
      expect(workflow.jobs.build?.permissions).toEqual({ contents: 'read', packages: 'write' });
      expect(workflow.jobs.sign).toMatchObject({
        needs: 'build',
        permissions: { 'id-token': 'write', packages: 'write' },
      });
      expect(steps(workflow, 'sign').map((step) => step.uses ?? step.run)).toEqual([
        'sigstore/cosign-installer@v3',
        'docker/login-action@v3',
        SIGN_SCRIPT,
      ]);
      const dir = join(scratch.dir, `cosign-${++n}`);
      writeFiles(dir, {
        'bin/cosign': `#!/bin/bash\nprintf '%s\\n' "$@" > ${JSON.stringify(join(dir, 'args'))}\n`,
      });
      execFileSync('chmod', ['+x', join(dir, 'bin', 'cosign')]);
      const run = await runBuild(text, {
        workspace: join(scratch.dir, `ws-${++n}`),
        selfRepo: bare,
        repos: sourceRepos(),
        env: { PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}` },
      });
      expect(run.failure).toBeUndefined();
      expect(run.jobs).toEqual(['build', 'sign']);
      expect(read(join(dir, 'args'))).toBe(`sign\n--yes\nghcr.io/acme/worker@sha256:${'0'.repeat(64)}\n`);
      // Without the setting there is no signing job.
      const { state: plain } = await load();
      expect(
        Object.keys((parse(renderBuildWorkflow(image('worker'), plain.settings)) as Workflow).jobs),
      ).toEqual(['build']);
    });
  });

  describe('pushes authenticate explicitly, for the GitHub server only', () => {
    it('release: commits the version over authenticated HTTP with the job token, leaving it nowhere', async () => {
      const { state, image, url, bare } = await stateRepo('', true);
      const workspace = join(scratch.dir, `ws-${++n}`);
      let seen = Number.POSITIVE_INFINITY;
      const run = await runBuild(renderBuildWorkflow(image('platform-api'), state.settings), {
        workspace,
        selfRepo: url,
        serverUrl: server.url,
        repos: sourceRepos(),
        inputs: { increment: 'minor' },
        before: {
          'Commit the version': () => {
            seen = server.seen.auth.length;
          },
        },
      });
      expect(run.failure).toBeUndefined();
      expect(run.jobs).toEqual(['build', 'release']);
      expect(showFile(bare, 'local/platform-api/VERSION')).toBe('1.5.0\n');
      expect(commitInfo(bare, 'main').subject).toBe('image-factory: release platform-api 1.5.0');
      expect(server.seen.auth.slice(seen)).toContain(`x-access-token:${WORKFLOW_TOKEN}`);
      for (const dir of [workspace, `${workspace}-release`]) {
        expect(filesHolding(dir, [WORKFLOW_TOKEN])).toEqual([]);
      }
    });

    it('release: the token is not offered when the repository is not on the GitHub server', async () => {
      const { state, image, url } = await stateRepo('', true);
      const seen = { auth: Number.POSITIVE_INFINITY, paths: Number.POSITIVE_INFINITY };
      const run = await runBuild(renderBuildWorkflow(image('platform-api'), state.settings), {
        workspace: join(scratch.dir, `ws-${++n}`),
        selfRepo: url,
        serverUrl: 'https://github.invalid',
        repos: sourceRepos(),
        inputs: { increment: 'minor' },
        before: {
          'Commit the version': () => {
            seen.auth = server.seen.auth.length;
            seen.paths = server.seen.paths.length;
          },
        },
      });
      expect(run.failure).toMatchObject({ job: 'release', step: 'Commit the version' });
      // The push reached the server without credentials, and was refused.
      expect(server.seen.paths.slice(seen.paths).some((path) => path.includes('git-receive-pack'))).toBe(
        true,
      );
      expect(server.seen.auth.slice(seen.auth)).toEqual([]);
    });

    it('release: refuses to overwrite a version file changed during the build', async () => {
      const { state, image, bare } = await stateRepo();
      const run = await runBuild(renderBuildWorkflow(image('platform-api'), state.settings), {
        workspace: join(scratch.dir, `ws-${++n}`),
        selfRepo: bare,
        repos: sourceRepos(),
        inputs: { increment: 'patch' },
        before: {
          'Set up Docker Buildx': () =>
            pushFiles(bare, { 'local/platform-api/VERSION': '2.0.0\n' }, 'a hand-made release'),
        },
      });
      expect(run.failure).toMatchObject({ job: 'release', step: 'Commit the version' });
      expect(run.failure?.stdout).toContain(
        "::error::local/platform-api/VERSION changed during the build (it held '1.4.2', now '2.0.0'): not overwriting it with 1.4.3",
      );
      expect(showFile(bare, 'local/platform-api/VERSION')).toBe('2.0.0\n');
    });

    it('state workflow: commits the manifests over authenticated HTTP with the job token, leaving it nowhere', async () => {
      const { state, url, bare } = await stateRepo('', true);
      const workspace = join(scratch.dir, `ws-${++n}`);
      let seen = Number.POSITIVE_INFINITY;
      const run = await runWorkflow(renderStateWorkflow(state.settings), {
        workspace,
        selfRepo: url,
        serverUrl: server.url,
        eventName: 'push',
        skip: SKIPPED,
        before: {
          'Commit the manifests': (ws) => {
            writeFiles(join(ws, 'state'), { 'dist/image-factory.k8s.yaml': 'kind: Namespace\n' });
            seen = server.seen.auth.length;
          },
        },
      });
      expect(run.failure).toBeUndefined();
      expect(run.jobs).toEqual(['synth']);
      expect(server.seen.auth.slice(seen)).toContain(`x-access-token:${WORKFLOW_TOKEN}`);
      expect(showFile(bare, 'dist/image-factory.k8s.yaml')).toBe('kind: Namespace\n');
      expect(filesHolding(workspace, [WORKFLOW_TOKEN])).toEqual([]);
    });
  });

  describe('least permissions', () => {
    it('build workflows: none by default; the build job reads (and writes packages on ghcr.io only); only the release job writes the repository', async () => {
      const { state, image } = await load();
      const permissions = (name: string) => {
        const workflow = parse(renderBuildWorkflow(image(name), state.settings)) as Workflow;
        return {
          workflow: workflow.permissions,
          ...Object.fromEntries(Object.entries(workflow.jobs).map(([id, job]) => [id, job.permissions])),
        };
      };
      expect(permissions('worker')).toEqual({
        workflow: {},
        build: { contents: 'read', packages: 'write' },
      });
      expect(permissions('platform-api')).toEqual({
        workflow: {},
        build: { contents: 'read' },
        release: { contents: 'write' },
      });
      expect(permissions('legacy-app')).toEqual({ workflow: {}, build: { contents: 'read' } });
    });

    it('state workflow: pull requests are checked with read access; only the push job writes', async () => {
      const { state } = await load();
      const workflow = parse(renderStateWorkflow(state.settings)) as Workflow;
      expect(workflow.permissions).toEqual({});
      expect(workflow.jobs.check).toMatchObject({
        if: "github.event_name == 'pull_request'",
        permissions: { contents: 'read' },
      });
      expect(workflow.jobs.synth).toMatchObject({
        if: "github.event_name != 'pull_request'",
        permissions: { contents: 'write' },
      });
      expect(JSON.stringify(workflow.jobs.check)).not.toContain('github.token');
    });

    it('every checkout of every generated workflow has persist-credentials: false', async () => {
      const { state, image } = await load();
      const texts = [
        ...['worker', 'platform-api', 'legacy-app'].map((name) =>
          renderBuildWorkflow(image(name), state.settings),
        ),
        renderStateWorkflow(state.settings),
      ];
      const checkouts = texts
        .flatMap((text) => Object.values((parse(text) as Workflow).jobs))
        .flatMap((job) => job.steps)
        .filter((step) => step.uses?.startsWith('actions/checkout@'));
      expect(checkouts.length).toBe(10);
      for (const step of checkouts) expect(step.with?.['persist-credentials']).toBe(false);
    });
  });

  describe('state values reach a workflow only through env', () => {
    // Every state value the generator uses carries "zz": wherever "zz" appears, a state value is.
    const MARKED_IMAGES = `- name: zz-api
  registry: zz-registry.example.com
  repository: zz/api
  source:
    repo: zz-owner/zz-repo
    branch: zz-branch
    dockerfile: zz-dir/Dockerfile
  local:
    dir: zz-local
    patchFiles: [zz-1.patch, zz-2.patch]
    versionFile: zz-VERSION
    dockerfile: zz-Dockerfile
- name: zz-lab
  registry: ghcr.io
  repository: zz/lab
  source: {provider: gitlab, repo: zz-group/zz-sub/zz-lab, branch: zz-lab-branch, dockerfile: zz.Dockerfile}
`;
    const MARKED_SETTINGS =
      'github:\n  url: https://zz-github.example.com\ngitlab:\n  url: https://zz-gitlab.example.com/zz\nstateRepo:\n  branch: zz-state\noutput: zz-dist/all.yaml\nstateWorkflow:\n  factory:\n    repository: zz-org/zz-factory\n    ref: zz-ref\n';

    it('nowhere but in env values (and the workflow name, which GitHub does not evaluate)', async () => {
      const { state, image } = await load(MARKED_SETTINGS, MARKED_IMAGES, {
        'zz-local/zz-1.patch': '',
        'zz-local/zz-2.patch': '',
        'zz-local/zz-VERSION': '1.0.0\n',
        'zz-local/zz-Dockerfile': 'FROM scratch\n',
      });
      const texts = [
        renderBuildWorkflow(image('zz-api'), state.settings),
        renderBuildWorkflow(image('zz-lab'), state.settings),
        renderStateWorkflow(state.settings),
      ];
      const outside = texts.flatMap((text) =>
        strings(parse(text))
          .filter(({ text: value }) => value.includes('zz'))
          .filter(({ path }) => path.at(-2) !== 'env' && path.join('.') !== 'name')
          // Branch filters are patterns, never evaluated.
          .filter(({ path }) => path[0] !== 'on')
          .map(({ path, text: value }) => `${path.join('.')}: ${value}`),
      );
      expect(outside).toEqual([]);
      // ... and they are all there, in env.
      const env = texts.flatMap((text) =>
        strings(parse(text))
          .filter(({ path }) => path.at(-2) === 'env')
          .map(({ text: value }) => value),
      );
      expect(env).toEqual(
        expect.arrayContaining([
          'zz-registry.example.com/zz/api',
          'zz-registry.example.com',
          'state/zz-local/zz-Dockerfile',
          'zz-owner/zz-repo',
          'zz-branch',
          'https://zz-github.example.com/zz-owner/zz-repo',
          'https://zz-github.example.com',
          'zz-local/zz-1.patch',
          'zz-local/zz-2.patch',
          'state/zz-local/zz-VERSION',
          'zz-local/zz-VERSION',
          'zz-api',
          'https://zz-gitlab.example.com/zz/zz-group/zz-sub/zz-lab.git',
          'https://zz-gitlab.example.com',
          'zz-lab-branch',
          'zz-dist/all.yaml',
          'zz-org/zz-factory',
          'zz-ref',
        ]),
      );
    });

    const EXPRESSION = '${{ secrets.IMAGE_FACTORY_REGISTRY_PASSWORD }}';
    type Tamper = (image: ManagedImage, settings: Settings) => [ManagedImage, Settings];
    const cases: [string, string, Tamper][] = [
      ['source.branch', 'platform-api', (i, s) => [{ ...i, source: { ...i.source, branch: EXPRESSION } }, s]],
      [
        'source.repo',
        'platform-api',
        (i, s) => [{ ...i, source: { ...i.source, repo: `a/${EXPRESSION}` } }, s],
      ],
      [
        'source.dockerfile',
        'platform-api',
        (i, s) => [{ ...i, source: { ...i.source, dockerfile: `${EXPRESSION}/Dockerfile` } }, s],
      ],
      [
        'local.patchFiles[0]',
        'platform-api',
        (i, s) => [{ ...i, local: { dir: 'l', patchFiles: [`${EXPRESSION}.patch`] } }, s],
      ],
      [
        'local.versionFile',
        'platform-api',
        (i, s) => [{ ...i, local: { dir: 'l', patchFiles: [], versionFile: '${% x %}' } }, s],
      ],
      [
        'local.dockerfile',
        'legacy-app',
        (i, s) => [{ ...i, local: { dir: 'l', patchFiles: [], dockerfile: EXPRESSION } }, s],
      ],
      [
        'registry',
        'platform-api',
        (i, s) => [{ ...i, reference: { ...i.reference, registry: EXPRESSION } }, s],
      ],
      [
        'repository',
        'platform-api',
        (i, s) => [{ ...i, reference: { ...i.reference, name: EXPRESSION } }, s],
      ],
      ['name', 'platform-api', (i, s) => [{ ...i, name: EXPRESSION }, s]],
      [
        'github.url (image-factory.yaml)',
        'platform-api',
        (i, s) => [i, { ...s, github: { ...s.github, url: `https://x/${EXPRESSION}` } }],
      ],
      [
        'gitlab.url (image-factory.yaml)',
        'legacy-app',
        (i, s) => [i, { ...s, gitlab: { ...s.gitlab, url: `https://x/${EXPRESSION}` } }],
      ],
    ];

    it.each(cases)(
      'the build workflow generator refuses an expression in %s (second line of defence)',
      async (field, name, tamper) => {
        const { state, image } = await load();
        const [tampered, settings] = tamper(image(name), state.settings);
        let thrown: unknown;
        try {
          renderBuildWorkflow(tampered, settings);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(UnsafeWorkflowValueError);
        expect(thrown).toMatchObject({ image: tampered.name, field, exitCode: 1 });
        expect((thrown as Error).message).toContain(`${field} contains "$\{`);
      },
    );

    it.each([
      [
        'stateRepo.branch (image-factory.yaml)',
        (s: Settings) => ({ ...s, stateRepo: { ...s.stateRepo, branch: EXPRESSION } }),
      ],
      ['output (image-factory.yaml)', (s: Settings) => ({ ...s, output: EXPRESSION })],
      [
        'stateWorkflow.factory.repository (image-factory.yaml)',
        (s: Settings) => ({ ...s, stateWorkflow: { factory: { repository: EXPRESSION, ref: 'main' } } }),
      ],
      [
        'stateWorkflow.factory.ref (image-factory.yaml)',
        (s: Settings) => ({ ...s, stateWorkflow: { factory: { repository: 'a/b', ref: '${% x %}' } } }),
      ],
    ])('the state workflow generator refuses an expression in %s', async (field, tamper) => {
      const { state } = await load();
      expect(() => renderStateWorkflow(tamper(state.settings))).toThrow(
        expect.objectContaining({ name: 'UnsafeWorkflowValueError', image: undefined, field }),
      );
    });

    it('names the workflow, the image and the field in the message', async () => {
      const { state, image } = await load();
      const api = image('platform-api');
      expect(() =>
        renderBuildWorkflow({ ...api, source: { ...api.source, branch: EXPRESSION } }, state.settings),
      ).toThrow(
        '.github/workflows/build-platform-api.yml: image "platform-api": source.branch contains "${{", which would be evaluated as an expression: not generating the workflow',
      );
    });
  });
});
