import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runSynth } from '../src/cli.js';
import { ROOT } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'synth-summary-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
/** A copy of a state repository with `settings` appended to its image-factory.yaml. */
function stateWith(example: string, settings: string): string {
  const cwd = join(work, String(n++));
  mkdirSync(cwd, { recursive: true });
  const state = join(cwd, 'state');
  cpSync(join(ROOT, example), state, { recursive: true });
  rmSync(join(state, 'dist'), { recursive: true, force: true });
  appendFileSync(join(state, 'image-factory.yaml'), settings);
  return state;
}

/** The plan's warning about examples/state's backstage (unpinned rebuilds), its file as seen from `work`. */
function unpinned(state: string): string {
  return (
    `${relative(work, state)}/images.yaml:5:3: warning: image "backstage": its rebuilds are unpinned: backstage.yml has no recorded inputs (run generate-state), so the build resolves its base tags itself instead of building on the digests that soaked\n` +
    '  hint: declare a "pins" input in the workflow and build with --build-context per entry (see docs/rebuilds.md), then run generate-state\n'
  );
}

function objects(file: string): Record<string, any>[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Record<string, any>);
}

describe('the synth summary', () => {
  it('shows the polling a webhook receiver saves, and the receivers land in the ProjectConfig', async () => {
    const state = stateWith(
      'examples/state',
      'webhooks:\n  github: {enabled: true}\n  gitlab: {enabled: true}\n',
    );
    const out = join(state, 'out.yaml');
    const result = await runSynth(['--state-dir', state, '--out', out], { env: {}, cwd: work });
    expect(result.exitCode).toBe(0);
    // backstage and platform-api (ghcr.io + GitHub sources) poll every 6 h; reports-worker's image is on
    // registry.gitlab.com, which no receiver covers, so its Warehouse keeps 5 minutes.
    expect(result.stderr).toBe(
      `${unpinned(state)}synth: 24 objects; estimated Warehouse polling requests per day: docker.io 23 (1 tag list, 22 manifests), gcr.io 1 (1 manifest), ghcr.io 168 (8 tag lists, 160 manifests), github.com 12 (12 git ls-remotes), gitlab.com 288 (288 git ls-remotes), registry.gitlab.com 288 (288 tag lists)\n`,
    );
    const manifests = objects(out);
    const config = manifests.find((m) => m.kind === 'ProjectConfig');
    expect(config?.spec.webhookReceivers).toEqual([
      { name: 'github', github: { secretRef: { name: 'image-factory-webhook-github' } } },
      { name: 'gitlab', gitlab: { secretRef: { name: 'image-factory-webhook-gitlab' } } },
    ]);
    const interval = (name: string) =>
      manifests.find((m) => m.kind === 'Warehouse' && m.metadata.name === name)?.spec.interval;
    expect(interval('image-backstage')).toBe('6h0m0s');
    expect(interval('image-reports-worker')).toBe('5m0s');
    // A sampling Warehouse polls at soak + 1h at the fastest (24h base interval, 1d soak).
    expect(interval('base-python-3.12-slim-soak-1d')).toBe('25h0m0s');
  });

  it('warns, positioned, when a registry receiver reaches the sampling Warehouse of a managed base', async () => {
    // The fixture enables every receiver, GitHub without package events: turn them on.
    const state = stateWith('apps/synth/test/fixtures/all-options', '');
    const settingsFile = join(state, 'image-factory.yaml');
    writeFileSync(
      settingsFile,
      readFileSync(settingsFile, 'utf8').replace('packageEvents: false', 'packageEvents: true'),
    );
    const result = await runSynth(['--state-dir', state, '--out', join(state, 'out.yaml')], {
      env: {},
      cwd: work,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(
      /^\d+\/state\/images\.yaml:\d+:\d+: warning: image "runtime" is the base of app \(rebuildDelay 1d\), and the github webhook receiver hears about pushes to ghcr\.io\/acme\/runtime: .*base-runtime-soak-1d/m,
    );
    expect(result.stderr).toContain('webhooks.github.packageEvents: false');
    // With the plan's warnings, sorted by position, each once.
    const positions = [...result.stderr.matchAll(/^\d+\/state\/(\S+):(\d+):(\d+): warning: /gm)].map(
      ([, file, line, col]) => `${file}:${line?.padStart(6, '0')}:${col?.padStart(6, '0')}`,
    );
    expect(positions).toEqual([...positions].sort());
    expect(result.stderr.match(/its rebuilds are unpinned/g)).toHaveLength(2);
  });

  it("warns when docker.io would be asked more than Docker Hub's anonymous limit allows", async () => {
    const state = stateWith('examples/state', '');
    const settingsFile = join(state, 'image-factory.yaml');
    writeFileSync(
      settingsFile,
      readFileSync(settingsFile, 'utf8').replace('baseInterval: 24h', 'baseInterval: 5m'),
    );
    const result = await runSynth(['--state-dir', state, '--out', join(state, 'out.yaml')], {
      env: {},
      cwd: work,
    });
    expect(result.exitCode).toBe(0);
    // At 5m, 20 manifest requests run 288 times a day, and the sampling Warehouses (which poll at
    // soak + 1h, never faster) add 2: 5,762 a day, about 1,441 per 6 hours.
    expect(result.stderr).toContain(
      "warning: the Warehouses would make about 1441 manifest requests to docker.io per 6 hours, more than Docker Hub's documented limit of 100 pulls per 6 hours for unauthenticated users",
    );
  });

  it('is not printed by --check, whose output stays as it was', async () => {
    const state = stateWith('examples/state', '');
    await runSynth(['--state-dir', state], { env: {}, cwd: work });
    const check = await runSynth(['--state-dir', state, '--check'], { env: {}, cwd: work });
    // Only the warnings about the state (the summary line comes from writing).
    expect(check).toMatchObject({ exitCode: 0, stderr: unpinned(state) });
    expect(check.stdout).toMatch(/is up to date \(24 objects\)\n$/);
  });
});
