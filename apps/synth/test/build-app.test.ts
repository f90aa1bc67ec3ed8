import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageFactory } from '@image-factory/factory';
import type { Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildApp, CHART_ID } from '../src/build-app.js';
import { DIFF_LIST_LIMIT, diffManifests, formatDiff } from '../src/check.js';
import { HEADER_START } from '../src/header.js';
import { type Manifest, renderManifest, sortManifests, synthManifests } from '../src/render.js';
import { load, ROOT } from './helpers.js';

/** A header comment as synth writes it (release 9.9.9). */
const HEADER = `${HEADER_START}@image-factory/analyzer-cli@9.9.9; do not edit.\n# Regenerate it.\n`;

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
      header: 'missing',
      formattingOnly: false,
      unreadable: false,
    });
    expect(formatDiff(diff)).toEqual([
      '  + Stage/c (new)',
      '  - Stage/b (no longer generated)',
      '  ~ Stage/a (changed)',
      '  the file does not start with the generated-file comment (it was written by an older synth or by hand)',
      '  (1 new, 1 removed, 1 changed)',
    ]);
    expect(formatDiff(diffManifests(HEADER + a, HEADER + b)).at(-2)).toBe('  ~ Stage/a (changed)');
  });

  it('tells a missing or different header comment apart from a change of the objects', () => {
    // A manifest written before synth wrote a header: the same objects, reported as different.
    const older = diffManifests(a, HEADER + a);
    expect(older).toMatchObject({ header: 'missing', formattingOnly: false, changed: [] });
    expect(formatDiff(older)).toEqual([
      '  the file does not start with the generated-file comment (it was written by an older synth or by hand)',
    ]);
    const otherVersion = diffManifests(HEADER.replace('9.9.9', '9.9.8') + a, HEADER + a);
    expect(otherVersion).toMatchObject({ header: 'different', formattingOnly: false });
    expect(formatDiff(otherVersion)).toEqual([
      '  the generated-file comment differs (another synth version or state repository)',
    ]);
    expect(diffManifests(HEADER + a, HEADER + a)).toMatchObject({ header: 'same', formattingOnly: false });
  });

  it('tells a reordering or reformatting apart from a change', () => {
    const reordered = `${HEADER}# edited by hand\n${renderManifest([
      { kind: 'Stage', metadata: { name: 'b' }, spec: { x: 1 } },
      { kind: 'Stage', metadata: { name: 'a' }, spec: { x: 1 } },
    ])}`;
    const diff = diffManifests(reordered, HEADER + a);
    expect(diff.formattingOnly).toBe(false); // the comment block differs
    const spaced = diffManifests(HEADER + a.replace('spec:\n  x: 1', 'spec: {x: 1}'), HEADER + a);
    expect(spaced.formattingOnly).toBe(true);
    expect(formatDiff(spaced)).toEqual(['  same objects, but the order or formatting differs']);
    expect(
      formatDiff(
        diffManifests(
          `${HEADER}${renderManifest([
            { kind: 'Stage', metadata: { name: 'b' }, spec: { x: 1 } },
            { kind: 'Stage', metadata: { name: 'a' }, spec: { x: 1 } },
          ])}`,
          HEADER + a,
        ),
      ),
    ).toEqual(['  same objects, but the order or formatting differs']);
    expect(formatDiff(diff)).toEqual([
      '  the generated-file comment differs (another synth version or state repository)',
    ]);
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
    const lines = formatDiff(diffManifests(HEADER + renderManifest([]), HEADER + many));
    expect(lines).toHaveLength(DIFF_LIST_LIMIT + 2);
    expect(lines.at(-2)).toBe('  ... and 10 more');
    expect(lines.at(-1)).toBe('  (30 new, 0 removed, 0 changed)');
  });
});
