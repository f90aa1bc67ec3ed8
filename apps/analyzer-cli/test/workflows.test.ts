// Generated workflows: the contract with the rebuild Stages (inputs), injection safety, settings,
// and the version-bump script run for real.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildWorkflowInputNames,
  GENERATED_WORKFLOW_MARKER,
  loadState,
  type ManagedImage,
} from '@image-factory/state-schema';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { expr, renderBuildWorkflow, renderStateWorkflow, VERSION_SCRIPT } from '../src/lib/workflows.js';
import { GENERATE_IMAGES_YAML, generateStateFiles } from './helpers/generate-fixtures.js';
import { tempDir, writeFiles } from './helpers/git-repos.js';
import { runScriptsWithExpressions } from './helpers/workflow-runner.js';

const scratch = tempDir('if-workflows');
afterAll(() => scratch.cleanup());
let n = 0;

async function load(settings = '', images = GENERATE_IMAGES_YAML, extra: Record<string, string> = {}) {
  const dir = join(scratch.dir, `state-${++n}`);
  writeFiles(dir, { ...generateStateFiles(settings), 'images.yaml': images, ...extra });
  const result = await loadState(dir);
  if (!result.ok) throw new Error(result.problems.map((problem) => problem.message).join('\n'));
  const image = (name: string) =>
    result.state.managedImages.find((candidate) => candidate.name === name) as ManagedImage;
  return { state: result.state, image };
}

type Workflow = {
  on: {
    workflow_dispatch: { inputs: Record<string, { type: string; default: string; options?: string[] }> };
  };
  permissions: Record<string, string>;
  jobs: {
    build: {
      steps: {
        name: string;
        uses?: string;
        with?: Record<string, unknown>;
        env?: Record<string, string>;
        run?: string;
      }[];
    };
  };
};

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
      expect(workflow.permissions.contents).toBe('write');
    } else {
      expect(workflow.permissions.contents).toBe('read');
    }
    // User data reaches scripts only through env.
    expect(runScriptsWithExpressions(text)).toEqual([]);
    // The build uses buildx, logs in, and pushes.
    const uses = workflow.jobs.build.steps.map((step) => step.uses).filter(Boolean);
    expect(uses).toEqual(
      expect.arrayContaining([
        'docker/setup-buildx-action@v3',
        'docker/login-action@v3',
        'docker/build-push-action@v6',
      ]),
    );
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
    const step = (parse(text) as Workflow).jobs.build.steps.find((candidate) =>
      candidate.name?.startsWith('Apply '),
    );
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
    const checkout = worker.jobs.build.steps.find((step) => step.with?.repository === 'acme/platform');
    expect(checkout?.with).toMatchObject({
      'github-server-url': 'https://github.example.com',
      ref: 'main',
      path: 'source',
    });
    const legacy = parse(renderBuildWorkflow(image('legacy-app'), state.settings)) as Workflow;
    const clone = legacy.jobs.build.steps.find((step) => step.name?.includes('from GitLab'));
    expect(clone?.env).toMatchObject({
      SOURCE_URL: 'https://gitlab.example.com/acme/legacy/app.git',
      SOURCE_BRANCH: 'release/2.x',
      GITLAB_TOKEN: expr('secrets.IMAGE_FACTORY_GITLAB_TOKEN'),
    });
    const login = legacy.jobs.build.steps.find((step) => step.uses === 'docker/login-action@v3');
    expect(login?.with).toEqual({
      registry: 'registry.gitlab.com',
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
    const { state } = await load('stateRepo:\n  branch: production\noutput: manifests/all.yaml\n');
    const text = renderStateWorkflow(state.settings, { repository: 'acme/image-factory', ref: 'v1.2.3' });
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
    const steps = workflow.jobs.synth.steps as {
      name: string;
      run?: string;
      env?: Record<string, string>;
      if?: string;
    }[];
    expect(steps.find((step) => step.name === 'Commit the manifests')?.env).toEqual({
      OUTPUT: 'manifests/all.yaml',
    });
    expect(steps.find((step) => step.name === 'Check that the manifests are up to date')?.run).toBe(
      'pnpm synth --state-dir "$GITHUB_WORKSPACE/state" --check\n',
    );
    expect(runScriptsWithExpressions(text)).toEqual([]);
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
    ['1.4.2\n', 'patch', '', '1.4.3'],
    ['1.4.2\n', '', '', '1.4.3'],
    ['1.4.2', 'minor', '', '1.5.0'],
    ['1.4.2', 'major', '', '2.0.0'],
    ['v1.4.2\n', 'patch', '', 'v1.4.3'],
    ['1.4.2-rc1\n', 'patch', '', '1.4.3'],
    ['1.4.2', 'none', '-hotfix.1', '1.4.2-hotfix.1'],
    ['1.08.09', 'patch', '', '1.8.10'],
    [' 2.0.0 \n', 'minor', '_b', '2.1.0_b'],
  ])('%j + %s + %j -> %s', async (current, increment, suffix, expected) => {
    const result = await bump(current, increment, suffix);
    expect(result.code).toBe(0);
    expect(result.output).toBe(`version=${expected}\nchanged=true\n`);
    expect(result.file).toBe(`${expected}\n`);
  });

  it('reports no change when the version stays', async () => {
    const result = await bump('1.4.2\n', 'none', '');
    expect(result.output).toBe('version=1.4.2\nchanged=false\n');
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
    expect(result.file).toBe(current);
  });
});
