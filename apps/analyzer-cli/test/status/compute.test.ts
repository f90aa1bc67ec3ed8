// The status computation (pure) on a real state loaded from disk.
import { join } from 'node:path';
import { loadState } from '@image-factory/state-schema';
import { afterAll, describe, expect, it } from 'vitest';
import { buildImageGraph } from '../../src/lib/graph.js';
import { computeStatus, type RegistryObservation } from '../../src/status/compute.js';
import { tempDir, writeFiles } from '../helpers/git-repos.js';
import { D, NOW, statusState, T1, T2 } from './fixtures.js';

const scratch = tempDir('if-status-compute');
afterAll(() => scratch.cleanup());
let n = 0;

async function report(files: Record<string, string>, observations: Record<string, RegistryObservation>) {
  const dir = join(scratch.dir, `state-${++n}`);
  writeFiles(dir, files);
  const loaded = await loadState(dir);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems, null, 2));
  const graph = buildImageGraph(loaded.state);
  if (!graph.ok) throw new Error(graph.errors.join('\n'));
  return computeStatus({
    state: loaded.state,
    graph: graph.graph,
    observations: new Map(Object.entries(observations)),
    now: NOW,
  });
}

const at = (iso: string, seconds: number) =>
  new Date(Date.parse(iso) + seconds * 1000).toISOString().replace('.000Z', 'Z');
const HOUR = 3600;
const DAY = 24 * HOUR;

describe('computeStatus', () => {
  it('up to date, behind since the recorded change, eligibility from the soak and the sampling interval', async () => {
    const status = await report(statusState(), {
      'python-3.12-slim': { ok: true, digest: D('b'), tagDigest: D('b') },
    });
    const image = (name: string) => status.images.find((candidate) => candidate.name === name);
    expect(status.version).toBe(1);
    expect(status.generatedAt).toBe('2026-12-05T00:00:00Z');

    expect(image('api')?.status).toBe('up-to-date');
    expect(image('api')?.cascade).toEqual(['edge']);

    const app = image('app');
    expect(app?.status).toBe('behind');
    expect(app?.bases[0]).toMatchObject({
      base: 'python-3.12-slim',
      status: 'behind',
      builtOn: D('a'),
      currentDigest: D('b'),
      behindSince: T1,
      behindSinceSource: 'base-images/python-3.12-slim.yaml updateHistory',
      digestSeenAt: T1,
      // 7d soak; the sampling Warehouse discovers every max(24h, 7d + 1h) = 169h.
      eligibleAt: at(T1, 7 * DAY),
      rebuildBy: at(T1, 169 * HOUR + 7 * DAY),
      intervalSeconds: 169 * HOUR,
    });
    expect(app?.eligibleAt).toBe(at(T1, 7 * DAY));

    // A cascade: edge is built on an older api; api's last build is its change.
    const edge = image('edge');
    expect(edge?.status).toBe('behind');
    expect(edge?.bases[0]).toMatchObject({
      kind: 'image',
      builtOn: D('0'),
      currentDigest: D('2'),
      behindSince: T2,
      behindSinceSource: 'images/api.yaml lastBuilt',
      eligibleAt: T2, // no soak
      rebuildBy: at(T2, 5 * 60), // managedInterval 5m, no soak
    });

    const legacy = image('legacy');
    expect(legacy?.status).toBe('unknown');
    expect(legacy?.reasons).toEqual([
      'python-3.12-slim: the current version records no digest for it (unpinned build, or built before builtOn was recorded)',
    ]);

    const base = (name: string) => status.bases.find((candidate) => candidate.name === name);
    expect(base('busybox-1.36')).toMatchObject({ check: 'pinned', currentDigest: D('c'), changed: false });
    expect(base('redis-7')).toMatchObject({ check: 'not-checked', external: true });
    expect(base('redis-7')?.reason).toContain('SemVer over allowTags ^7\\.\\d+$');
    expect(base('python-3.12-slim')).toMatchObject({
      check: 'registry',
      tag: '3.12-slim',
      currentDigest: D('b'),
      recordedDigest: D('b'),
      changed: false,
      usedBy: ['api', 'app', 'legacy'],
      cascade: ['api', 'app', 'edge', 'legacy'],
    });
    expect(status.summary).toEqual({ upToDate: 1, behind: 2, unknown: 1, registryErrors: 0 });
  });

  it('a digest the state has not recorded: behind since this run, up-to-date images fall behind', async () => {
    const status = await report(statusState(), {
      'python-3.12-slim': { ok: true, digest: D('e'), tagDigest: D('f'), platform: 'linux/amd64' },
    });
    const api = status.images.find((image) => image.name === 'api');
    expect(api?.status).toBe('behind');
    expect(api?.bases.find((base) => base.base === 'python-3.12-slim')).toMatchObject({
      behindSince: '2026-12-05T00:00:00Z',
      behindSinceSource: 'this run (not recorded yet)',
      eligibleAt: at('2026-12-05T00:00:00Z', DAY),
    });
    // app was built on a, the state knows a -> b at T1: behind since T1, soak counted from now.
    const app = status.images.find((image) => image.name === 'app');
    expect(app?.bases[0]).toMatchObject({ behindSince: T1, digestSeenAt: '2026-12-05T00:00:00Z' });
    const python = status.bases.find((base) => base.name === 'python-3.12-slim');
    expect(python).toMatchObject({ changed: true, currentDigest: D('e'), tagDigest: D('f') });
  });

  it('the tag digest of a multi-platform index counts as built on (Kargo records the index)', async () => {
    const status = await report(statusState(), {
      'python-3.12-slim': { ok: true, digest: D('9'), tagDigest: D('b'), platform: 'linux/arm64' },
    });
    expect(status.images.find((image) => image.name === 'api')?.status).toBe('up-to-date');
  });

  it('a registry error makes the images on that base unknown, with the reason', async () => {
    const status = await report(statusState(), {
      'python-3.12-slim': {
        ok: false,
        code: 'denied',
        message: 'docker.io/library/python:3.12-slim: access denied (registry-1.docker.io, HTTP 401)',
      },
    });
    const app = status.images.find((image) => image.name === 'app');
    expect(app?.status).toBe('unknown');
    expect(app?.reasons[0]).toBe(
      'python-3.12-slim: registry error: docker.io/library/python:3.12-slim: access denied (registry-1.docker.io, HTTP 401)',
    );
    // api is behind on nothing it knows of and unknown on python.
    expect(status.images.find((image) => image.name === 'api')?.status).toBe('unknown');
    expect(status.summary.registryErrors).toBe(1);
  });

  it('is deterministic', async () => {
    const observations = { 'python-3.12-slim': { ok: true, digest: D('b'), tagDigest: D('b') } } as const;
    const first = await report(statusState(), observations);
    const second = await report(statusState(), observations);
    expect(JSON.stringify(first)).toBe(JSON.stringify(second));
  });
});
