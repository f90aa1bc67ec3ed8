// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub Actions expressions are literal `${{ }}` strings
/**
 * The default analysis image is this project's own, pinned to the CLI version, and this repository
 * publishes it: the settings default, the CLI's package version, scripts/analysis-image.mjs and
 * .github/workflows/release-analysis-image.yml agree.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  ANALYSIS_IMAGE_REPOSITORY,
  DEFAULT_ANALYSIS_IMAGE,
  DEFAULT_SETTINGS,
} from '@image-factory/state-schema';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const script = join(root, 'scripts/analysis-image.mjs');
const work = mkdtempSync(join(tmpdir(), 'analysis-image-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cliVersion = (
  JSON.parse(readFileSync(join(root, 'apps/analyzer-cli/package.json'), 'utf8')) as { version: string }
).version;

/** A copy of the two files the script reads, with the CLI at `version`. */
function checkout(version: string): string {
  const dir = mkdtempSync(join(work, 'root-'));
  mkdirSync(join(dir, 'apps/analyzer-cli'), { recursive: true });
  mkdirSync(join(dir, 'packages/state-schema/src'), { recursive: true });
  writeFileSync(
    join(dir, 'apps/analyzer-cli/package.json'),
    JSON.stringify({ name: '@image-factory/analyzer-cli', version }),
  );
  cpSync(
    join(root, 'packages/state-schema/src/analysis-image.ts'),
    join(dir, 'packages/state-schema/src/analysis-image.ts'),
  );
  return dir;
}

describe('the default analysis image', () => {
  it('is ghcr.io/image-factory/analyzer-cli at the version of the CLI, never :latest', () => {
    expect(DEFAULT_ANALYSIS_IMAGE).toBe(`${ANALYSIS_IMAGE_REPOSITORY}:${cliVersion}`);
    expect(DEFAULT_SETTINGS.analysis.image).toBe(DEFAULT_ANALYSIS_IMAGE);
    expect(DEFAULT_ANALYSIS_IMAGE).not.toMatch(/:latest$/);
  });

  it('is named by scripts/analysis-image.mjs check, which refuses a stale default and a foreign tag', async () => {
    const { stdout } = await run(process.execPath, [script, 'check']);
    expect(stdout).toBe(`image=${DEFAULT_ANALYSIS_IMAGE}\n`);
    const stale = checkout('9.8.7');
    await expect(run(process.execPath, [script, 'check', '--root', stale])).rejects.toMatchObject({
      stderr: expect.stringContaining(`but the CLI is 9.8.7: run \`node scripts/analysis-image.mjs sync\``),
    });
    await expect(
      run(process.execPath, [script, 'check', '--tag', '@image-factory/analyzer-cli@0.0.0-other']),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('is not the release tag') });
  });

  it('follows a version bump with sync (what `pnpm version-packages` runs after changeset version)', async () => {
    const dir = checkout('1.2.3');
    await run(process.execPath, [script, 'sync', '--root', dir]);
    expect(readFileSync(join(dir, 'packages/state-schema/src/analysis-image.ts'), 'utf8')).toContain(
      "export const ANALYZER_CLI_VERSION = '1.2.3';",
    );
    const { stdout } = await run(process.execPath, [script, 'check', '--root', dir]);
    expect(stdout).toBe(`image=${ANALYSIS_IMAGE_REPOSITORY}:1.2.3\n`);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.scripts['version-packages']).toBe(
      'changeset version && node scripts/analysis-image.mjs sync && node scripts/release-goldens.mjs',
    );
    const changesets = JSON.parse(readFileSync(join(root, '.changeset/config.json'), 'utf8'));
    expect(changesets.fixed).toContainEqual(['@image-factory/analyzer-cli', '@image-factory/state-schema']);
  });

  it('is published by the release workflow: the repository Dockerfile, the CLI version, pushed once', () => {
    const text = readFileSync(join(root, '.github/workflows/release-analysis-image.yml'), 'utf8');
    expect(text).not.toMatch(/:latest\b/);
    const workflow = parse(text) as Record<string, any>;
    expect(workflow.on.push.tags).toEqual(['@image-factory/analyzer-cli@*']);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    const job = workflow.jobs.image;
    expect(job.permissions).toEqual({ contents: 'read', packages: 'write' });
    const steps = job.steps as Record<string, any>[];
    expect(steps[0]).toEqual({ uses: 'actions/checkout@v4', with: { 'persist-credentials': false } });
    const naming = steps.find((s) => s.id === 'image');
    expect(naming?.run).toContain('node scripts/analysis-image.mjs check');
    const build = steps.find((s) => String(s.uses).startsWith('docker/build-push-action@'));
    expect(build?.with).toMatchObject({
      context: '.',
      file: 'apps/analyzer-cli/Dockerfile',
      push: true,
      tags: '${{ steps.image.outputs.image }}',
    });
    expect(steps.findIndex((s) => s.name === 'Refuse to overwrite a published version')).toBeLessThan(
      steps.indexOf(build as Record<string, any>),
    );
    // The Dockerfile the workflow builds exists and runs the CLI.
    expect(readFileSync(join(root, 'apps/analyzer-cli/Dockerfile'), 'utf8')).toContain(
      'ENTRYPOINT ["image-factory"]',
    );
  });
});
