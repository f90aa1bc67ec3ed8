import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSynth } from '../src/cli.js';
import { ROOT } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'synth-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
/** A fresh copy of an example state repository inside `work/<n>/state`. */
function copyOf(example: string): { cwd: string; state: string } {
  const cwd = join(work, String(n++));
  const state = join(cwd, 'state');
  mkdirSync(cwd, { recursive: true });
  cpSync(join(ROOT, example), state, { recursive: true });
  rmSync(join(state, 'dist'), { recursive: true, force: true });
  return { cwd, state };
}

const noEnv = {};

describe('runSynth', () => {
  it('writes <state>/dist/image-factory.k8s.yaml by default and reports it', async () => {
    const { cwd, state } = copyOf('examples/state');
    const result = await runSynth(['--state-dir', 'state'], { env: noEnv, cwd });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('wrote state/dist/image-factory.k8s.yaml (24 objects)\n');
    // The summary goes to stderr (stdout may carry the manifests): every managed image polls every 5
    // minutes (288 discoveries a day); the SemVer ones read a tag list and up to 20 manifests each time.
    expect(result.stderr).toBe(
      'synth: 24 objects; estimated Warehouse polling requests per day: docker.io 23 (1 tag list, 22 manifests), gcr.io 1 (1 manifest), ghcr.io 12096 (576 tag lists, 11520 manifests), github.com 864 (864 git ls-remotes), gitlab.com 288 (288 git ls-remotes), registry.gitlab.com 288 (288 tag lists)\n',
    );
    const text = readFileSync(join(state, 'dist/image-factory.k8s.yaml'), 'utf8');
    expect(text.startsWith('apiVersion: v1\nkind: Namespace\n')).toBe(true);
    expect(text).toBe(readFileSync(join(import.meta.dirname, '__golden__/state.k8s.yaml'), 'utf8'));
  });

  it('does not rewrite an unchanged file', async () => {
    const { cwd, state } = copyOf('examples/state');
    await runSynth(['--state-dir', 'state'], { env: noEnv, cwd });
    const out = join(state, 'dist/image-factory.k8s.yaml');
    const before = statSync(out).mtimeMs;
    const again = await runSynth(['--state-dir', 'state'], { env: noEnv, cwd });
    expect(again.stdout).toBe('state/dist/image-factory.k8s.yaml is unchanged (24 objects)\n');
    expect(statSync(out).mtimeMs).toBe(before);
  });

  it('takes the state directory from IMAGE_FACTORY_STATE_DIR, else ../image-factory-state', async () => {
    const { cwd } = copyOf('examples/scenarios/updates');
    const viaEnv = await runSynth(['--out', 'a.yaml'], { env: { IMAGE_FACTORY_STATE_DIR: 'state' }, cwd });
    expect(viaEnv.exitCode).toBe(0);
    const sibling = join(cwd, '..', 'image-factory-state');
    const fromDefault = await runSynth(['--out', 'b.yaml'], { env: { IMAGE_FACTORY_STATE_DIR: '' }, cwd });
    expect(existsSync(sibling)).toBe(false);
    expect(fromDefault.exitCode).toBe(1);
    expect(fromDefault.stderr).toContain(`state directory ${sibling} does not exist`);
  });

  it('writes where --out says, and honours the settings output path', async () => {
    const { cwd, state } = copyOf('examples/scenarios/updates');
    writeFileSync(
      join(state, 'image-factory.yaml'),
      'stateRepo:\n  url: https://github.com/acme/image-factory-state.git\noutput: deploy/kargo.yaml\n',
    );
    expect((await runSynth(['--state-dir', 'state'], { env: noEnv, cwd })).stdout).toBe(
      'wrote state/deploy/kargo.yaml (13 objects)\n',
    );
    const custom = await runSynth(['--state-dir', 'state', '--out', 'elsewhere/x.yaml'], { env: noEnv, cwd });
    expect(custom.stdout).toBe('wrote elsewhere/x.yaml (13 objects)\n');
    expect(readFileSync(join(cwd, 'elsewhere/x.yaml'), 'utf8')).toBe(
      readFileSync(join(state, 'deploy/kargo.yaml'), 'utf8'),
    );
  });

  it('--check passes when the file is current and fails with a summary when it differs', async () => {
    const { cwd, state } = copyOf('examples/state');
    const io = { env: noEnv, cwd };
    const missing = await runSynth(['--state-dir', 'state', '--check'], io);
    expect(missing).toMatchObject({
      exitCode: 1,
      stderr: 'state/dist/image-factory.k8s.yaml does not exist; run pnpm synth to create it\n',
    });
    await runSynth(['--state-dir', 'state'], io);
    expect(await runSynth(['--state-dir', 'state', '--check'], io)).toMatchObject({
      exitCode: 0,
      stdout: 'state/dist/image-factory.k8s.yaml is up to date (24 objects)\n',
    });
    const out = join(state, 'dist/image-factory.k8s.yaml');
    const original = readFileSync(out, 'utf8');
    writeFileSync(
      out,
      original
        .replace('  name: rebuild-backstage\n  namespace:', '  name: rebuild-old\n  namespace:')
        .replace('interval: 5m0s', 'interval: 1m0s'),
    );
    const stale = await runSynth(['--state-dir', 'state', '--check'], io);
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toBe(
      'state/dist/image-factory.k8s.yaml is out of date:\n' +
        '  + Stage/rebuild-backstage (new)\n' +
        '  - Stage/rebuild-old (no longer generated)\n' +
        '  ~ Warehouse/image-backstage (changed)\n' +
        '  (1 new, 1 removed, 1 changed)\n' +
        'run pnpm synth to update it\n',
    );
    expect(readFileSync(out, 'utf8')).not.toBe(original); // --check never writes
  });

  it('reports every problem of an invalid state as file:line:col and writes nothing', async () => {
    const { cwd, state } = copyOf('examples/state');
    writeFileSync(
      join(state, 'images.yaml'),
      readFileSync(join(state, 'images.yaml'), 'utf8')
        .replace('rebuildDelay: 7d', 'rebuildDelay: 7 days')
        .replace('autoRebuild: false', 'autoRebiuld: false'),
    );
    const result = await runSynth(['--state-dir', 'state'], { env: noEnv, cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter((l) => /^\S+:\d+:\d+: /.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(result.stderr).toMatch(/^images\.yaml:\d+:\d+: .*rebuildDelay/m);
    expect(result.stderr).toMatch(/^images\.yaml:\d+:\d+: .*autoRebiuld/m);
    expect(result.stderr).toContain('nothing was written');
    expect(existsSync(join(state, 'dist'))).toBe(false);
  });

  it('reports a state that cannot be wired (no stateRepo.url) with positions, and writes nothing', async () => {
    const { cwd, state } = copyOf('examples/state');
    writeFileSync(join(state, 'image-factory.yaml'), 'kargo:\n  project: image-factory-kargo\n');
    const result = await runSynth(['--state-dir', 'state'], { env: noEnv, cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^image-factory\.yaml: stateRepo\.url is not set/m);
    expect(result.stderr).toMatch(/^images\.yaml:\d+:\d+: image "platform-api" has no source\.workflow/m);
    expect(existsSync(join(state, 'dist'))).toBe(false);
  });

  it('reports synth-time validation failures with the construct path and field, and writes nothing', async () => {
    // stateRepo.branch is a git branch name the settings schema accepts but Kargo's git subscription
    // pattern does not (subscription-schemas/git.json): only the synth-time validation sees it.
    const { cwd, state } = copyOf('examples/state');
    writeFileSync(
      join(state, 'image-factory.yaml'),
      'stateRepo:\n  url: https://github.com/acme/image-factory-state.git\n  branch: release+1\n',
    );
    const result = await runSynth(['--state-dir', 'state'], { env: noEnv, cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('error: synth-time validation failed; nothing was written');
    expect(result.stderr).toContain(
      '[image-factory/ImageFactory/Warehouses/image-platform-api] spec.subscriptions[2].git.branch: invalid value "release+1"',
    );
    expect(existsSync(join(state, 'dist'))).toBe(false);
  });

  it('refuses labels the apiserver would refuse before synthesizing, at their position', async () => {
    const { cwd, state } = copyOf('examples/scenarios/updates');
    writeFileSync(
      join(state, 'image-factory.yaml'),
      'kargo:\n  labels:\n    team: "platform team"\nstateRepo:\n  url: https://github.com/acme/image-factory-state.git\n',
    );
    const result = await runSynth(['--state-dir', 'state'], { env: noEnv, cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /^image-factory.yaml:3:11: kargo.labels.team "platform team" is not a valid Kubernetes label value: /,
    );
    expect(existsSync(join(state, 'dist'))).toBe(false);
  });

  it('prints warnings (legacy layout) but still synthesizes', async () => {
    const { cwd } = copyOf('examples/scenarios/legacy-layout');
    const result = await runSynth(['--state-dir', 'state', '--out', 'out.yaml'], { env: noEnv, cwd });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('warning: the state/ layout is deprecated');
  });

  it('writes into $CDK8S_OUTDIR when run by cdk8s synth', async () => {
    const { cwd, state } = copyOf('examples/scenarios/cascade');
    const result = await runSynth([], {
      env: { IMAGE_FACTORY_STATE_DIR: state, CDK8S_OUTDIR: 'cdk8s.out' },
      cwd,
    });
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(cwd, 'cdk8s.out/image-factory.k8s.yaml'), 'utf8')).toBe(
      readFileSync(join(import.meta.dirname, '__golden__/scenario-cascade.k8s.yaml'), 'utf8'),
    );
  });

  it('rejects unknown options with exit code 2 and prints usage on --help', async () => {
    const bad = await runSynth(['--stat-dir', 'x'], { env: noEnv, cwd: work });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^error: Unknown option '--stat-dir'/);
    expect(bad.stderr).toContain('Usage: pnpm synth [--state-dir DIR] [--out FILE] [--check]');
    const positional = await runSynth(['state'], { env: noEnv, cwd: work });
    expect(positional.exitCode).toBe(2);
    const help = await runSynth(['--help'], { env: noEnv, cwd: work });
    expect(help).toMatchObject({ exitCode: 0, stderr: '' });
    expect(help.stdout).toContain('--check');
  });
});

describe('security', () => {
  it('never writes through a dist/ that links outside the state directory', async () => {
    const { cwd, state } = copyOf('examples/state');
    const elsewhere = join(cwd, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(state, 'dist'));
    const result = await runSynth(['--state-dir', 'state'], { env: noEnv, cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      `error: cannot write state/dist/image-factory.k8s.yaml: dist/image-factory.k8s.yaml leads outside the state directory ${state} (through a symbolic link or ..); nothing was written\n`,
    );
    expect(readdirSync(elsewhere)).toEqual([]);
    // --out is the user's own choice: the same link is followed.
    const chosen = await runSynth(['--state-dir', 'state', '--out', 'state/dist/x.yaml'], {
      env: noEnv,
      cwd,
    });
    expect(chosen.exitCode).toBe(0);
    expect(readdirSync(elsewhere)).toEqual(['x.yaml']);
  });

  it('--check reads no manifest linked outside the state directory (/dev/zero) and no FIFO', async () => {
    const { cwd, state } = copyOf('examples/state');
    mkdirSync(join(state, 'dist'));
    symlinkSync('/dev/zero', join(state, 'dist/image-factory.k8s.yaml'));
    expect(await runSynth(['--state-dir', 'state', '--check'], { env: noEnv, cwd })).toMatchObject({
      exitCode: 1,
      stderr:
        'error: cannot check state/dist/image-factory.k8s.yaml: dist/image-factory.k8s.yaml is a symbolic link leading outside the state directory\n',
    });
  });

  it('--check calls a manifest much larger than the synthesized one out of date without reading it all', async () => {
    const { cwd, state } = copyOf('examples/state');
    mkdirSync(join(state, 'dist'));
    writeFileSync(join(state, 'dist/image-factory.k8s.yaml'), '');
    truncateSync(join(state, 'dist/image-factory.k8s.yaml'), 4 * 1024 ** 3);
    expect(await runSynth(['--state-dir', 'state', '--check'], { env: noEnv, cwd })).toMatchObject({
      exitCode: 1,
      stderr:
        'state/dist/image-factory.k8s.yaml is out of date: it is more than 1 MiB larger than the synthesized manifest\nrun pnpm synth to update it\n',
    });
  });
});
