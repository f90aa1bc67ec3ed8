// `image-factory simulate`: a base's digest changes replayed against the synthesized manifests.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, PACKAGE_DIR, runBin, runCli } from './helpers/cli.js';

const EXAMPLES = join(PACKAGE_DIR, '..', '..', 'examples');
const EXAMPLE_STATE = join(EXAMPLES, 'state');
const CASCADE_STATE = join(EXAMPLES, 'scenarios', 'cascade');

interface Report {
  version: number;
  base: { name: string; repoURL: string; tag?: string };
  changes: number;
  timeline: {
    at: number;
    time: string;
    kind: string;
    dispatch?: { stage: string; url: string; body: string };
  }[];
  summary: {
    image: string;
    stage: string;
    rebuilds: number;
    unpinnedRebuilds: number;
    longestWait: number;
    bound: number;
  }[];
}

describe('simulate', () => {
  it('prints the timeline (promotions, dispatches with URL and body, consumer updates) and a summary per image', async () => {
    const result = await runCli([
      'simulate',
      '--state-dir',
      EXAMPLE_STATE,
      '--base',
      'python-3.12-slim',
      '--every',
      '3d',
      '--for',
      '10d',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain(
      'Simulating 3 digest changes of python-3.12-slim (docker.io/library/python:3.12-slim) every 3d for 10d',
    );
    expect(out).toMatch(
      /^ {2}3d00:00 {2}push {7}docker\.io\/library\/python:3\.12-slim sha256:[0-9a-f]{12}$/m,
    );
    expect(out).toMatch(/promote {4}base-python-3\.12-slim-soak-1d ← [0-9a-f]{7} Succeeded/);
    expect(out).toContain(
      'dispatch   rebuild-platform-api: POST https://api.github.com/repos/acme/image-factory-state/actions/workflows/build-platform-api.yml/dispatches',
    );
    // The generated workflow's dispatch pins the soaked digests (at least rebuildDelay, 1d, old).
    expect(out).toMatch(
      /body: \{"inputs":\{"increment":"patch","pins":"\{.*"reason":"base image base-python-3\.12-slim-soak-1d changed/,
    );
    expect(out).toMatch(
      /^ +pin docker\.io\/library\/python:3\.12-slim@sha256:[0-9a-f]{64} \(pushed 1d\S* earlier\)$/m,
    );
    // The team's own workflow declares no pins input: its rebuild is unpinned, and says so.
    expect(out).toContain(
      'dispatch   rebuild-backstage: POST https://api.github.com/repos/acme/platform/actions/workflows/backstage.yml/dispatches',
    );
    expect(out).toMatch(
      /^ +UNPINNED: the build resolves its bases when it runs \(the Freight held docker\.io\/library\/node@sha256:[0-9a-f]{12}\)$/m,
    );
    expect(out).toMatch(/^ {2}backstage +1 +1 /m);
    expect(out).toContain(
      'update     update-backstage-deploy-apps-backstage-kustomization: git-clone → kustomize-set-image → git-commit → git-push',
    );
    expect(out).toMatch(/^ {2}image +rebuilds +unpinned +longest wait +bound$/m);
    expect(out).toMatch(/^ {2}platform-api +\d+ +\d+ +\S+ +\S+/m);
    // The simulation holds no credentials: secret() values are placeholders and never printed.
    expect(out).not.toContain('Bearer');
  });

  it('prints a versioned, deterministic JSON document', async () => {
    const args = [
      'simulate',
      '--state-dir',
      CASCADE_STATE,
      '--base',
      'python-3.12-slim',
      '--every',
      '5d',
      '--for',
      '12d',
      '--json',
    ];
    const first = await runCli(args);
    expect(first.code).toBe(0);
    expect((await runCli(args)).stdout).toBe(first.stdout);
    const report = JSON.parse(first.stdout) as Report;
    expect(report.version).toBe(1);
    expect(report.base).toMatchObject({
      name: 'python-3.12-slim',
      repoURL: 'docker.io/library/python',
      tag: '3.12-slim',
    });
    expect(report.changes).toBe(2);
    expect(report.summary.map((s) => s.image).sort()).toEqual(['api', 'batch', 'runtime-python']);
    // The cascade: python → runtime-python is rebuilt, its new version → api and batch are rebuilt.
    const dispatched = report.timeline.flatMap((e) =>
      e.kind === 'dispatch' && e.dispatch ? [e.dispatch.stage] : [],
    );
    expect(dispatched).toContain('rebuild-runtime-python');
    const firstRuntime = dispatched.indexOf('rebuild-runtime-python');
    expect(dispatched.slice(firstRuntime)).toContain('rebuild-api');
    for (const e of report.timeline) expect(e.time).toMatch(/^\d+d\d\d:\d\d$/);
  });

  it.each([
    [['--every', 'soon'], /--every: not a duration: soon/],
    [['--for', '0d'], /must be positive/],
    [['--for', '9999d'], /--for is at most/],
    [['--every', '1m', '--for', '300d'], /at most 5000 changes/],
  ])('exits 2 on a usage error (%j)', async (extra, message) => {
    const result = await runCli([
      'simulate',
      '--state-dir',
      EXAMPLE_STATE,
      '--base',
      'python-3.12-slim',
      ...extra,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('exits 2 without --base and 1 for a base the state does not have', async () => {
    expect((await runCli(['simulate', '--state-dir', EXAMPLE_STATE])).code).toBe(2);
    const unknown = await runCli(['simulate', '--state-dir', EXAMPLE_STATE, '--base', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('"nope" is neither a base image nor a managed image of the state');
    expect(unknown.stderr).toMatch(/hint: images: .*python-3\.12-slim/);
  });

  describe('the bundled binary', () => {
    beforeAll(ensureBuilt, 120_000);

    it('simulates as the in-process CLI does (it needs no vendored CRDs)', async () => {
      const args = [
        'simulate',
        '--state-dir',
        CASCADE_STATE,
        '--base',
        'python-3.12-slim',
        '--every',
        '4d',
        '--for',
        '9d',
        '--json',
      ];
      const bundled = await runBin(args);
      expect(bundled.stderr).toBe('');
      expect(bundled.code).toBe(0);
      expect(bundled.stdout).toBe((await runCli(args)).stdout);
    });
  });
});
