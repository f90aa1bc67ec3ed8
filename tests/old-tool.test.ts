/**
 * The old tool's state repository, end to end with the built apps (what a user of the old tool
 * does, docs/migrating.md): `image-factory validate` accepts it as it is, `pnpm synth` synthesizes
 * it (manifests valid for Kargo), `image-factory migrate` moves it forward with no warning left,
 * and synthesizing after the migration gives exactly the same objects.
 *
 * The fixture (examples/scenarios/old-tool) is used as the old tool's repositories are: a git
 * clone whose origin names the state repository (a copy in a temporary directory).
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { validateManifests } from '@image-factory/kargo-constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'old-tool-it-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const ORIGIN = 'https://github.com/acme/image-factory-state.git';
const env = {
  PATH: process.env.PATH ?? '',
  HOME: work,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

async function node(script: string, args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(root, script), ...args], {
      cwd,
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
const cli = (args: string[], cwd: string) => node('apps/analyzer-cli/bin/image-factory.js', args, cwd);
const synth = (args: string[], cwd: string) => node('apps/synth/dist/main.js', args, cwd);

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8' });
}

describe('a state repository written by the old tool', () => {
  const dir = join(work, 'image-factory-state');
  cpSync(join(root, 'examples/scenarios/old-tool'), dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'remote', 'add', 'origin', ORIGIN);
  git(dir, 'add', '--all');
  git(dir, '-c', 'user.name=Old Tool', '-c', 'user.email=old@tool.invalid', 'commit', '-q', '-m', 'old');
  const notice = `notice: stateRepo.url is not set in image-factory.yaml: using the git origin of the state directory, ${ORIGIN} (from .git/config)\n`;
  const before = join(work, 'before.k8s.yaml');
  const after = join(work, 'after.k8s.yaml');

  it('validates as it is: exit 0, warnings, and the notice that stateRepo.url comes from the origin', async () => {
    const result = await cli(['validate', '--state-dir', '.'], dir);
    expect(result.code).toBe(0);
    // (+2: the plan's unpinned rebuilds of backstage and e2e-runner, printed by validate)
    // 11 about the old tool's files, and the reminder that analysis.image takes its default.
    expect(result.stdout).toBe('.: valid: 4 managed images, 3 base images, 1 external image, 14 warnings\n');
    expect(result.stderr.startsWith(notice)).toBe(true);
    expect(result.stderr.match(/^\S+: warning: /gm)?.length).toBe(14);
    expect(result.stderr).toContain('image-factory.yaml: warning: analysis.image is not set');
  });

  it('synthesizes as it is, with the same notice, into objects that pass the Kargo validation', async () => {
    const result = await synth(['--state-dir', dir, '--out', before], root);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^wrote .*before\.k8s\.yaml \(\d+ objects\)\n$/);
    expect(result.stderr.startsWith(notice)).toBe(true);
    const manifests = parseAllDocuments(readFileSync(before, 'utf8')).map((d) => d.toJS());
    expect(validateManifests(manifests)).toEqual([]);
    const names = manifests.map((m) => `${m.kind}/${m.metadata.name}`);
    // One base Warehouse per soak time: e2e-runner's rebuildDelay is 3d.
    expect(names).toContain('Warehouse/base-mcr.microsoft.com-playwright-v1.40.0-focal-soak-3d');
    expect(names).toContain('Warehouse/base-postgres-16');
    expect(names).toContain('Stage/rebuild-data-api');
    // The analysis job commits to the state repository named by the origin.
    const template = manifests.find((m) => m.kind === 'AnalysisTemplate');
    expect(template.spec.args).toContainEqual({ name: 'state-repo', value: ORIGIN });
  });

  it('is migrated with only the warnings validate gives left, and synthesizes exactly the same objects afterwards', async () => {
    const migrated = await cli(['migrate', '--state-dir', '.'], dir);
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toContain('; 2 warnings left (as image-factory validate reports them)\n');
    // No warning about the state is left; what is left, migrate and validate show alike: the plan's,
    // the two team workflows (backstage, e2e-runner) take no pins.
    const validate = await cli(['validate', '--state-dir', '.'], dir);
    expect(migrated.stderr).toBe(validate.stderr);
    expect(validate.code).toBe(0);
    expect(validate.stdout).toBe('.: valid: 4 managed images, 3 base images, 1 external image, 2 warnings\n');
    expect(validate.stderr.split('\n').filter((line) => /^\S+: warning: /.test(line))).toEqual([
      expect.stringMatching(/^images\.yaml:\d+:3: warning: image "backstage": its rebuilds are unpinned: /),
      expect.stringMatching(/^images\.yaml:\d+:3: warning: image "e2e-runner": its rebuilds are unpinned: /),
    ]);
    const result = await synth(['--state-dir', dir, '--out', after], root);
    expect(result.code).toBe(0);
    // No warning of the state left: only the plan's about the team workflows, whose inputs (the
    // pins) only generate-state records, then the summary line (objects, polling requests per host).
    const warnings = result.stderr.split('\n').filter((line) => line.includes(': warning: '));
    expect(warnings.map((line) => line.replace(/^.*: warning: image "([^"]+)".*$/, '$1'))).toEqual([
      'backstage',
      'e2e-runner',
    ]);
    expect(warnings.every((line) => line.includes('its rebuilds are unpinned'))).toBe(true);
    expect(result.stderr).toMatch(
      /\nsynth: \d+ objects; estimated Warehouse polling requests per day: [^\n]*\n$/,
    );
    expect(readFileSync(after, 'utf8')).toBe(readFileSync(before, 'utf8'));
    const again = await cli(['migrate', '--state-dir', '.'], dir);
    expect(again.stdout).toBe(".: nothing to migrate: the state is in today's layout and format\n");
  });
});
