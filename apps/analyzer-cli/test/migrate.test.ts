// `image-factory migrate` on the old tool's fixture, used as a git clone with an origin (a copy in a
// temporary directory: a nested .git is never committed).
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { planMigration } from '@image-factory/state-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigration } from '../src/migrate/apply.js';
import { workTreeGit } from '../src/migrate/git.js';
import { ensureBuilt, runBin, runCli } from './helpers/cli.js';
import { commitAll, git, TEST_GIT_ENV, tempDir } from './helpers/git-repos.js';

const FIXTURE = resolve(import.meta.dirname, '../../../examples/scenarios/old-tool');
const ORIGIN = 'https://github.com/acme/image-factory-state.git';
const scratch = tempDir('if-migrate');
afterAll(() => scratch.cleanup());

let n = 0;
/** A clone of the fixture: a git work tree with everything committed and an origin. */
function oldClone(options: { git?: boolean } = {}): string {
  const dir = join(scratch.dir, String(n++), 'state');
  cpSync(FIXTURE, dir, { recursive: true });
  if (options.git !== false) {
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'remote', 'add', 'origin', ORIGIN);
    commitAll(dir, 'state written by the old tool');
  }
  return dir;
}

/** Every file under `dir` (but .git) with its bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[relative(dir, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** What validate says of the old tool's state as migrated: two team workflows take no pins. */
const UNPINNED_WARNINGS = ['backstage:10', 'e2e-runner:27']
  .map((entry) => entry.split(':'))
  .map(
    ([image, line]) =>
      `images.yaml:${line}:3: warning: image "${image}": its rebuilds are unpinned: ${image}.yml has no recorded inputs (run generate-state), so the build resolves its base tags itself instead of building on the digests that soaked\n` +
      '  hint: declare a "pins" input in the workflow and build with --build-context per entry (see docs/rebuilds.md), then run generate-state\n',
  )
  .join('');

describe('image-factory migrate on the old tool fixture', () => {
  it('validates as it is, with warnings and the git-origin notice', async () => {
    const dir = oldClone();
    const result = await runCli(['validate', '--state-dir', '.'], { cwd: dir });
    expect(result.code).toBe(0);
    // 11 about the old tool's files, the reminder that analysis.image takes its default, and the
    // plan's two unpinned rebuilds (backstage and e2e-runner build through team workflows without pins).
    expect(result.stdout).toBe('.: valid: 4 managed images, 3 base images, 1 external image, 14 warnings\n');
    expect(result.stderr).toContain('image-factory.yaml: warning: analysis.image is not set');
    expect(result.stderr.split('\n')[0]).toBe(
      `notice: stateRepo.url is not set in image-factory.yaml: using the git origin of the state directory, ${ORIGIN} (from .git/config)`,
    );
  });

  it('--dry-run prints the plan and a diff that git apply turns into the migration, and writes nothing', async () => {
    const dir = oldClone();
    const before = snapshot(dir);
    const status = git(dir, 'status', '--porcelain');
    const dry = await runCli(['migrate', '--state-dir', '.', '--dry-run'], { cwd: dir });
    expect(dry.code).toBe(0);
    expect(dry.stderr).toBe('');
    expect(snapshot(dir)).toEqual(before);
    expect(git(dir, 'status', '--porcelain')).toBe(status);
    expect(dry.stdout.split('\n').slice(0, 3)).toEqual([
      'migrate --dry-run: the plan for . (nothing is written)',
      '',
      'images.yaml (would be edited)',
    ]);
    expect(dry.stdout).toContain(
      'state/images/backstage.yaml -> images/backstage.yaml (would git mv, would be edited)\n  removed currentDigest: a placeholder\n',
    );
    expect(dry.stdout).toContain(
      '--- a/state/base-images/python-3.12-slim.yaml\n+++ b/base-images/python-3.12-slim.yaml\n',
    );
    expect(dry.stdout).toContain('\n-allowTags: ^3\\\\.12-slim$\n+allowTags: ^3\\.12-slim$\n');
    expect(dry.stdout.trimEnd().split('\n').at(-1)).toBe(
      '.: would migrate: 6 files moved (6 with git mv), 7 edited, 1 created, 2 removed',
    );

    // The diff is a patch: applied to another clone, it gives exactly what migrate writes.
    const patch = dry.stdout.slice(dry.stdout.indexOf('diff --git'), dry.stdout.lastIndexOf('\n\n') + 1);
    const patched = oldClone();
    writeFileSync(join(scratch.dir, 'migrate.patch'), patch);
    git(patched, 'apply', join(scratch.dir, 'migrate.patch'));
    const migrated = await runCli(['migrate', '--state-dir', '.'], { cwd: dir });
    expect(migrated.code).toBe(0);
    expect(snapshot(patched)).toEqual(snapshot(dir));
  });

  it('migrates with git mv, leaves only the warnings validate gives, and a second run changes nothing', async () => {
    const dir = oldClone();
    const result = await runCli(['migrate', '--state-dir', '.'], { cwd: dir });
    expect(result.code).toBe(0);
    // What is left is what validate reports on the migrated state: the plan's two unpinned rebuilds.
    expect(result.stderr).toBe(UNPINNED_WARNINGS);
    expect(result.stdout).toContain(
      'state/base-images/mcr.microsoft.com-playwright-v1.40.0-focal.yaml -> base-images/mcr.microsoft.com-playwright-v1.40.0-focal.yaml (git mv, edited)\n',
    );
    expect(result.stdout).toContain(
      '.: migrated: 6 files moved (6 with git mv), 7 edited, 1 created, 2 removed; 2 warnings left (as image-factory validate reports them)\n',
    );
    expect(existsSync(join(dir, 'state'))).toBe(false);
    // Renames are staged as renames: history follows the files.
    expect(
      git(dir, 'status', '--porcelain')
        .split('\n')
        .filter((l) => l.startsWith('R')).length,
    ).toBe(6);
    expect(git(dir, 'status', '--porcelain')).toContain('D  state/images/postgres-16.yaml\n');
    commitAll(dir, 'migrated');
    expect(
      git(dir, 'log', '--follow', '--format=%s', '--', 'images/backstage.yaml').trim().split('\n'),
    ).toEqual(['migrated', 'state written by the old tool']);

    // No warning about the state is left; what remains is the plan's: two team workflows without pins,
    // the two warnings migrate counted and showed.
    const validate = await runCli(['validate', '--state-dir', '.'], { cwd: dir });
    expect(validate).toEqual({
      code: 0,
      stdout: '.: valid: 4 managed images, 3 base images, 1 external image, 2 warnings\n',
      stderr: UNPINNED_WARNINGS,
    });

    const files = snapshot(dir);
    const mtimes = Object.keys(files).map((file) => statSync(join(dir, file)).mtimeMs);
    const again = await runCli(['migrate', '--state-dir', '.'], { cwd: dir });
    expect(again).toEqual({
      code: 0,
      stdout: ".: nothing to migrate: the state is in today's layout and format\n",
      stderr: '',
    });
    expect(snapshot(dir)).toEqual(files);
    expect(Object.keys(files).map((file) => statSync(join(dir, file)).mtimeMs)).toEqual(mtimes);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('moves files with a plain rename outside a git work tree', async () => {
    const dir = oldClone({ git: false });
    const result = await runCli(['migrate', '--state-dir', '.', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ version: 1, dryRun: false, ok: true, changed: true, warningsLeft: [] });
    // Without an origin the state does not synthesize yet: migrate names the errors validate gives.
    const validate = JSON.parse(
      (await runCli(['validate', '--state-dir', '.', '--json'], { cwd: dir })).stdout,
    );
    expect(validate.valid).toBe(false);
    expect(report.errorsLeft).toEqual(
      validate.problems.map(({ path: _path, ...problem }: Record<string, unknown>) => problem),
    );
    expect(report.errorsLeft.map((p: { code: string }) => p.code)).toHaveLength(2);
    expect(
      report.files
        .filter((f: { move?: string }) => f.move !== undefined)
        .map((f: { move: string }) => f.move),
    ).toEqual(Array(6).fill('rename'));
    // Without a git origin there is no URL to infer: image-factory.yaml says to set it.
    expect(readFileSync(join(dir, 'image-factory.yaml'), 'utf8')).toContain(
      '#   url: https://github.com/<owner>/<repository>.git',
    );
    expect(report.notes).toEqual([
      'no git origin was found: set stateRepo.url in image-factory.yaml before synthesizing',
    ]);
  });

  it('--json reports the plan with a version field, and the diff of each file in a dry run', async () => {
    const dir = oldClone();
    const result = await runCli(['migrate', '--state-dir', '.', '--dry-run', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.version).toBe(1);
    expect(report).toMatchObject({ dryRun: true, ok: true, changed: false, problems: [] });
    const backstage = report.files.find((f: { file: string }) => f.file === 'images/backstage.yaml');
    expect(backstage).toMatchObject({
      action: 'edit',
      movedFrom: 'state/images/backstage.yaml',
      move: 'git',
      changes: [
        'removed currentDigest: a placeholder',
        "removed rebuildState: the old tool's rebuild bookkeeping, done by the rebuild Stage now",
        'enrollment copied again from images.yaml',
      ],
    });
    expect(backstage.diff).toMatch(
      /^diff --git a\/state\/images\/backstage.yaml b\/images\/backstage.yaml\n/,
    );
  });
});

describe('image-factory migrate writes nothing on error', () => {
  it('refuses a state that does not load, listing its problems', async () => {
    const dir = oldClone();
    writeFileSync(join(dir, 'images.yaml'), `${readFileSync(join(dir, 'images.yaml'), 'utf8')}- name: Bad\n`);
    const before = snapshot(dir);
    const result = await runCli(['migrate', '--state-dir', '.'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^images.yaml:77:9: image "Bad": name must be a lowercase name/m);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
      '.: not migrated: 1 error (image-factory validate lists them too); nothing was written',
    );
    expect(snapshot(dir)).toEqual(before);
    const json = await runCli(['migrate', '--state-dir', '.', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toMatchObject({ version: 1, ok: false, changed: false, files: [] });
  });

  it('undoes moves and writes when applying fails half-way', async () => {
    const dir = oldClone();
    const planned = planMigration(dir);
    if (!planned.ok) throw new Error('plan');
    const before = snapshot(dir);
    const status = git(dir, 'status', '--porcelain');
    // base-images is taken by a file: the moves of state/images succeed, then mkdir base-images fails.
    writeFileSync(join(dir, 'base-images'), 'not a directory\n');
    await expect(applyMigration(planned.plan, await workTreeGit(dir, TEST_GIT_ENV))).rejects.toThrow(
      /^migration failed: .*; everything was undone, nothing was written$/,
    );
    const after = snapshot(dir);
    delete after['base-images'];
    expect(after).toEqual(before);
    expect(git(dir, 'status', '--porcelain')).toBe(`${status}?? base-images\n`);
  });

  it('refuses to apply a plan when a file changed after it was read', async () => {
    const dir = oldClone();
    const planned = planMigration(dir);
    if (!planned.ok) throw new Error('plan');
    writeFileSync(join(dir, 'state/images/e2e-runner.yaml'), 'name: e2e-runner\n');
    const before = snapshot(dir);
    await expect(applyMigration(planned.plan, await workTreeGit(dir, TEST_GIT_ENV))).rejects.toThrow(
      'state/images/e2e-runner.yaml cannot be migrated: it changed since it was read; nothing was written',
    );
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('image-factory migrate (built binary)', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 240_000);

  it('documents its options, and migrates', async () => {
    const help = await runBin(['migrate', '--help']);
    expect(help.code).toBe(0);
    for (const option of ['--state-dir <dir>', '--dry-run', '--json']) expect(help.stdout).toContain(option);
    const dir = oldClone();
    const result = await runBin(['migrate', '--state-dir', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('; 2 warnings left (as image-factory validate reports them)\n');
  });
});
