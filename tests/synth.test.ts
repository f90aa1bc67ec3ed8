import { execFile } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const root = join(import.meta.dirname, '..');
const main = join(root, 'apps/synth/dist/main.js');
const golden = join(root, 'apps/synth/test/__golden__/state.k8s.yaml');
const work = mkdtempSync(join(tmpdir(), 'synth-it-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the built synth app (as `pnpm synth` does) and returns its exit code and output. */
async function synth(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [main, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('pnpm synth (the built apps/synth/dist/main.js) on examples/state', () => {
  const out = join(work, 'out/image-factory.k8s.yaml');

  it('is what the root package.json scripts run', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<
      string,
      string
    >;
    expect(scripts.synth).toMatch(/&& node apps\/synth\/dist\/main\.js$/);
    expect(scripts.example).toMatch(/&& node apps\/synth\/dist\/main\.js --state-dir examples\/state$/);
  });

  it('writes the manifest, identical to the golden file', async () => {
    const result = await synth(['--state-dir', 'examples/state', '--out', out]);
    expect(result.code).toBe(0);
    // The plan's warning (backstage's team workflow records no pins input), its file shown from the
    // current directory, then the summary.
    expect(result.stderr).toMatch(
      /^examples\/state\/images\.yaml:5:3: warning: image "backstage": its rebuilds are unpinned: [^\n]*\n {2}hint: [^\n]*\nsynth: 24 objects; estimated Warehouse polling requests per day: docker\.io /,
    );
    expect(result.stdout).toBe(`wrote ${out} (24 objects)\n`);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(golden, 'utf8'));
  });

  it('is deterministic: a second run leaves the file unchanged', async () => {
    const before = readFileSync(out, 'utf8');
    const result = await synth(['--state-dir', 'examples/state', '--out', out]);
    expect(result).toMatchObject({ code: 0, stdout: `${out} is unchanged (24 objects)\n` });
    expect(readFileSync(out, 'utf8')).toBe(before);
  });

  it('--check passes on the fresh file and fails with a summary after a modification', async () => {
    expect(await synth(['--state-dir', 'examples/state', '--out', out, '--check'])).toMatchObject({
      code: 0,
      stdout: `${out} is up to date (24 objects)\n`,
    });
    writeFileSync(out, readFileSync(out, 'utf8').replace('interval: 24h0m0s', 'interval: 12h0m0s'));
    const stale = await synth(['--state-dir', 'examples/state', '--out', out, '--check']);
    expect(stale.code).toBe(1);
    expect(stale.stderr.slice(stale.stderr.indexOf(out))).toBe(
      `${out} is out of date:\n  ~ Warehouse/base-redis-7 (changed)\n  (0 new, 0 removed, 1 changed)\nrun pnpm synth to update it\n`,
    );
  });

  it.each([['-'], ['/dev/stdout'], ['/dev/fd/1']])(
    '--out %s writes the manifest into the pipe stdout is, and nothing else',
    async (target) => {
      // A real pipe (`| cat`): Node gives its child processes sockets, not pipes.
      const { stdout, stderr } = await promisify(execFile)(
        '/bin/sh',
        ['-c', '"$0" "$1" --state-dir examples/state --out "$2" | cat', process.execPath, main, target],
        { cwd: root, env: { PATH: process.env.PATH ?? '' } },
      );
      expect(stdout).toBe(readFileSync(golden, 'utf8'));
      expect(existsSync(join(root, target))).toBe(false);
      // What Argo CD reads: the header comment, then one document per object.
      const docs = parseAllDocuments(stdout);
      expect(docs.every((d) => d.errors.length === 0)).toBe(true);
      expect(docs.map((d) => (d.toJS() as { kind: string }).kind).slice(0, 2)).toEqual([
        'Namespace',
        'Project',
      ]);
      expect(docs).toHaveLength(24);
      expect(stderr).toMatch(/\nsynth: 24 objects; [^\n]*\n$/);
      expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
    },
  );

  it('--out /dev/stdout writes into the file stdout was redirected to', async () => {
    const file = join(work, 'redirected.yaml');
    writeFileSync(file, 'old content, longer than nothing\n'.repeat(2000));
    await promisify(execFile)(
      '/bin/sh',
      ['-c', '"$0" "$1" --state-dir examples/state --out /dev/stdout > "$2"', process.execPath, main, file],
      { cwd: root, env: { PATH: process.env.PATH ?? '' } },
    );
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(golden, 'utf8'));
    expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
  });

  it('writes into a FIFO another process reads', async () => {
    const fifo = join(work, 'manifest.fifo');
    await promisify(execFile)('mkfifo', [fifo]);
    const [read, written] = await Promise.all([
      promisify(execFile)('cat', [fifo]),
      synth(['--state-dir', 'examples/state', '--out', fifo]),
    ]);
    expect(read.stdout).toBe(readFileSync(golden, 'utf8'));
    expect(written).toMatchObject({ code: 0, stdout: '' });
    expect(written.stderr).toMatch(new RegExp(`\nwrote ${fifo} \\(24 objects\\)\n$`));
  });

  it('is what pnpm synth runs: the build output goes to stderr, stdout carries only the manifest', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<
      string,
      string
    >;
    expect(scripts.synth).toMatch(/^turbo run build [^&>]*>&2 && node /);
  });

  it('uses $IMAGE_FACTORY_STATE_DIR when --state-dir is not given', async () => {
    const result = await synth(['--out', join(work, 'env.yaml')], {
      IMAGE_FACTORY_STATE_DIR: join(root, 'examples/state'),
    });
    expect(result.code).toBe(0);
    expect(readFileSync(join(work, 'env.yaml'), 'utf8')).toBe(readFileSync(golden, 'utf8'));
  });

  it('exits 1 on an invalid state, listing file:line:col problems, and writes nothing', async () => {
    const state = join(work, 'invalid-state');
    cpSync(join(root, 'examples/state'), state, { recursive: true });
    rmSync(join(state, 'dist'), { recursive: true, force: true });
    writeFileSync(
      join(state, 'images.yaml'),
      readFileSync(join(state, 'images.yaml'), 'utf8').replace('rebuildDelay: 24h', 'rebuildDelay: soon'),
    );
    const target = join(work, 'never.yaml');
    const result = await synth(['--state-dir', state, '--out', target]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    // Outside the current directory: absolute.
    expect(result.stderr).toMatch(new RegExp(`^${state}/images\\.yaml:\\d+:\\d+: .*rebuildDelay`, 'm'));
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(target)).toBe(false);
  });

  it('exits 2 on a usage error, suggesting the option meant', async () => {
    const result = await synth(['--state-dri', 'x']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(
      /^error: unknown option '--state-dri'\n\(Did you mean --state-dir\?\)\n\nUsage: /,
    );
  });
});

describe('cdk8s synth (apps/synth/cdk8s.yaml)', () => {
  it('runs the same app and writes the same manifest', async () => {
    const outdir = join(work, 'cdk8s.out');
    const cdk8s = join(root, 'apps/synth/node_modules/.bin/cdk8s');
    await promisify(execFile)(cdk8s, ['synth', '--output', outdir, '--no-check-upgrade'], {
      cwd: join(root, 'apps/synth'),
      env: { PATH: process.env.PATH ?? '', IMAGE_FACTORY_STATE_DIR: join(root, 'examples/state') },
    });
    expect(readFileSync(join(outdir, 'image-factory.k8s.yaml'), 'utf8')).toBe(readFileSync(golden, 'utf8'));
  }, 60_000);
});
