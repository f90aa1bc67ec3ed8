import { describe, expect, it } from 'vitest';
import { planRebuildGraph } from '../src/index.js';

const img = (name: string, baseImages: string[], autoRebuild = true) => ({ name, baseImages, autoRebuild });

describe('planRebuildGraph', () => {
  it('wires every direct base of an image to its rebuild', () => {
    const graph = planRebuildGraph([img('app', ['python', 'golang']), img('web', ['node'])]);
    expect(graph.sources.get('app')).toEqual(['golang', 'python']);
    expect(graph.sources.get('web')).toEqual(['node']);
    expect(graph.reduced.size).toBe(0);
    expect(graph.managedBases).toEqual([]);
    expect(graph.feeding).toEqual(['golang', 'node', 'python']);
  });

  it('gives an image without bases no rebuild sources', () => {
    const graph = planRebuildGraph([img('fresh', [])]);
    expect(graph.sources.has('fresh')).toBe(false);
    expect(graph.feeding).toEqual([]);
  });

  it('wires a managed base (cascade) and lists it as a managed base', () => {
    const graph = planRebuildGraph([img('runtime', ['debian']), img('app', ['runtime'])]);
    expect(graph.sources.get('app')).toEqual(['runtime']);
    expect(graph.sources.get('runtime')).toEqual(['debian']);
    expect(graph.managedBases).toEqual(['runtime']);
    expect(graph.feeding).toEqual(['debian', 'runtime']);
  });

  it('drops a direct base whose change already arrives through an auto-rebuilt managed base', () => {
    // app uses debian directly and through runtime: a debian change rebuilds runtime, whose new
    // image rebuilds app; wiring debian -> app too would build app twice.
    const graph = planRebuildGraph([img('runtime', ['debian']), img('app', ['debian', 'runtime'])]);
    expect(graph.sources.get('app')).toEqual(['runtime']);
    expect(graph.reduced.get('app')).toEqual([{ base: 'debian', via: 'runtime' }]);
    expect(graph.feeding).toEqual(['debian', 'runtime']);
  });

  it('follows auto-rebuilt chains transitively', () => {
    const graph = planRebuildGraph([
      img('os', ['debian']),
      img('runtime', ['os']),
      img('app', ['debian', 'runtime']),
    ]);
    expect(graph.sources.get('app')).toEqual(['runtime']);
    expect(graph.reduced.get('app')).toEqual([{ base: 'debian', via: 'runtime' }]);
  });

  it('keeps the direct edge when the managed base is not rebuilt automatically', () => {
    const graph = planRebuildGraph([img('runtime', ['debian'], false), img('app', ['debian', 'runtime'])]);
    expect(graph.sources.get('app')).toEqual(['debian', 'runtime']);
    expect(graph.reduced.has('app')).toBe(false);
  });

  it('keeps the direct edge when the chain is broken by an image that is not rebuilt automatically', () => {
    const graph = planRebuildGraph([
      img('os', ['debian'], false),
      img('runtime', ['os']),
      img('app', ['debian', 'runtime']),
    ]);
    expect(graph.sources.get('app')).toEqual(['debian', 'runtime']);
  });

  it('ignores duplicate base names', () => {
    const graph = planRebuildGraph([img('app', ['python', 'python'])]);
    expect(graph.sources.get('app')).toEqual(['python']);
  });

  it('plans a 20,000-deep cascade without overflowing the stack (security: hostile state)', () => {
    // Each image is built on the previous one and on debian: every debian edge but the first is
    // redundant, found through the chain without recursion.
    const depth = 20_000;
    const name = (i: number) => `i${String(i).padStart(5, '0')}`;
    const images = Array.from({ length: depth }, (_, i) =>
      img(name(i), i === 0 ? ['debian'] : ['debian', name(i - 1)]),
    );
    const graph = planRebuildGraph(images);
    expect(graph.sources.get(name(0))).toEqual(['debian']);
    expect(graph.sources.get(name(depth - 1))).toEqual([name(depth - 2)]);
    expect(graph.reduced.get(name(depth - 1))).toEqual([{ base: 'debian', via: name(depth - 2) }]);
    expect(graph.managedBases).toHaveLength(depth - 1);
    // With the chain broken by a manual rebuild at the bottom, debian stays wired where it must.
    const broken = planRebuildGraph(
      images.map((image, i) => (i === 0 ? { ...image, autoRebuild: false } : image)),
    );
    expect(broken.sources.get(name(1))).toEqual(['debian', name(0)]);
    expect(broken.sources.get(name(2))).toEqual([name(1)]);
  });
});
