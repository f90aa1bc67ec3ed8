import { validateManifest } from '@image-factory/kargo-constructs';
import type { FactoryState } from '@image-factory/state-schema';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/build-app.js';
import { manifestHeader } from '../src/header.js';
import { KIND_ORDER, renderManifest, synthManifests } from '../src/render.js';
import { byName, exampleStates, goDuration, load, policies, requests } from './helpers.js';

type Manifest = Record<string, any>;

/** The base a base Warehouse watches: `base-<name>` or `base-<name>-soak-<delay>` (one per soak time). */
function baseOf(origin: string): string {
  return origin.replace(/^base-/, '').replace(/-soak-(?:\d+[dhms])+$/, '');
}

/** Which bases' changes reach the rebuild of `image` (following auto-rebuilt managed origins). */
function reaching(
  image: string,
  stages: Map<string, Manifest>,
  state: FactoryState,
  seen = new Set<string>(),
): Set<string> {
  const out = new Set<string>();
  const rebuild = stages.get(`rebuild-${image}`);
  if (rebuild === undefined || seen.has(image)) return out;
  seen.add(image);
  for (const r of requests(rebuild)) {
    const base = baseOf(r.origin);
    out.add(base);
    const managed = state.managedImages.find((m) => m.name === base);
    if (managed?.autoRebuild) for (const x of reaching(base, stages, state, seen)) out.add(x);
  }
  return out;
}

describe.each(exampleStates())('example $name', ({ name, dir }) => {
  const { state, warnings } = load(dir);
  const manifests = synthManifests(buildApp(state));
  // What synth writes: the generated-file comment, then the objects.
  const yaml = manifestHeader(state.settings) + renderManifest(manifests);
  const stages = byName(manifests, 'Stage');
  const warehouses = byName(manifests, 'Warehouse');
  const promotion = policies(manifests);

  it('matches its golden manifest', async () => {
    await expect(yaml).toMatchFileSnapshot(`./__golden__/${name}.k8s.yaml`);
  });

  it('is valid against the vendored Kargo and Argo Rollouts CRDs, step and subscription schemas', () => {
    for (const m of manifests) expect(validateManifest(m), `${m.kind}/${m.metadata.name}`).toEqual([]);
  });

  it('is deterministic and sorted: namespace and project first, each kind sorted by name', () => {
    const again = load(dir).state;
    expect(manifestHeader(again.settings) + renderManifest(synthManifests(buildApp(again)))).toBe(yaml);
    expect(manifests.slice(0, 2).map((m) => m.kind)).toEqual(['Namespace', 'Project']);
    const keys = manifests.map(
      (m) => [(KIND_ORDER as readonly string[]).indexOf(m.kind), m.metadata.name] as const,
    );
    expect(keys).toEqual([...keys].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)));
    for (const m of manifests) expect(m.metadata.name.length).toBeLessThanOrEqual(63);
  });

  it('gives every Stage an auto-promotion policy and names only real Stages in them', () => {
    expect([...promotion.keys()].sort()).toEqual([...stages.keys()].sort());
    for (const [stage, stageManifest] of stages) {
      for (const r of requests(stageManifest)) {
        expect(warehouses.has(r.origin), `${stage} requests ${r.origin}`).toBe(true);
        for (const up of r.stages) expect(stages.has(up), `${stage} upstream ${up}`).toBe(true);
      }
    }
  });

  it('watches and analyses every enrolled managed image, with or without a state file', () => {
    for (const image of state.managedImages) {
      const w = warehouses.get(`image-${image.name}`);
      expect(w, image.name).toBeDefined();
      expect(w?.spec.subscriptions[0].image.repoURL).toBe(image.reference.name);
      expect(w?.spec.subscriptions.some((s: Manifest) => s.git !== undefined)).toBe(true);
      const analysis = stages.get(`analyze-dockerfile-${image.name}`);
      expect(analysis?.spec.verification.analysisTemplates[0].name).toBe('analyze-dockerfile');
      expect(promotion.get(`analyze-dockerfile-${image.name}`)).toBe(true);
    }
  });

  it('lets every base change reach each dependent exactly once, after soaking for its rebuildDelay', () => {
    for (const image of state.managedImages) {
      const rebuild = stages.get(`rebuild-${image.name}`);
      if (image.baseImages.length === 0) {
        expect(rebuild, image.name).toBeUndefined();
        continue;
      }
      expect(rebuild, image.name).toBeDefined();
      expect(promotion.get(`rebuild-${image.name}`), `auto-promotion of rebuild-${image.name}`).toBe(
        image.autoRebuild,
      );
      const direct = requests(rebuild!);
      for (const r of direct) {
        expect(image.baseImages, `${image.name} requests ${r.origin}`).toContain(baseOf(r.origin));
        expect(r.direct).toBe(false);
        expect(r.stages).toEqual([r.origin]);
        expect(r.soak).toBe(
          image.rebuildDelaySeconds > 0 ? goDuration(image.rebuildDelaySeconds) : undefined,
        );
      }
      const reached = reaching(image.name, stages, state);
      for (const base of image.baseImages)
        expect(reached.has(base), `${base} reaches ${image.name}`).toBe(true);
      // Not twice: a base wired directly does not also arrive through an auto-rebuilt managed base.
      for (const r of direct) {
        const base = baseOf(r.origin);
        for (const other of direct) {
          const via = state.managedImages.find((m) => m.name === baseOf(other.origin));
          if (via === undefined || !via.autoRebuild || other === r) continue;
          expect(
            reaching(via.name, stages, state).has(base),
            `${base} -> ${image.name} also via ${via.name}`,
          ).toBe(false);
        }
      }
    }
  });

  it('bumps each consumer only with analysed versions', () => {
    for (const image of state.managedImages) {
      const updates = [...stages.values()].filter((s) =>
        requests(s).some(
          (r) => r.origin === `image-${image.name}` && r.stages.includes(`analyze-dockerfile-${image.name}`),
        ),
      );
      expect(updates.map((s) => s.metadata.name).every((n) => n.startsWith(`update-${image.name}-`))).toBe(
        true,
      );
      expect(updates).toHaveLength(image.updates.length);
    }
  });

  it('produces nothing for state files of images that are no longer enrolled', () => {
    const unenrolled = warnings.filter((w) => w.code === 'unenrolled-state');
    for (const w of unenrolled) {
      const ghost = w.file.replace(/^.*\//, '').replace(/\.yaml$/, '');
      // images/<name>.yaml of a name enrolled as a base image (the old tool wrote one for every
      // entry): the file is ignored, the base image is not.
      if (state.baseImages.some((b) => b.name === ghost)) continue;
      expect(manifests.filter((m) => m.metadata.name.includes(ghost)).map((m) => m.metadata.name)).toEqual(
        [],
      );
    }
    if (name === 'fixture-unenrolled') {
      expect(unenrolled.map((w) => w.file)).toEqual(['images/ghost.yaml']);
      expect(warehouses.has('base-alpine-3.19')).toBe(false);
      expect(stages.has('rebuild-keeper')).toBe(true);
    }
  });

  it('carries every option of the state through (fixture-all-options)', () => {
    if (name !== 'fixture-all-options') return;
    const job = (manifests as Manifest[]).find((m) => m.kind === 'AnalysisTemplate')?.spec.metrics[0].provider
      .job.spec;
    const container = job.template.spec.containers[0];
    expect(container.image).toBe('registry.example.com/mirror/analyzer-cli:1.0.0');
    expect(container.resources).toEqual({
      requests: { cpu: '500m', memory: '768Mi' },
      limits: { cpu: '2', memory: '2Gi' },
    });
    expect(container.env.find((e: Manifest) => e.name === 'NODE_OPTIONS')?.value).toBe(
      '--max-old-space-size=1536',
    );
    expect(container.env.find((e: Manifest) => e.name === 'GITLAB_URL')?.value).toBe(
      'https://gitlab.example.com',
    );
    expect(job.template.spec.imagePullSecrets).toEqual([{ name: 'mirror-pull' }]);
    // A base entry's platform wins over warehouses.platform.
    expect(warehouses.get('base-debian-12')?.spec.subscriptions[0].image.platform).toBe('linux/arm64');
    expect(warehouses.get('base-redis-7')?.spec.subscriptions[0].image.platform).toBe('linux/amd64');
    // One base Stage per soak time: tool (0s) and worker (1h30m) both use python.
    expect(
      stages.has('base-python-3.12-slim-soak-0s') && stages.has('base-python-3.12-slim-soak-1h30m'),
    ).toBe(true);
    const values = stages.get('update-runtime-deploy-apps-runtime-values')?.spec.promotionTemplate.spec
      .steps[1];
    expect(values.config.updates.map((u: Manifest) => u.key)).toEqual(['image.tag', 'image.digest']);
  });
});
