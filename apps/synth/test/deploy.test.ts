import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SYNC_WAVE_ANNOTATION } from '@image-factory/factory';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildApp } from '../src/build-app.js';
import { synthManifests } from '../src/render.js';
import { load, ROOT } from './helpers.js';

const app = parse(readFileSync(join(import.meta.dirname, '../deploy/argocd-application.yaml'), 'utf8'));

describe('the example Argo CD Application', () => {
  it('syncs the synthesized file of the state repository automatically, with prune', () => {
    expect(app).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' });
    expect(app.spec.source).toMatchObject({ path: 'dist', directory: { include: 'image-factory.k8s.yaml' } });
    expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(app.spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
  });

  it('ignores the refresh annotation Kargo writes on Warehouses', () => {
    const warehouse = app.spec.ignoreDifferences.find((d: { kind: string }) => d.kind === 'Warehouse');
    expect(warehouse).toEqual({
      group: 'kargo.akuity.io',
      kind: 'Warehouse',
      jsonPointers: ['/metadata/annotations/kargo.akuity.io~1refresh'],
    });
  });

  it('points at the output path of the settings, where synth writes', () => {
    const state = load(join(ROOT, 'examples/state')).state;
    expect(`${app.spec.source.path}/${app.spec.source.directory.include}`).toBe(state.settings.output);
  });

  it('relies on sync waves the generated objects carry: Namespace, then Project, then the rest', () => {
    const manifests = synthManifests(buildApp(load(join(ROOT, 'examples/state')).state));
    const wave = (kind: string) =>
      new Set(
        manifests
          .filter((m) => m.kind === kind)
          .map((m) => Number((m.metadata as any).annotations[SYNC_WAVE_ANNOTATION])),
      );
    expect(wave('Namespace')).toEqual(new Set([-2]));
    expect(wave('Project')).toEqual(new Set([-1]));
    for (const kind of ['ProjectConfig', 'ServiceAccount', 'AnalysisTemplate'])
      expect(wave(kind)).toEqual(new Set([0]));
    expect(wave('Warehouse')).toEqual(new Set([1]));
    expect(wave('Stage')).toEqual(new Set([2]));
  });
});
