// `image-factory graph`: base image -> image -> consumer, with cascades; cycles are errors.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatGraph } from '../src/commands/graph.js';
import { buildImageGraph, cycleErrors } from '../src/lib/graph.js';
import { runCli } from './helpers/cli.js';
import { tempDir, writeFiles } from './helpers/git-repos.js';

const scratch = tempDir('if-graph');
afterAll(() => scratch.cleanup());
let n = 0;

const DIGEST = `sha256:${'c'.repeat(64)}`;

/** A state with a base used by two images, a cascade (api on backstage), consumers and an external image. */
const CASCADE_STATE = {
  'images.yaml': `- name: backstage
  registry: ghcr.io
  repository: acme/backstage
  source: {repo: acme/platform, dockerfile: backstage/Dockerfile}
  updates:
    - {repo: acme/deploy, path: apps/backstage/kustomization.yaml, type: kustomize-set-image}
- name: api
  registry: ghcr.io
  repository: acme/api
  source: {repo: acme/platform, dockerfile: api/Dockerfile}
  updates:
    - {repo: acme/deploy, path: "apps/api/values.yaml", type: yaml-update, key: image.tag}
- name: edge
  registry: ghcr.io
  repository: acme/edge
  source: {repo: acme/platform, dockerfile: edge/Dockerfile}
- name: redis-7
  repoURL: docker.io/library/redis
  allowTags: ^7\\.\\d+$
`,
  'images/backstage.yaml': 'name: backstage\nbaseImages: [node-22-bookworm-slim]\n',
  'images/api.yaml': 'name: api\nbaseImages: [backstage]\n',
  'images/edge.yaml': 'name: edge\nbaseImages: [api, busybox-1.36]\n',
  'base-images/node-22-bookworm-slim.yaml':
    'name: node-22-bookworm-slim\nimage: docker.io/library/node:22-bookworm-slim\n',
  'base-images/busybox-1.36.yaml': `name: busybox-1.36\nimage: docker.io/library/busybox:1.36@${DIGEST}\n`,
};

function stateDir(files: Record<string, string>): string {
  const dir = join(scratch.dir, `state-${++n}`);
  writeFiles(dir, files);
  return dir;
}

describe('graph', () => {
  it.each([
    ['mermaid', 'graph.cascade.mmd'],
    ['dot', 'graph.cascade.dot'],
    ['json', 'graph.cascade.json'],
  ])('renders %s deterministically', async (format, golden) => {
    const dir = stateDir(CASCADE_STATE);
    const first = await runCli(['graph', '--state-dir', dir, '--format', format]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const second = await runCli(['graph', '--state-dir', dir, '--format', format]);
    expect(second.stdout).toBe(first.stdout);
    await expect(first.stdout).toMatchFileSnapshot(`./__golden__/${golden}`);
  });

  it('has every edge and the transitive cascades in JSON', async () => {
    const result = await runCli(['graph', '--state-dir', stateDir(CASCADE_STATE), '--format', 'json']);
    const graph = JSON.parse(result.stdout);
    expect(graph.edges).toContainEqual({
      from: 'base:node-22-bookworm-slim',
      to: 'image:backstage',
      kind: 'builds',
    });
    expect(graph.edges).toContainEqual({ from: 'image:backstage', to: 'image:api', kind: 'builds' });
    expect(graph.edges).toContainEqual({
      from: 'image:api',
      to: 'consumer:acme/deploy@main:apps/api/values.yaml',
      kind: 'updates',
      label: 'yaml-update',
    });
    // A node change rebuilds everything downstream of it.
    expect(graph.cascades).toEqual({
      'base:busybox-1.36': ['edge'],
      'base:node-22-bookworm-slim': ['api', 'backstage', 'edge'],
      'image:api': ['edge'],
      'image:backstage': ['api', 'edge'],
    });
    // The external image is a node without edges.
    expect(graph.nodes).toContainEqual({
      id: 'base:redis-7',
      kind: 'base',
      name: 'redis-7',
      detail: 'docker.io/library/redis',
    });
  });

  it('defaults to mermaid', async () => {
    const result = await runCli(['graph', '--state-dir', stateDir(CASCADE_STATE)]);
    expect(result.stdout.startsWith('flowchart LR\n')).toBe(true);
    expect(result.stdout).toContain('i1 --> i0');
  });

  it('reports a cycle of managed images as an error (exit 1)', async () => {
    const files = {
      ...CASCADE_STATE,
      'images/backstage.yaml': 'name: backstage\nbaseImages: [edge]\n',
    };
    const result = await runCli(['graph', '--state-dir', stateDir(files), '--format', 'json']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    // The loader refuses the cycle (graph's own check is tested on the model below).
    expect(result.stderr).toMatch(
      /cycle: (api|backstage|edge) -> (api|backstage|edge) -> (api|backstage|edge) -> /,
    );
  });

  it('accepts --json as --format json, and refuses both together', async () => {
    const dir = stateDir(CASCADE_STATE);
    const json = await runCli(['graph', '--state-dir', dir, '--json']);
    const format = await runCli(['graph', '--state-dir', dir, '--format', 'json']);
    expect(json).toEqual(format);
    expect(JSON.parse(json.stdout).version).toBe(1);
    const both = await runCli(['graph', '--state-dir', dir, '--json', '--format', 'dot']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("error: option '--json' cannot be used with option '--format <format>'");
  });

  it('rejects an unknown format as a usage error', async () => {
    const result = await runCli(['graph', '--state-dir', stateDir(CASCADE_STATE), '--format', 'svg']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Allowed choices are mermaid, dot, json/);
  });

  it('fails with a hint naming --state-dir when the state directory is missing', async () => {
    const missing = join(scratch.dir, 'missing');
    const result = await runCli(['graph', '--state-dir', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `image-factory: state directory ${missing} does not exist or is not a directory\n` +
        'hint: pass --state-dir DIR or set IMAGE_FACTORY_STATE_DIR to a checkout of the state repository\n',
    );
  });

  it('fails with the state problems when the state is invalid', async () => {
    const dir = stateDir({ 'images.yaml': '- name: Bad Name\n' });
    const result = await runCli(['graph', '--state-dir', '.'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^image-factory: the state repository is invalid:\n {2}images\.yaml:1:/);
    const outside = await runCli(['graph', '--state-dir', dir], { cwd: import.meta.dirname });
    expect(outside.stderr).toContain(`invalid:\n  ${join(dir, 'images.yaml')}:1:`);
  });

  it('renders the example state', async () => {
    const result = await runCli([
      'graph',
      '--state-dir',
      join(import.meta.dirname, '../../../examples/state'),
      '--format',
      'dot',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('"base:node-22-bookworm-slim" -> "image:backstage";');
  });
});

describe('the graph model', () => {
  it('finds each cycle once, in a canonical rotation', () => {
    expect(
      cycleErrors(
        new Map([
          ['c', ['a']],
          ['a', ['b']],
          ['b', ['c']],
          ['d', ['d']],
          ['e', []],
        ]),
      ),
    ).toEqual([
      'base-image cycle: a -> b -> c -> a (each image is built from the next)',
      'base-image cycle: d -> d (each image is built from the next)',
    ]);
    expect(
      cycleErrors(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('refuses a cycle and an unknown base name even if the loader let them through', () => {
    const ref = (name: string) => ({ name, normalized: name }) as never;
    const image = (name: string, baseImages: string[]) =>
      ({ name, reference: ref(`ghcr.io/acme/${name}`), baseImages, updates: [] }) as never;
    const result = buildImageGraph({
      managedImages: [image('a', ['b']), image('b', ['a', 'nowhere'])],
      baseImages: [],
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        'image "b" is built from "nowhere", which is neither a base image nor a managed image',
        'base-image cycle: a -> b -> a (each image is built from the next)',
      ],
    });
  });

  it('escapes labels for mermaid and dot', () => {
    const graph = {
      nodes: [
        { id: 'consumer:x', kind: 'consumer' as const, name: 'a "quoted" <name>', detail: 'back\\slash' },
      ],
      edges: [],
      cascades: {},
    };
    expect(formatGraph(graph, 'mermaid')).toContain(
      'c0["a #quot;quoted#quot; #lt;name#gt;<br/><small>back\\slash</small>"]',
    );
    expect(formatGraph(graph, 'dot')).toContain(
      '"consumer:x" [label="a \\"quoted\\" <name>\\nback\\\\slash", shape=note];',
    );
  });
});
