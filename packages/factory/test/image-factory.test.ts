// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ }}` strings

import { validateManifest } from '@image-factory/kargo-constructs';
import { Chart, Testing, Yaml } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ImageFactory, ImageFactoryStateError, SYNC_WAVE_ANNOTATION } from '../src/index.js';
import { base, input, managed, settings, synthFactory } from './fixtures.js';
import { dispatchPaths, dispatchUrl, imageRepos, manifestGraph, requests, stepUses } from './graph-walk.js';

/**
 * A fleet exercising every branch:
 * - runtime: managed, built on debian, used as the base of app (cascade), own workflow;
 * - app: built on debian and runtime (debian arrives through runtime), generated workflow with a
 *   VERSION file, two consumers;
 * - web: built on node and python, autoRebuild false, 1h30m delay;
 * - worker: GitLab with its own CI, built on python;
 * - fresh: enrolled, no state file yet;
 * - redis: external image; old: a base-images file nobody uses.
 */
function fleet() {
  const s = settings({
    kargo: { project: 'factory', labels: { team: 'platform' }, serviceAccount: 'factory-sa' },
  });
  return input(
    [
      managed('runtime', {
        baseImages: ['debian'],
        workflow: 'runtime.yml',
        currentVersion: '3.1.0',
        rebuildDelaySeconds: 3_600,
      }),
      managed('app', {
        baseImages: ['debian', 'runtime'],
        rebuildDelaySeconds: 86_400,
        local: { dir: 'local/app', patchFiles: [], versionFile: 'local/app/VERSION' },
        updates: [
          { repo: 'acme/deploy', path: 'apps/app/kustomization.yaml', type: 'kustomize-set-image' },
          { repo: 'acme/deploy', path: 'apps/app/values.yaml', type: 'yaml-update', key: 'image.repository' },
        ],
      }),
      managed('web', {
        baseImages: ['node', 'python'],
        autoRebuild: false,
        rebuildDelaySeconds: 5_400,
        workflow: 'web.yml',
      }),
      managed('worker', {
        provider: 'gitlab',
        repo: 'acme/data/worker',
        workflow: '.gitlab-ci.yml',
        baseImages: ['python'],
        rebuildDelaySeconds: 0,
      }),
      managed('fresh', { stateFile: false, workflow: 'fresh.yml' }),
    ],
    [
      base('debian', 'debian:12-slim'),
      base('node', 'node:22-bookworm-slim'),
      base('python', 'docker.io/library/python', { allowTags: '^3\\.12-slim$' }),
      base('redis', 'docker.io/library/redis', {
        allowTags: '^7\\.\\d+\\.\\d+$',
        strategy: 'SemVer',
        external: true,
      }),
      base('old', 'debian:11'),
    ],
    s,
  );
}

describe('ImageFactory', () => {
  const { factory, manifests } = synthFactory(fleet());
  const graph = manifestGraph(manifests);

  it('emits only objects valid against the vendored CRDs, step and subscription schemas', () => {
    for (const m of manifests) expect(validateManifest(m), `${m.kind}/${m.metadata.name}`).toEqual([]);
  });

  it('emits the project objects, one Warehouse per watched image and the expected Stages', () => {
    expect(
      manifests
        .filter((m) =>
          ['Namespace', 'Project', 'ProjectConfig', 'ServiceAccount', 'AnalysisTemplate'].includes(m.kind),
        )
        .map((m) => `${m.kind}/${m.metadata.name}`),
    ).toEqual([
      'Namespace/factory',
      'Project/factory',
      'ProjectConfig/factory',
      'ServiceAccount/factory-sa',
      'AnalysisTemplate/analyze-dockerfile',
    ]);
    // One Warehouse per base and soak time (the rebuildDelay of its dependents), named base-<name> for
    // the default 7d and base-<name>-soak-<delay> otherwise; one for the external redis.
    expect([...graph.warehouses.keys()].sort()).toEqual([
      'base-debian-soak-1h',
      'base-node-soak-1h30m',
      'base-python-soak-0s',
      'base-python-soak-1h30m',
      'base-redis',
      'base-runtime-soak-1d',
      'image-app',
      'image-fresh',
      'image-runtime',
      'image-web',
      'image-worker',
    ]);
    expect([...graph.stages.keys()].sort()).toEqual([
      'analyze-dockerfile-app',
      'analyze-dockerfile-fresh',
      'analyze-dockerfile-runtime',
      'analyze-dockerfile-web',
      'analyze-dockerfile-worker',
      'base-debian-soak-1h',
      'base-node-soak-1h30m',
      'base-python-soak-0s',
      'base-python-soak-1h30m',
      'base-runtime-soak-1d',
      'rebuild-app',
      'rebuild-runtime',
      'rebuild-web',
      'rebuild-worker',
      'update-app-deploy-apps-app-kustomization',
      'update-app-deploy-apps-app-values',
    ]);
  });

  it('keeps every generated name within 63 characters', () => {
    for (const m of manifests) expect(m.metadata.name.length).toBeLessThanOrEqual(63);
  });

  it('gives cluster-scoped objects no namespace and namespaced ones the project', () => {
    for (const m of manifests) {
      if (m.kind === 'Namespace' || m.kind === 'Project') expect(m.metadata.namespace).toBeUndefined();
      else expect(m.metadata.namespace, `${m.kind}/${m.metadata.name}`).toBe('factory');
    }
  });

  it('labels every object from the settings and orders them with sync waves', () => {
    const waves = new Map(
      manifests.map((m) => [`${m.kind}/${m.metadata.name}`, m.metadata.annotations?.[SYNC_WAVE_ANNOTATION]]),
    );
    for (const m of manifests) {
      expect(m.metadata.labels).toMatchObject({
        team: 'platform',
        'app.kubernetes.io/managed-by': 'image-factory',
      });
    }
    expect(waves.get('Namespace/factory')).toBe('-2');
    expect(waves.get('Project/factory')).toBe('-1');
    expect(waves.get('ProjectConfig/factory')).toBe('0');
    expect(waves.get('Warehouse/base-debian-soak-1h')).toBe('1');
    expect(waves.get('Stage/rebuild-app')).toBe('2');
    const ns = manifests.find((m) => m.kind === 'Namespace');
    expect(ns?.metadata.labels['kargo.akuity.io/project']).toBe('true');
  });

  it('lets every base image reach the dispatch of each dependent, through its base Stage', () => {
    const byRepo = (repo: string) =>
      dispatchPaths(graph, repo).map((p) => `${p.via} -> ${p.rebuild} -> ${p.url}`);
    expect(byRepo('docker.io/library/debian')).toEqual([
      'base-debian-soak-1h -> rebuild-runtime -> https://api.github.com/repos/acme/runtime/actions/workflows/runtime.yml/dispatches',
    ]);
    expect(byRepo('ghcr.io/acme/runtime')).toEqual([
      'base-runtime-soak-1d -> rebuild-app -> https://api.github.com/repos/acme/image-factory-state/actions/workflows/build-app.yml/dispatches',
    ]);
    expect(byRepo('docker.io/library/node')).toEqual([
      'base-node-soak-1h30m -> rebuild-web -> https://api.github.com/repos/acme/web/actions/workflows/web.yml/dispatches',
    ]);
    // web (1h30m) and worker (0s) soak python differently: each through its own Warehouse and Stage.
    expect(byRepo('docker.io/library/python')).toEqual([
      'base-python-soak-1h30m -> rebuild-web -> https://api.github.com/repos/acme/web/actions/workflows/web.yml/dispatches',
      'base-python-soak-0s -> rebuild-worker -> https://gitlab.com/api/v4/projects/acme%2Fdata%2Fworker/pipeline',
    ]);
    expect(byRepo('docker.io/library/redis')).toEqual([]);
  });

  it('requests each base origin exactly once per rebuild Stage, so one change makes one promotion per dependent', () => {
    for (const [name, stage] of graph.stages) {
      if (!name.startsWith('rebuild-')) continue;
      const origins = requests(stage).map((r) => r.origin);
      expect(new Set(origins).size, name).toBe(origins.length);
      expect(stepUses(stage)).toEqual(['http']);
    }
    // app is built on debian and runtime; debian reaches it through the rebuild of runtime only.
    expect(requests(graph.stages.get('rebuild-app')!).map((r) => r.origin)).toEqual(['base-runtime-soak-1d']);
    expect(factory.plan.stages.find((s) => s.name === 'rebuild-app')).toMatchObject({
      reduced: [{ base: 'debian', via: 'runtime' }],
    });
  });

  it('soaks each rebuild for exactly the rebuildDelay of the image', () => {
    const soaks = (name: string) => requests(graph.stages.get(name)!).map((r) => r.requiredSoakTime);
    expect(soaks('rebuild-runtime')).toEqual(['1h0m0s']);
    expect(soaks('rebuild-app')).toEqual(['24h0m0s']);
    expect(soaks('rebuild-web')).toEqual(['1h30m0s', '1h30m0s']);
    expect(soaks('rebuild-worker')).toEqual([undefined]);
    for (const [name, stage] of graph.stages) {
      if (!name.startsWith('rebuild-')) continue;
      for (const r of requests(stage)) {
        expect(r.direct, name).toBe(false);
        expect(r.stages, name).toEqual([r.origin]);
      }
    }
  });

  it('derives auto-promotion from the Stages: every Stage has a policy, rebuilds follow autoRebuild', () => {
    expect([...graph.policies.keys()].sort()).toEqual([...graph.stages.keys()].sort());
    for (const [name, enabled] of graph.policies) {
      const expected = name !== 'rebuild-web';
      expect(enabled, name).toBe(expected);
    }
    expect(factory.autoPromotion.get('rebuild-web')).toBe(false);
  });

  it('gives every Stage existing origins and upstream Stages that carry the same origin', () => {
    for (const [name, stage] of graph.stages) {
      for (const r of requests(stage)) {
        expect(graph.warehouses.has(r.origin), `${name} origin ${r.origin}`).toBe(true);
        for (const up of r.stages) {
          const upstream = graph.stages.get(up);
          expect(upstream, `${name} upstream ${up}`).toBeDefined();
          expect(requests(upstream!).some((u) => u.origin === r.origin)).toBe(true);
        }
      }
    }
  });

  it('requests every base origin from one upstream Stage with one soak time, whatever the dependent', () => {
    // Kargo offers Freight soaked in *any* Stage (pkg/api/warehouse.go) but the webhook only accepts
    // it soaked in the upstream (api/v1alpha1/stage_types.go): one (upstream, soak) per origin keeps
    // them in agreement (see availability.test.ts).
    const byOrigin = new Map<string, Set<string>>();
    for (const [name, stage] of graph.stages) {
      if (!name.startsWith('rebuild-')) continue;
      for (const r of requests(stage)) {
        const set = byOrigin.get(r.origin) ?? new Set<string>();
        set.add(`${r.stages.join(',')} ${r.requiredSoakTime ?? 'none'}`);
        byOrigin.set(r.origin, set);
      }
    }
    for (const [origin, sources] of byOrigin) expect([...sources], origin).toHaveLength(1);
  });

  it('watches a managed base through its built image only, not its source', () => {
    const w = graph.warehouses.get('base-runtime-soak-1d')!;
    expect(w.spec.subscriptions).toEqual([
      {
        image: {
          repoURL: 'ghcr.io/acme/runtime',
          imageSelectionStrategy: 'SemVer',
          constraint: '>=3.0.0',
          strictSemvers: true,
          discoveryLimit: 20,
        },
      },
    ]);
    // Sampling Warehouses poll no faster than soak + 1h (samplingIntervalSeconds, docs/rebuilds.md):
    // 5m managed interval, 1d soak -> 25h; 24h base interval, 1h soak -> 24h.
    expect(w.spec.interval).toBe('25h0m0s');
    expect(graph.warehouses.get('base-debian-soak-1h')!.spec.interval).toBe('24h0m0s');
  });

  it('analyses every managed image, even without a state file, with the template and its arguments', () => {
    const analysis = graph.stages.get('analyze-dockerfile-fresh')!;
    expect(requests(analysis)).toEqual([{ origin: 'image-fresh', direct: true, stages: [] }]);
    expect(analysis.spec.verification.analysisTemplates).toEqual([
      { name: 'analyze-dockerfile', kind: 'AnalysisTemplate' },
    ]);
    const args = Object.fromEntries(
      analysis.spec.verification.args.map((a: { name: string; value: string }) => [a.name, a.value]),
    );
    expect(args).toEqual({
      image: 'fresh',
      tag: '${{ quote(imageFrom("ghcr.io/acme/fresh", warehouse("image-fresh")).Tag) }}',
      digest: '${{ imageFrom("ghcr.io/acme/fresh", warehouse("image-fresh")).Digest }}',
      dockerfile: 'fresh/Dockerfile',
      'source-repo': 'acme/fresh',
      'source-provider': 'github',
      'git-repo': 'https://github.com/acme/fresh.git',
      'git-branch': 'main',
      // The commit of the Dockerfile's repository in the same Freight, and the build time the image
      // carries in its annotations (empty when the build did not record one).
      'git-commit': '${{ commitFrom("https://github.com/acme/fresh.git", warehouse("image-fresh")).ID }}',
      'built-at':
        '${{ quote(imageFrom("ghcr.io/acme/fresh", warehouse("image-fresh")).Annotations["org.opencontainers.image.created"]) }}',
      // The base digests a pinned build recorded (empty for an unpinned one).
      'built-on':
        '${{ quote(imageFrom("ghcr.io/acme/fresh", warehouse("image-fresh")).Annotations["io.github.image-factory.pins"]) }}',
    });
    expect(imageRepos(graph.warehouses.get('image-fresh')!)).toEqual(['ghcr.io/acme/fresh']);
    expect(graph.stages.has('rebuild-fresh')).toBe(false);
  });

  it('feeds consumer updates only with analysed versions', () => {
    const update = graph.stages.get('update-app-deploy-apps-app-values')!;
    expect(requests(update)).toEqual([
      { origin: 'image-app', direct: false, stages: ['analyze-dockerfile-app'] },
    ]);
    expect(stepUses(update)).toEqual(['git-clone', 'yaml-update', 'git-commit', 'git-push']);
    const steps = update.spec.promotionTemplate.spec.steps;
    expect(steps[0].config).toEqual({
      repoURL: 'https://github.com/acme/deploy.git',
      checkout: [{ branch: 'main', path: './consumer' }],
    });
    expect(steps[1].config).toEqual({
      path: './consumer/apps/app/values.yaml',
      updates: [
        {
          // The full reference, pinned by digest: a rebuild under the same tag still changes the file.
          key: 'image.repository',
          value:
            'ghcr.io/acme/app:${{ imageFrom("ghcr.io/acme/app", warehouse("image-app")).Tag }}@${{ imageFrom("ghcr.io/acme/app", warehouse("image-app")).Digest }}',
        },
      ],
    });
    expect(steps[3].config).toEqual({ path: './consumer', targetBranch: 'main' });
    const kustomize = graph.stages.get('update-app-deploy-apps-app-kustomization')!.spec.promotionTemplate
      .spec.steps[1];
    expect(kustomize).toMatchObject({
      uses: 'kustomize-set-image',
      config: {
        path: './consumer/apps/app',
        // The digest, not the tag: kustomize renders ghcr.io/acme/app@sha256:…
        images: [
          {
            image: 'ghcr.io/acme/app',
            digest: '${{ imageFrom("ghcr.io/acme/app", warehouse("image-app")).Digest }}',
          },
        ],
      },
    });
  });

  it('runs the analysis job with an argv array and credentials from optional Secrets', () => {
    const template = manifests.find((m) => m.kind === 'AnalysisTemplate')!;
    const job = template.spec.metrics[0].provider.job;
    const container = job.spec.template.spec.containers[0];
    expect(container.command).toBeUndefined();
    expect(container.args.slice(0, 3)).toEqual(['analyze', '--image', '{{args.image}}']);
    // Each credential for one host only (the CLI enforces it): the state repository's, GitHub's,
    // GitLab's; the hosts come from the settings.
    expect(container.env).toEqual([
      {
        name: 'GIT_USERNAME',
        valueFrom: { secretKeyRef: { name: 'git-credentials', key: 'username', optional: true } },
      },
      {
        name: 'GIT_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'git-credentials', key: 'password', optional: true } },
      },
      {
        name: 'GITHUB_TOKEN',
        valueFrom: { secretKeyRef: { name: 'github-workflow-token', key: 'token', optional: true } },
      },
      { name: 'GITHUB_URL', value: 'https://github.com' },
      {
        name: 'GITLAB_TOKEN',
        valueFrom: { secretKeyRef: { name: 'gitlab-token', key: 'token', optional: true } },
      },
      { name: 'GITLAB_URL', value: 'https://gitlab.com' },
      { name: 'NODE_OPTIONS', value: '--max-old-space-size=768' },
    ]);
    // Bounded memory (the heap at 3/4 of the limit), and transient failures retried inside the Job:
    // Kargo never re-runs a finished verification.
    expect(container.resources).toEqual({
      requests: { cpu: '250m', memory: '512Mi' },
      limits: { memory: '1Gi' },
    });
    expect(job.spec.backoffLimit).toBe(3);
    expect(job.spec.podFailurePolicy).toEqual({
      rules: [
        { action: 'FailJob', onExitCodes: { containerName: 'analyze', operator: 'In', values: [2] } },
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      ],
    });
    expect(job.spec.activeDeadlineSeconds).toBe(1800);
    expect(container.args).toEqual(
      expect.arrayContaining(['--git-commit', '{{args.git-commit}}', '--built-at', '{{args.built-at}}']),
    );
    expect(job.spec.template.spec.serviceAccountName).toBe('factory-sa');
    expect(job.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'image-factory-analysis' });
    expect(template.spec.args.find((a: { name: string }) => a.name === 'state-repo')).toEqual({
      name: 'state-repo',
      value: 'https://github.com/acme/image-factory-state.git',
    });
  });

  it('dispatches GitLab pipelines with the project path URL-encoded', () => {
    expect(dispatchUrl(graph.stages.get('rebuild-worker')!)).toBe(
      'https://gitlab.com/api/v4/projects/acme%2Fdata%2Fworker/pipeline',
    );
  });

  it('is deterministic: the same state gives the same YAML', () => {
    const again = synthFactory(fleet()).manifests;
    expect(Yaml.stringify(...again)).toBe(Yaml.stringify(...manifests));
  });
});

describe('ImageFactory: state problems', () => {
  it('throws an ImageFactoryStateError listing the problems with their position', () => {
    const state = input([managed('app', { baseImages: ['python'] })], [base('python', 'python:3.12')], {
      ...settings(),
      stateRepo: { branch: 'main' },
    });
    const chart = new Chart(Testing.app(), 'c');
    let error: unknown;
    try {
      new ImageFactory(chart, 'f', { state });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImageFactoryStateError);
    const problems = (error as ImageFactoryStateError).problems;
    expect(problems.map((p) => [p.file, p.code, p.path.join('.')])).toEqual([
      ['image-factory.yaml', 'missing-field', 'stateRepo.url'],
      ['images.yaml', 'missing-field', 'source.workflow'],
    ]);
    expect((error as Error).message).toMatch(
      /^the state cannot be synthesized \(2 problems\):\nimage-factory\.yaml: stateRepo\.url is not set/,
    );
  });
});

describe('ImageFactory: golden manifests', () => {
  it('minimal: one managed image on one base image', async () => {
    const state = input(
      [
        managed('app', {
          baseImages: ['python'],
          workflow: 'build.yml',
          currentVersion: '1.4.0',
          rebuildDelaySeconds: 172_800,
        }),
      ],
      [base('python', 'python:3.12-slim')],
    );
    const { manifests } = synthFactory(state);
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toContain('Stage/rebuild-app');
    await expect(Yaml.stringify(...manifests)).toMatchFileSnapshot('./__golden__/factory.minimal.k8s.yaml');
  });

  it('cascade: the Warehouses and Stages of an image built on a managed image', async () => {
    const state = input(
      [
        managed('runtime', { baseImages: ['debian'], workflow: 'runtime.yml', currentVersion: '3.1.0' }),
        managed('app', {
          baseImages: ['debian', 'runtime'],
          workflow: 'app.yml',
          rebuildDelaySeconds: 3_600,
        }),
      ],
      [base('debian', 'debian:12-slim')],
    );
    const { manifests } = synthFactory(state);
    const wired = manifests.filter(
      (m) => m.kind === 'Warehouse' || (m.kind === 'Stage' && !m.metadata.name.startsWith('analyze-')),
    );
    // runtime soaks debian for the default 7d (plain names), app soaks runtime for 1h.
    expect(wired.map((m) => m.metadata.name)).toEqual([
      'base-debian',
      'base-runtime-soak-1h',
      'image-app',
      'image-runtime',
      'base-debian',
      'base-runtime-soak-1h',
      'rebuild-app',
      'rebuild-runtime',
    ]);
    await expect(Yaml.stringify(...wired)).toMatchFileSnapshot('./__golden__/factory.cascade.k8s.yaml');
  });
});
