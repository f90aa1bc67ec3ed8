import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadState } from '../src/loader.js';
import { formatProblem } from '../src/problems.js';
import { stateDir } from './helpers.js';

/** A state repository of `depth` managed images, each built on the previous one (and on debian). */
function cascade(depth: number): string {
  const dir = stateDir({});
  mkdirSync(join(dir, 'images'));
  const name = (i: number) => `i${String(i).padStart(5, '0')}`;
  const entries: string[] = [];
  for (let i = 0; i < depth; i++) {
    entries.push(
      `- name: ${name(i)}\n  registry: ghcr.io\n  repository: acme/${name(i)}\n  source:\n    repo: acme/${name(i)}\n    dockerfile: Dockerfile\n    workflow: build.yml\n`,
    );
    const below = i === 0 ? [] : [name(i - 1)];
    writeFileSync(
      join(dir, 'images', `${name(i)}.yaml`),
      `name: ${name(i)}\nbaseImages: [${['debian-12', ...below].join(', ')}]\n`,
    );
  }
  entries.push('- name: debian-12\n  repoURL: docker.io/library/debian\n  tag: "12"\n');
  writeFileSync(join(dir, 'images.yaml'), entries.join(''));
  writeFileSync(join(dir, 'image-factory.yaml'), 'analysis:\n  image: ghcr.io/acme/analyzer:1.0.0\n');
  return dir;
}

// The walks over the cascade (findCycles, the rebuild graph) are iterative and tested at 20,000
// levels in rules.test.ts and kargo-constructs' graph and plan tests. Through the loader, the deepest
// cascade is bounded by how many images images.yaml may hold (MAX_YAML_NODES: about 6,000).
describe('security: deep cascades', () => {
  it('loads a 5,000-deep cascade (the largest fleet images.yaml holds) without overflowing the stack', () => {
    const result = loadState(cascade(5_000));
    if (!result.ok) throw new Error(result.problems.slice(0, 5).map(formatProblem).join('\n'));
    expect(result.state.managedImages).toHaveLength(5_000);
    expect(result.warnings).toEqual([]);
  }, 120_000);

  it('refuses a 20,000-image images.yaml with one positioned error, never a stack overflow', () => {
    const result = loadState(cascade(20_000));
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^images\.yaml:\d+:\d+: YAML syntax error: more than 150,000 nodes/),
    ]);
  }, 120_000);
});
