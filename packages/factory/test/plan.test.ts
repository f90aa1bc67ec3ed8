// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ }}` strings

import { Expr, runtime } from '@image-factory/kargo-constructs';
import { formatProblem } from '@image-factory/state-schema';
import { describe, expect, it } from 'vitest';
import {
  dispatchRequest,
  dockerfileLocation,
  type FactoryPlan,
  planImageFactory,
  REBUILD_REASON,
  type RebuildStagePlan,
  SAMPLING_MARGIN_SECONDS,
  samplingIntervalSeconds,
  type WarehousePlan,
} from '../src/index.js';
import { base, input, managed, settings } from './fixtures.js';

const {
  REPRESENTATIVE_DIGEST,
  REPRESENTATIVE_WORLDS,
  representativeEnvironment,
  evaluateExpression,
  evaluateTemplate,
} = runtime;

function plan(state: Parameters<typeof planImageFactory>[0]): FactoryPlan {
  const result = planImageFactory(state);
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.plan;
}

function problems(state: Parameters<typeof planImageFactory>[0]): string[] {
  const result = planImageFactory(state);
  if (result.ok) throw new Error('expected problems');
  return result.problems.map(formatProblem);
}

function warehouse(p: FactoryPlan, name: string): WarehousePlan {
  const found = p.warehouses.find((w) => w.name === name);
  if (!found) throw new Error(`no Warehouse ${name}`);
  return found;
}

describe('planImageFactory: problems', () => {
  it('requires stateRepo.url when there are managed images (the analysis job commits to it)', () => {
    const state = input([managed('app', { workflow: 'build.yml' })], [], {
      ...settings(),
      stateRepo: { branch: 'main' },
    });
    expect(problems(state)).toEqual([
      'image-factory.yaml: stateRepo.url is not set, but the analysis job of every managed image (app) commits what it discovers to the state repository\n' +
        '  hint: set stateRepo.url (and stateRepo.branch if not main) in image-factory.yaml, e.g. stateRepo: {url: https://github.com/acme/image-factory-state.git}',
    ]);
  });

  it('reports, at the image entry, a generated workflow that cannot be dispatched without stateRepo.url', () => {
    const app = managed('app', { baseImages: ['python'] });
    const state = input([app], [base('python', 'python:3.12-slim')], {
      ...settings(),
      stateRepo: { branch: 'main' },
    });
    const all = problems(state);
    expect(all).toHaveLength(2);
    expect(all[1]).toBe(
      `images.yaml:${app.origin.line}:3: image "app" has no source.workflow, so its rebuild dispatches the generated workflow build-app.yml in the state repository, but stateRepo.url is not set in image-factory.yaml\n` +
        '  hint: set stateRepo.url in image-factory.yaml to the GitHub repository holding this state, or set source.workflow to the build workflow of the source repository',
    );
  });

  it('rejects a state repository outside GitHub when a generated workflow must be dispatched', () => {
    const state = input([managed('app', { baseImages: ['python'] })], [base('python', 'python:3.12-slim')], {
      ...settings(),
      stateRepo: { url: 'https://gitlab.com/acme/state.git', branch: 'main' },
    });
    expect(problems(state)).toEqual([
      'image-factory.yaml: stateRepo.url "https://gitlab.com/acme/state.git" is not a repository on https://github.com, but image "app" (no source.workflow) is rebuilt by the generated GitHub Actions workflow build-app.yml in the state repository\n' +
        '  hint: host the state repository on GitHub (set github.url/github.apiUrl for GitHub Enterprise), or set source.workflow on the image',
    ]);
  });

  it('requires the key of a yaml-update', () => {
    const app = managed('app', {
      workflow: 'build.yml',
      updates: [{ repo: 'acme/deploy', path: 'values.yaml', type: 'yaml-update' }],
    });
    expect(problems(input([app], []))).toEqual([
      `images.yaml:${app.origin.line}:3: image "app": updates[0] (acme/deploy values.yaml) is a yaml-update without "key", so the factory does not know which value to set\n` +
        '  hint: add key: the dotted path of the value to set, e.g. key: image.tag (a key ending in "tag" gets the tag, in "digest" the digest, any other key the full image reference)',
    ]);
  });

  it('rejects a base image named like a managed image used as a base', () => {
    const state = input(
      [managed('runtime', { baseImages: ['debian'] }), managed('app', { baseImages: ['runtime'] })],
      [base('debian', 'debian:12'), base('runtime', 'acme/runtime:1')],
    );
    expect(problems(state)).toContain(
      'base-images/runtime.yaml:1:1: base image "runtime" has the name of a managed image that is itself used as a base image, so both would need the Warehouse "base-runtime"\n' +
        '  hint: rename the base-images file (its name must differ from every managed image name)',
    );
  });

  it('reports an allowTags that excludes the followed tag at the base image file', () => {
    const state = input(
      [managed('app', { baseImages: ['python'], workflow: 'b.yml' })],
      [base('python', 'python:3.12-slim', { allowTags: '^3\\.11-slim$', strategy: 'Digest' })],
    );
    expect(problems(state)[0]).toMatch(/^base-images\/python\.yaml:1:1: base image "python": allowTags /);
  });
});

describe('planImageFactory: wiring', () => {
  it('plans nothing but the project objects for an empty state', () => {
    const p = plan(input([], []));
    expect(p.warehouses).toEqual([]);
    expect(p.stages).toEqual([]);
  });

  it('watches an enrolled image without a state file and analyses it, without a rebuild', () => {
    const p = plan(input([managed('fresh', { stateFile: false, workflow: 'b.yml' })], []));
    expect(p.warehouses.map((w) => w.name)).toEqual(['image-fresh']);
    expect(p.stages.map((s) => `${s.role}:${s.name}`)).toEqual(['analysis:analyze-dockerfile-fresh']);
  });

  it('emits nothing for a base-image file no managed image uses any more', () => {
    const p = plan(input([managed('app', { workflow: 'b.yml' })], [base('orphan', 'debian:11')]));
    expect(p.warehouses.map((w) => w.name)).toEqual(['image-app']);
  });

  it('watches an external image with a Warehouse but no Stage', () => {
    const p = plan(
      input(
        [],
        [
          base('redis-7', 'docker.io/library/redis', {
            allowTags: '^7\\.',
            strategy: 'SemVer',
            external: true,
          }),
        ],
      ),
    );
    expect(p.warehouses.map((w) => w.name)).toEqual(['base-redis-7']);
    expect(p.stages).toEqual([]);
  });

  it('uses the intervals and discovery limit of the settings', () => {
    const s = settings({
      warehouses: {
        managedInterval: '10m',
        managedIntervalSeconds: 600,
        baseInterval: '12h',
        baseIntervalSeconds: 43_200,
        discoveryLimit: 7,
      },
    });
    const p = plan(
      input(
        [managed('app', { baseImages: ['python'], workflow: 'b.yml' })],
        [base('python', 'python:3.12')],
        s,
      ),
    );
    // python:3.12 is followed by Digest, which has no discovery limit to speak of. It feeds a rebuild
    // soaking 7d, so it samples: max(12h, 7d + 1h).
    expect(warehouse(p, 'base-python')).toMatchObject({ intervalSeconds: 608_400, soakSeconds: 604_800 });
    expect(warehouse(p, 'base-python').image).not.toHaveProperty('discoveryLimit');
    expect(warehouse(p, 'image-app')).toMatchObject({ intervalSeconds: 600, image: { discoveryLimit: 7 } });
    // Git subscriptions discover the one commit Kargo builds Freight from, whatever the setting.
    expect(warehouse(p, 'image-app').git[0]).toMatchObject({ discoveryLimit: 1, blobless: true });
  });

  it('subscribes to the source at its branch, limited to the Dockerfile directory, on the configured host', () => {
    const s = settings({
      gitlab: { url: 'https://gitlab.example.com/', apiUrl: 'https://gitlab.example.com/api/v4' },
    });
    const image = managed('worker', {
      provider: 'gitlab',
      repo: 'acme/data/worker',
      branch: 'release/2.x',
      dockerfile: 'docker/worker.Dockerfile',
      workflow: 'ci',
    });
    expect(warehouse(plan(input([image], [], s)), 'image-worker').git).toEqual([
      {
        repoURL: 'https://gitlab.example.com/acme/data/worker.git',
        commitSelectionStrategy: 'NewestFromBranch',
        branch: 'release/2.x',
        includePaths: ['docker'],
        discoveryLimit: 1,
        blobless: true,
      },
    ]);
  });

  it('watches a root Dockerfile itself, and the state repository for local build inputs', () => {
    const image = managed('api', {
      dockerfile: 'Dockerfile',
      local: { dir: 'local/api', patchFiles: ['local/api/p.patch'], versionFile: 'local/api/VERSION' },
    });
    expect(warehouse(plan(input([image], [])), 'image-api').git).toEqual([
      {
        repoURL: 'https://github.com/acme/api.git',
        commitSelectionStrategy: 'NewestFromBranch',
        branch: 'main',
        includePaths: ['Dockerfile'],
        discoveryLimit: 1,
        blobless: true,
      },
      {
        repoURL: 'https://github.com/acme/image-factory-state.git',
        commitSelectionStrategy: 'NewestFromBranch',
        branch: 'main',
        includePaths: ['local/api'],
        discoveryLimit: 1,
        blobless: true,
      },
    ]);
  });

  it('merges the subscriptions when the source is the state repository itself', () => {
    const image = managed('tool', {
      repo: 'acme/image-factory-state',
      dockerfile: 'tools/tool/Dockerfile',
      local: { dir: 'local/tool', patchFiles: [] },
    });
    const git = warehouse(plan(input([image], [])), 'image-tool').git;
    expect(git).toHaveLength(1);
    expect(git[0]?.includePaths).toEqual(['local/tool', 'tools/tool']);
  });

  it('analyses a local Dockerfile in the state repository', () => {
    const image = managed('api', {
      local: { dir: 'local/api', patchFiles: [], dockerfile: 'local/api/Dockerfile' },
    });
    expect(dockerfileLocation(image, settings())).toEqual({
      repoURL: 'https://github.com/acme/image-factory-state.git',
      branch: 'main',
      path: 'local/api/Dockerfile',
    });
    const analysis = plan(input([image], [])).stages.find((s) => s.role === 'analysis');
    expect(analysis?.role === 'analysis' && analysis.args).toMatchObject({
      dockerfile: 'local/api/Dockerfile',
      'git-repo': 'https://github.com/acme/image-factory-state.git',
      'git-branch': 'main',
    });
  });

  it('dispatches the generated workflow in the state repo with reason (and increment with a version file)', () => {
    const image = managed('api', {
      baseImages: ['python'],
      rebuildDelaySeconds: 86_400,
      local: { dir: 'local/api', patchFiles: [], versionFile: 'local/api/VERSION' },
    });
    const s = settings({ stateRepo: { url: 'git@github.com:acme/state.git', branch: 'prod' } });
    const rebuild = plan(input([image], [base('python', 'python:3.12')], s)).stages.find(
      (x): x is RebuildStagePlan => x.role === 'rebuild',
    );
    expect(rebuild?.dispatch).toEqual({
      provider: 'github',
      apiUrl: 'https://api.github.com',
      repo: 'acme/state',
      workflow: 'build-api.yml',
      ref: 'prod',
      inputs: { reason: REBUILD_REASON, pins: expect.any(Expr), increment: 'patch' },
      token: { name: 'github-workflow-token', key: 'token' },
    });
    expect(rebuild?.pinned).toBe(true);
    // The reason is expr-lang code (evaluated inside the quote()d body), not text with ${{ }} inside.
    expect(REBUILD_REASON.code).toBe(
      '("base image " + ctx.targetFreight.origin.name + " changed (Kargo promotion " + ctx.promotion + ")")',
    );
    expect(rebuild?.soakSeconds).toBe(86_400);
  });

  it('triggers a GitLab pipeline of the source for a GitLab image with its own CI', () => {
    const image = managed('worker', {
      provider: 'gitlab',
      repo: 'acme/data/worker',
      branch: 'dev',
      workflow: '.gitlab-ci.yml',
      baseImages: ['python'],
    });
    const s = settings({ secrets: { gitlabToken: { name: 'gl', key: 'api-token' } } as never });
    const rebuild = plan(input([image], [base('python', 'python:3.12')], s)).stages.find(
      (x) => x.role === 'rebuild',
    );
    expect(rebuild?.role === 'rebuild' && rebuild.dispatch).toEqual({
      provider: 'gitlab',
      apiUrl: 'https://gitlab.com/api/v4',
      project: 'acme/data/worker',
      ref: 'dev',
      variables: {},
      token: { name: 'gl', key: 'api-token' },
    });
  });
});

describe('security: a 20,000-deep cascade', () => {
  it('is planned without overflowing the stack: one rebuild per image, debian wired once', () => {
    const depth = 20_000;
    const name = (i: number) => `i${String(i).padStart(5, '0')}`;
    const images = Array.from({ length: depth }, (_, i) =>
      managed(name(i), { workflow: 'b.yml', baseImages: i === 0 ? ['debian'] : ['debian', name(i - 1)] }),
    );
    const result = planImageFactory(input(images, [base('debian', 'debian:12-slim')]));
    if (!result.ok) throw new Error(result.problems.slice(0, 3).map(formatProblem).join('\n'));
    const rebuilds = result.plan.stages.filter((s): s is RebuildStagePlan => s.role === 'rebuild');
    expect(rebuilds).toHaveLength(depth);
    expect(rebuilds.filter((r) => r.sources.some((s) => s.base === 'debian')).map((r) => r.image)).toEqual([
      name(0),
    ]);
  }, 60_000);
});

describe('planImageFactory: sampling Warehouses', () => {
  const rebuildOf = (p: FactoryPlan, name: string): RebuildStagePlan => {
    const found = p.stages.find((s): s is RebuildStagePlan => s.role === 'rebuild' && s.image === name);
    if (!found) throw new Error(`no rebuild Stage of ${name}`);
    return found;
  };

  it('raises the interval of each per-soak base Warehouse to max(baseInterval, soak + 1h)', () => {
    expect(samplingIntervalSeconds(86_400, 604_800)).toBe(604_800 + SAMPLING_MARGIN_SECONDS);
    expect(samplingIntervalSeconds(86_400, 86_400)).toBe(90_000);
    expect(samplingIntervalSeconds(86_400, 3_600)).toBe(86_400);
    expect(samplingIntervalSeconds(300, 0)).toBe(300);
    const p = plan(
      input(
        [
          managed('weekly', { baseImages: ['python'] }),
          managed('daily', { baseImages: ['python'], rebuildDelaySeconds: 86_400 }),
          managed('now', { baseImages: ['python'], rebuildDelaySeconds: 0 }),
        ],
        [base('python', 'python:3.12-slim')],
      ),
    );
    expect(warehouse(p, 'base-python')).toMatchObject({ intervalSeconds: 608_400, soakSeconds: 604_800 });
    expect(warehouse(p, 'base-python-soak-1d')).toMatchObject({
      intervalSeconds: 90_000,
      soakSeconds: 86_400,
    });
    // Nothing soaks: the configured interval (1d by default).
    expect(warehouse(p, 'base-python-soak-0s')).toMatchObject({ intervalSeconds: 86_400, soakSeconds: 0 });
  });

  it('samples a managed image used as a base (a cascade) from managedInterval', () => {
    const p = plan(
      input(
        [
          managed('runtime', { baseImages: ['debian'] }),
          managed('app', { baseImages: ['runtime'], rebuildDelaySeconds: 172_800 }),
        ],
        [base('debian', 'debian:12-slim')],
      ),
    );
    expect(warehouse(p, 'base-runtime-soak-2d')).toMatchObject({
      role: 'base',
      intervalSeconds: 172_800 + 3_600,
      soakSeconds: 172_800,
    });
    // The managed image's own Warehouse (analysis, consumers) keeps managedInterval.
    expect(warehouse(p, 'image-runtime').intervalSeconds).toBe(300);
    expect(rebuildOf(p, 'app').sources).toEqual([
      { base: 'runtime', warehouse: 'base-runtime-soak-2d', stage: 'base-runtime-soak-2d' },
    ]);
  });

  it('keeps an external image that feeds nothing at the configured interval', () => {
    const p = plan(input([], [base('redis', 'redis:7', { external: true })]));
    expect(warehouse(p, 'base-redis')).toMatchObject({ intervalSeconds: 86_400 });
    expect(warehouse(p, 'base-redis')).not.toHaveProperty('soakSeconds');
  });
});

describe('planImageFactory: pinned dispatch', () => {
  const body = (p: FactoryPlan, image: string): string => {
    const stage = p.stages.find((s): s is RebuildStagePlan => s.role === 'rebuild' && s.image === image);
    if (!stage) throw new Error(`no rebuild of ${image}`);
    return dispatchRequest(stage.dispatch).body;
  };
  const world = REPRESENTATIVE_WORLDS[1] as (typeof REPRESENTATIVE_WORLDS)[number];
  const evaluate = (text: string, missing: readonly string[] = []) => {
    const env = representativeEnvironment(
      { kind: 'promotion', project: 'image-factory', stage: 'rebuild-x', origins: ['base-python'] },
      world,
    );
    const imageFrom = env.functions.imageFrom;
    // A Warehouse none of whose Freight was promoted into the Stage yet: imageFrom returns nil
    // (pkg/controller/freight/finder.go FindImage).
    const functions = {
      ...env.functions,
      imageFrom: (args: readonly unknown[]) => {
        const origin = args[1] as { values?: { Name?: unknown } } | undefined;
        return missing.includes(String(origin?.values?.Name)) ? null : imageFrom?.(args);
      },
    };
    return evaluateTemplate(text, (code) => evaluateExpression(code, { ...env, functions }));
  };

  it('passes pins as a string of compact JSON, keys sorted, one per base, through Kargo evaluation', () => {
    const p = plan(
      input(
        [
          managed('runtime', { baseImages: ['debian'] }),
          managed('app', { baseImages: ['python', 'runtime', 'alpine'] }),
        ],
        [base('python', 'python:3.12-slim'), base('alpine', 'alpine'), base('debian', 'debian:12-slim')],
      ),
    );
    const evaluated = evaluate(body(p, 'app'));
    expect(typeof evaluated).toBe('string');
    const dispatched = JSON.parse(evaluated as string) as { inputs: Record<string, unknown> };
    const pins = dispatched.inputs.pins;
    expect(typeof pins).toBe('string');
    expect(pins).toBe(
      JSON.stringify({
        'docker.io/library/alpine:latest': REPRESENTATIVE_DIGEST,
        'docker.io/library/python:3.12-slim': REPRESENTATIVE_DIGEST,
        // A managed base is keyed by the tag of the Freight's image.
        [`ghcr.io/acme/runtime:${world.imageTag}`]: REPRESENTATIVE_DIGEST,
      }),
    );
    expect(Object.keys(JSON.parse(pins as string))).toEqual(Object.keys(JSON.parse(pins as string)).sort());
  });

  it('leaves out a base whose Freight was never promoted into the rebuild Stage (imageFrom is nil)', () => {
    const p = plan(
      input(
        [managed('app', { baseImages: ['python', 'alpine'] })],
        [base('python', 'python:3.12-slim'), base('alpine', 'alpine:3.20')],
      ),
    );
    const one = JSON.parse(evaluate(body(p, 'app'), ['base-alpine']) as string) as {
      inputs: { pins: string };
    };
    expect(one.inputs.pins).toBe(`{"docker.io/library/python:3.12-slim":"${REPRESENTATIVE_DIGEST}"}`);
    const none = JSON.parse(evaluate(body(p, 'app'), ['base-alpine', 'base-python']) as string) as {
      inputs: { pins: string };
    };
    expect(none.inputs.pins).toBe('{}');
  });

  it('passes reason and pins to a team workflow only when it declares them; else warns, unpinned', () => {
    const state = input(
      [
        managed('declared', { baseImages: ['python'], workflow: 'build.yml', workflowInputs: ['pins'] }),
        managed('plain', { baseImages: ['python'], workflow: 'build.yml', workflowInputs: ['reason'] }),
        managed('unknown', { baseImages: ['python'], workflow: 'build.yml' }),
      ],
      [base('python', 'python:3.12-slim')],
    );
    const p = plan(state);
    const rebuild = (name: string) =>
      p.stages.find((s): s is RebuildStagePlan => s.role === 'rebuild' && s.image === name);
    expect(rebuild('declared')).toMatchObject({ pinned: true });
    expect(Object.keys(rebuild('declared')?.dispatch ?? {})).toContain('inputs');
    expect(
      Object.keys((rebuild('declared')?.dispatch as { inputs: object } | undefined)?.inputs ?? {}),
    ).toEqual(['pins']);
    expect(rebuild('plain')).toMatchObject({ pinned: false });
    expect(Object.keys((rebuild('plain')?.dispatch as { inputs: object } | undefined)?.inputs ?? {})).toEqual(
      ['reason'],
    );
    expect(rebuild('unknown')).toMatchObject({ pinned: false, dispatch: { inputs: {} } });
    expect(p.warnings.map((w) => [w.code, w.severity, w.path])).toEqual([
      ['unpinned-rebuild', 'warning', ['source', 'workflow']],
      ['unpinned-rebuild', 'warning', ['source', 'workflow']],
    ]);
    expect(formatProblem(p.warnings[0] as (typeof p.warnings)[number])).toMatch(
      /^images\.yaml:\d+:3: warning: image "plain": its rebuilds are unpinned: build\.yml does not declare the workflow_dispatch input "pins"/,
    );
    expect(p.warnings[1]?.message).toContain('has no recorded inputs');
  });

  it('passes IMAGE_FACTORY_PINS to a GitLab pipeline only when recorded as declared', () => {
    const gitlab = (name: string, workflowInputs?: readonly string[]) =>
      managed(name, {
        provider: 'gitlab',
        workflow: '.gitlab-ci.yml',
        baseImages: ['python'],
        ...(workflowInputs ? { workflowInputs } : {}),
      });
    const p = plan(
      input([gitlab('a', ['IMAGE_FACTORY_PINS']), gitlab('b')], [base('python', 'python:3.12')]),
    );
    const stage = (name: string) =>
      p.stages.find((s): s is RebuildStagePlan => s.role === 'rebuild' && s.image === name);
    expect(stage('a')?.pinned).toBe(true);
    const evaluated = JSON.parse(evaluate(body(p, 'a')) as string) as {
      variables: { key: string; value: unknown }[];
    };
    expect(evaluated.variables).toEqual([
      { key: 'IMAGE_FACTORY_PINS', value: `{"docker.io/library/python:3.12":"${REPRESENTATIVE_DIGEST}"}` },
    ]);
    expect(stage('b')).toMatchObject({ pinned: false, dispatch: { variables: {} } });
    expect(p.warnings.map((w) => w.message)).toEqual([expect.stringContaining('image "b"')]);
  });
});
