import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageFactory } from '@image-factory/factory';
import type { Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildApp, CHART_ID } from '../src/build-app.js';
import { DIFF_LIST_LIMIT, diffManifests, formatDiff } from '../src/check.js';
import { type Manifest, renderManifest, sortManifests, synthManifests } from '../src/render.js';
import { load, ROOT } from './helpers.js';

const m = (kind: string, name: string): Manifest => ({ kind, metadata: { name } });

describe('buildApp', () => {
  it('builds one chart holding the ImageFactory, without touching the file system', () => {
    const outdir = join(tmpdir(), `never-created-${process.pid}`);
    const app = buildApp(load(join(ROOT, 'examples/state')).state, { outdir });
    expect(app.charts.map((c) => c.node.id)).toEqual([CHART_ID]);
    expect((app.charts[0] as Chart).node.children.some((c) => c instanceof ImageFactory)).toBe(true);
    expect(() => readdirSync(outdir)).toThrow();
  });

  it('synthesizes the same objects through app.synth() (the cdk8s synth path)', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'synth-app-'));
    try {
      const state = load(join(ROOT, 'examples/scenarios/cascade')).state;
      const ours = synthManifests(buildApp(state));
      buildApp(state, { outdir }).synth();
      expect(readdirSync(outdir)).toEqual([`${CHART_ID}.k8s.yaml`]);
      const docs = parseAllDocuments(readFileSync(join(outdir, `${CHART_ID}.k8s.yaml`), 'utf8'));
      const theirs = (Array.isArray(docs) ? docs : []).map((d) => d.toJS() as Manifest);
      expect(sortManifests(theirs)).toEqual(ours);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('sortManifests', () => {
  it('puts the Namespace and Project first, then config, template, Warehouses and Stages, each by name', () => {
    const sorted = sortManifests([
      m('Stage', 'b'),
      m('Warehouse', 'z'),
      m('Stage', 'a'),
      m('ConfigMap', 'x'),
      m('AnalysisTemplate', 't'),
      m('ServiceAccount', 's'),
      m('Project', 'p'),
      m('ProjectConfig', 'p'),
      m('Namespace', 'p'),
      m('Warehouse', 'a'),
    ]);
    expect(sorted.map((x) => `${x.kind}/${x.metadata.name}`)).toEqual([
      'Namespace/p',
      'Project/p',
      'ProjectConfig/p',
      'ServiceAccount/s',
      'AnalysisTemplate/t',
      'Warehouse/a',
      'Warehouse/z',
      'Stage/a',
      'Stage/b',
      'ConfigMap/x',
    ]);
  });
});

describe('diffManifests / formatDiff', () => {
  const a = renderManifest([
    { kind: 'Stage', metadata: { name: 'a' }, spec: { x: 1 } },
    { kind: 'Stage', metadata: { name: 'b' }, spec: { x: 1 } },
  ]);

  it('finds added, removed and changed objects', () => {
    const b = renderManifest([
      { kind: 'Stage', metadata: { name: 'a' }, spec: { x: 2 } },
      { kind: 'Stage', metadata: { name: 'c' }, spec: { x: 1 } },
    ]);
    const diff = diffManifests(a, b);
    expect(diff).toEqual({
      added: ['Stage/c'],
      removed: ['Stage/b'],
      changed: ['Stage/a'],
      formattingOnly: false,
      unreadable: false,
    });
    expect(formatDiff(diff)).toEqual([
      '  + Stage/c (new)',
      '  - Stage/b (no longer generated)',
      '  ~ Stage/a (changed)',
      '  (1 new, 1 removed, 1 changed)',
    ]);
  });

  it('tells a reordering or reformatting apart from a change', () => {
    const reordered = `# edited by hand\n${renderManifest([
      { kind: 'Stage', metadata: { name: 'b' }, spec: { x: 1 } },
      { kind: 'Stage', metadata: { name: 'a' }, spec: { x: 1 } },
    ])}`;
    const diff = diffManifests(reordered, a);
    expect(diff.formattingOnly).toBe(true);
    expect(formatDiff(diff)).toEqual(['  same objects, but the order or formatting differs']);
  });

  it('reports a file that is not YAML', () => {
    const diff = diffManifests('a: [unclosed', a);
    expect(diff.unreadable).toBe(true);
    expect(formatDiff(diff)).toEqual(['  the file on disk is not valid YAML; it would be replaced entirely']);
  });

  it('lists at most DIFF_LIST_LIMIT objects', () => {
    const many = renderManifest(
      Array.from({ length: 30 }, (_, i) => ({ kind: 'Stage', metadata: { name: `s${i}` } })),
    );
    const lines = formatDiff(diffManifests(renderManifest([]), many));
    expect(lines).toHaveLength(DIFF_LIST_LIMIT + 2);
    expect(lines.at(-2)).toBe('  ... and 10 more');
    expect(lines.at(-1)).toBe('  (30 new, 0 removed, 0 changed)');
  });
});
