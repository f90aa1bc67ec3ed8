import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, Chart, Testing } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import * as kargo from '../src/imports/kargo.js';
import * as rollouts from '../src/imports/rollouts.js';

const pkgDir = join(import.meta.dirname, '..');

describe('L1 imports (cdk8s import of the vendored CRDs)', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'kargo-imports-test-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('committed src/imports is identical to a fresh `gen:imports` run (run `pnpm gen:imports` if stale)', () => {
    execFileSync(process.execPath, [join(pkgDir, 'scripts', 'gen-imports.mjs'), '--out', outDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const committedDir = join(pkgDir, 'src', 'imports');
    const generated = readdirSync(outDir).sort();
    expect(generated).toEqual(['kargo.ts', 'rollouts.ts']);
    expect(readdirSync(committedDir).sort()).toEqual(generated);
    for (const file of generated) {
      const fresh = readFileSync(join(outDir, file), 'utf8');
      const committed = readFileSync(join(committedDir, file), 'utf8');
      // Compare sizes first so a failure message stays readable for the 1 MB rollouts module.
      expect(committed.length, `${file} length`).toBe(fresh.length);
      expect(committed === fresh, `${file} content is stale`).toBe(true);
    }
  });

  it('exposes one construct per imported kind with the right GVK', () => {
    const gvks = [
      kargo.Project.GVK,
      kargo.ProjectConfig.GVK,
      kargo.Warehouse.GVK,
      kargo.Stage.GVK,
      kargo.Freight.GVK,
      kargo.Promotion.GVK,
      kargo.PromotionTask.GVK,
      kargo.ClusterPromotionTask.GVK,
      rollouts.AnalysisTemplate.GVK,
      rollouts.ClusterAnalysisTemplate.GVK,
    ];
    expect(gvks.map((g) => `${g.apiVersion}/${g.kind}`)).toEqual([
      'kargo.akuity.io/v1alpha1/Project',
      'kargo.akuity.io/v1alpha1/ProjectConfig',
      'kargo.akuity.io/v1alpha1/Warehouse',
      'kargo.akuity.io/v1alpha1/Stage',
      'kargo.akuity.io/v1alpha1/Freight',
      'kargo.akuity.io/v1alpha1/Promotion',
      'kargo.akuity.io/v1alpha1/PromotionTask',
      'kargo.akuity.io/v1alpha1/ClusterPromotionTask',
      'argoproj.io/v1alpha1/AnalysisTemplate',
      'argoproj.io/v1alpha1/ClusterAnalysisTemplate',
    ]);
  });

  it('synthesizes a Warehouse and a Stage with the generated props', () => {
    const chart = new Chart(Testing.app() as App, 'c', { namespace: 'demo' });
    new kargo.Warehouse(chart, 'w', {
      metadata: { name: 'app' },
      spec: {
        interval: '5m0s',
        freightCreationPolicy: kargo.WarehouseSpecFreightCreationPolicy.AUTOMATIC,
        subscriptions: [{ image: { repoURL: 'ghcr.io/acme/app' } }],
      },
    });
    new kargo.Stage(chart, 's', {
      metadata: { name: 'dev' },
      spec: {
        requestedFreight: [
          {
            origin: { kind: kargo.StageSpecRequestedFreightOriginKind.WAREHOUSE, name: 'app' },
            sources: { direct: true },
          },
        ],
      },
    });
    expect(Testing.synth(chart)).toEqual([
      {
        apiVersion: 'kargo.akuity.io/v1alpha1',
        kind: 'Warehouse',
        metadata: { name: 'app', namespace: 'demo' },
        spec: {
          interval: '5m0s',
          freightCreationPolicy: 'Automatic',
          subscriptions: [{ image: { repoURL: 'ghcr.io/acme/app' } }],
        },
      },
      {
        apiVersion: 'kargo.akuity.io/v1alpha1',
        kind: 'Stage',
        metadata: { name: 'dev', namespace: 'demo' },
        spec: {
          requestedFreight: [{ origin: { kind: 'Warehouse', name: 'app' }, sources: { direct: true } }],
        },
      },
    ]);
  });
});
