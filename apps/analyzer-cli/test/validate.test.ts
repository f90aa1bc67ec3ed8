// `image-factory validate`: in-process through run() and through the built binary, against
// examples/state and every examples/invalid/<why>/ case (expected.txt pins the exact output).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_ANALYSIS_IMAGE } from '@image-factory/state-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBin, runCli } from './helpers/cli.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const EXAMPLE = join(ROOT, 'examples', 'state');
const INVALID = join(ROOT, 'examples', 'invalid');
const VALID_SUMMARY = 'examples/state: valid: 3 managed images, 4 base images, 1 external image, 1 warning\n';
/** The plan's one warning about examples/state: backstage's team workflow takes no pins. */
const UNPINNED_WARNING =
  'examples/state/images.yaml:5:3: warning: image "backstage": its rebuilds are unpinned: backstage.yml has no recorded inputs (run generate-state), so the build resolves its base tags itself instead of building on the digests that soaked\n' +
  '  hint: declare a "pins" input in the workflow and build with --build-context per entry (see docs/rebuilds.md), then run generate-state\n';
const MISSING_HINT =
  'hint: pass --state-dir DIR or set IMAGE_FACTORY_STATE_DIR to a checkout of the state repository\n';

const cases = readdirSync(INVALID, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function expectedOf(name: string): string {
  return readFileSync(join(INVALID, name, 'expected.txt'), 'utf8');
}

function summaryOf(expected: string, where: string): string {
  const errors = (expected.match(/^\S+: (?!warning: )/gm) ?? []).length;
  const warnings = (expected.match(/^\S+: warning: /gm) ?? []).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${where}: invalid: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`;
}

const scratch = mkdtempSync(join(tmpdir(), 'if-validate-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('image-factory validate (in-process)', () => {
  it("accepts examples/state with a one-line summary on stdout and the plan's warning on stderr", async () => {
    const result = await runCli(['validate', '--state-dir', 'examples/state'], { cwd: ROOT });
    expect(result).toEqual({ code: 0, stdout: VALID_SUMMARY, stderr: UNPINNED_WARNING });
  });

  it('takes the state directory from IMAGE_FACTORY_STATE_DIR', async () => {
    const result = await runCli(['validate'], {
      cwd: ROOT,
      env: { IMAGE_FACTORY_STATE_DIR: 'examples/state' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(VALID_SUMMARY);
  });

  it('prefers --state-dir over IMAGE_FACTORY_STATE_DIR', async () => {
    const result = await runCli(['validate', '--state-dir', 'examples/state'], {
      cwd: ROOT,
      env: { IMAGE_FACTORY_STATE_DIR: 'examples/invalid/bad-regex' },
    });
    expect(result.code).toBe(0);
  });

  it('defaults to ../image-factory-state and says clearly when it is missing', async () => {
    const cwd = join(scratch, 'work');
    mkdirSync(cwd, { recursive: true });
    const result = await runCli(['validate'], { cwd });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `image-factory: state directory ${join(scratch, 'image-factory-state')} does not exist or is not a directory\n${MISSING_HINT}`,
    });
  });

  it('prints warnings on stderr and still exits 0', async () => {
    const dir = join(scratch, 'warn');
    mkdirSync(join(dir, 'images'), { recursive: true });
    writeFileSync(join(dir, 'images.yaml'), '[]\n');
    writeFileSync(join(dir, 'images/old.yaml'), 'name: old\n');
    const result = await runCli(['validate', '--state-dir', '.'], { cwd: dir });
    expect(result).toEqual({
      code: 0,
      stdout: '.: valid: 0 managed images, 0 base images, 0 external images, 2 warnings\n',
      stderr:
        `image-factory.yaml: warning: analysis.image is not set: the analysis job runs the default image ${DEFAULT_ANALYSIS_IMAGE}, published by Image Factory's release workflow\n` +
        `  hint: set analysis.image in image-factory.yaml to choose the image explicitly, e.g. to a copy in your own registry (crane copy ${DEFAULT_ANALYSIS_IMAGE} registry.example.com/mirror/analyzer-cli:<same tag>), with analysis.imagePullSecrets if it is private\n` +
        'images/old.yaml: warning: image "old" is not enrolled in images.yaml: this file is ignored\n' +
        '  hint: enroll the image in images.yaml, or delete the file\n',
    });
  });

  it.each(cases)('rejects examples/invalid/%s with every problem as file:line:col: message', async (name) => {
    const result = await runCli(['validate', '--state-dir', '.'], { cwd: join(INVALID, name) });
    const expected = expectedOf(name);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(expected + summaryOf(expected, '.'));
  });

  it('shows file paths from the working directory so that they can be opened', async () => {
    const result = await runCli(['validate', '--state-dir', 'examples/invalid/unknown-field'], { cwd: ROOT });
    expect(result.stderr.split('\n')[0]).toBe(
      'examples/invalid/unknown-field/images.yaml:8:5: image "backstage": unknown field "source.brnach"',
    );
  });

  it('--json prints the problems for machines and exits 1 for an invalid state', async () => {
    const result = await runCli(['validate', '--state-dir', 'examples/invalid/bad-duration', '--json'], {
      cwd: ROOT,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      version: 1,
      valid: false,
      stateDir: join(INVALID, 'bad-duration'),
      // The same keys as for a valid state; the counts of images are unknown.
      summary: { managedImages: null, baseImages: null, externalImages: null, errors: 1, warnings: 0 },
      problems: [
        {
          file: 'images.yaml',
          line: 8,
          col: 17,
          severity: 'error',
          code: 'invalid-duration',
          path: [0, 'rebuildDelay'],
          message: 'image "backstage": rebuildDelay must be a duration such as 30m, 24h or 7d (got "7days")',
          hint: 'write a number followed by d, h, m or s (combinations in that order, like 1h30m, are allowed)',
        },
      ],
    });
  });

  it('--json reports the counts of a valid state', async () => {
    const result = await runCli(['validate', '--json', '--state-dir', EXAMPLE], { cwd: ROOT });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      version: 1,
      valid: true,
      stateDir: EXAMPLE,
      summary: { managedImages: 3, baseImages: 4, externalImages: 1, errors: 0, warnings: 1 },
      problems: [
        {
          file: 'images.yaml',
          line: 5,
          col: 3,
          severity: 'warning',
          code: 'unpinned-rebuild',
          path: ['source', 'workflow'],
          message:
            'image "backstage": its rebuilds are unpinned: backstage.yml has no recorded inputs (run generate-state), so the build resolves its base tags itself instead of building on the digests that soaked',
          hint: 'declare a "pins" input in the workflow and build with --build-context per entry (see docs/rebuilds.md), then run generate-state',
        },
      ],
    });
  });

  it('--json still explains a missing directory on stderr', async () => {
    const result = await runCli(['validate', '--json', '--state-dir', 'nope'], { cwd: scratch });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).problems[0].code).toBe('missing-directory');
    expect(result.stderr).toContain(`image-factory: state directory ${join(scratch, 'nope')} does not exist`);
  });

  it('documents its options in --help', async () => {
    const result = await runCli(['validate', '--help'], { cwd: ROOT });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--state-dir <dir>');
    expect(result.stdout).toContain('--json');
  });

  it('rejects an unknown option as a usage error', async () => {
    const result = await runCli(['validate', '--stat-dir', 'x'], { cwd: ROOT });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--stat-dir'");
  });
});

describe('image-factory validate (built binary)', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 240_000);

  it('accepts examples/state', async () => {
    expect(await runBin(['validate', '--state-dir', 'examples/state'], { cwd: ROOT })).toEqual({
      code: 0,
      stdout: VALID_SUMMARY,
      stderr: UNPINNED_WARNING,
    });
  });

  it('rejects an invalid state with the pinned messages and exit code 1', async () => {
    const result = await runBin(['validate', '--state-dir', '.'], {
      cwd: join(INVALID, 'unknown-base-image'),
    });
    const expected = expectedOf('unknown-base-image');
    expect(result).toEqual({ code: 1, stdout: '', stderr: expected + summaryOf(expected, '.') });
  });

  it('exits 1 with one sentence and no stack trace for a missing directory', async () => {
    const result = await runBin(['validate', '--state-dir', 'missing'], { cwd: scratch });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `image-factory: state directory ${join(scratch, 'missing')} does not exist or is not a directory\n${MISSING_HINT}`,
    );
  });
});
