// Packaging: the bundled binary (fast start, self-contained) and the analysis image's Dockerfile.
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDockerfile } from '@image-factory/dockerfile-analyzer';
import { DockerfileParser } from 'dockerfile-ast';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, PACKAGE_DIR, runBin, TEST_PACKAGE_DIR } from './helpers/cli.js';
import { tempDir } from './helpers/git-repos.js';

const scratch = tempDir('if-bundle');
const EXAMPLE_STATE = join(PACKAGE_DIR, '..', '..', 'examples', 'state');
const version = (JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string })
  .version;

beforeAll(ensureBuilt, 120_000);
afterAll(() => scratch.cleanup());

describe('the bundle', () => {
  it('prints the version and the commands through the committed launcher', async () => {
    const result = await runBin(['--version']);
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    const help = await runBin(['--help']);
    expect(help.stdout).toMatch(/analyze \[options\]/);
    expect(help.stdout).toMatch(/generate-state \[options\]/);
    expect(help.stdout).toMatch(/graph \[options\]/);
  });

  it('runs from a copy without node_modules (everything is bundled)', async () => {
    const copy = join(scratch.dir, 'standalone');
    for (const entry of ['package.json', 'bin', 'dist'])
      cpSync(join(PACKAGE_DIR, entry), join(copy, entry), { recursive: true });
    const bin = join(copy, 'bin', 'image-factory.js');
    expect(await runBin(['--version'], { bin, cwd: scratch.dir })).toEqual({
      code: 0,
      stdout: `${version}\n`,
      stderr: '',
    });
    const inRepo = await runBin(['graph', '--state-dir', EXAMPLE_STATE, '--format', 'json']);
    const standalone = await runBin(['graph', '--state-dir', EXAMPLE_STATE, '--format', 'json'], {
      bin,
      cwd: scratch.dir,
    });
    expect(standalone.code, standalone.stderr).toBe(0);
    expect(standalone.stdout).toBe(inRepo.stdout);
    expect(JSON.parse(standalone.stdout).nodes.length).toBeGreaterThan(3);
  });

  it('keeps the committed launcher pointing at the bundle', () => {
    const committed = readFileSync(join(PACKAGE_DIR, 'bin', 'image-factory.js'), 'utf8');
    expect(committed).toContain("import '../dist/bin.js';");
    expect(readFileSync(BIN, 'utf8')).toBe(committed);
    const bundle = readFileSync(join(TEST_PACKAGE_DIR, 'dist', 'bin.js'), 'utf8');
    expect(bundle.startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

describe('the analysis image Dockerfile', () => {
  const text = readFileSync(join(PACKAGE_DIR, 'Dockerfile'), 'utf8');
  const analysis = analyzeDockerfile(text);
  const instructions = DockerfileParser.parse(text).getInstructions();
  const stageStarts = instructions
    .map((instruction, index) => (instruction.getKeyword() === 'FROM' ? index : -1))
    .filter((i) => i >= 0);
  const finalStage = instructions.slice(stageStarts.at(-1));

  it('builds on node:24-slim in every stage, without problems', () => {
    expect(analysis.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    expect(analysis.images.map((image) => image.reference)).toEqual(['docker.io/library/node:24-slim']);
    expect(analysis.stages.map((stage) => stage.name)).toEqual(['build', undefined]);
  });

  it('is multi-stage: the runtime stage copies only the bundle from the build stage', () => {
    const copies = finalStage
      .filter((instruction) => instruction.getKeyword() === 'COPY')
      .map((instruction) => instruction.getTextContent());
    expect(copies).toEqual([
      'COPY --from=build /repo/apps/analyzer-cli/package.json ./package.json',
      'COPY --from=build /repo/apps/analyzer-cli/bin ./bin',
      'COPY --from=build /repo/apps/analyzer-cli/dist ./dist',
    ]);
    const build = instructions
      .slice(0, stageStarts.at(-1))
      .map((instruction) => instruction.getArgumentsContent() ?? '')
      .join('\n');
    expect(build).toContain('pnpm install --frozen-lockfile');
    expect(build).toContain('pnpm turbo run build --filter=@image-factory/analyzer-cli');
  });

  it('installs git, runs as a non-root user and has image-factory as its entrypoint', () => {
    const runs = finalStage
      .filter((instruction) => instruction.getKeyword() === 'RUN')
      .map((instruction) => instruction.getArgumentsContent() ?? '');
    expect(runs.join('\n')).toMatch(/apt-get install -y --no-install-recommends git /);
    const users = finalStage.filter((instruction) => instruction.getKeyword() === 'USER');
    expect(users).toHaveLength(1);
    const user = users[0]?.getArgumentsContent() ?? '';
    expect(user).toBe('10001:10001');
    expect(user.split(':')[0]).not.toMatch(/^(0|root)$/);
    const entrypoints = finalStage.filter((instruction) => instruction.getKeyword() === 'ENTRYPOINT');
    expect(entrypoints.map((instruction) => instruction.getArgumentsContent())).toEqual([
      '["image-factory"]',
    ]);
    // The last instruction that sets the user comes after everything that needs root.
    const keywords = finalStage.map((instruction) => instruction.getKeyword());
    expect(keywords.lastIndexOf('RUN')).toBeLessThan(keywords.indexOf('USER'));
  });

  it('has a Dockerfile-specific ignore file that keeps local builds out of the context', () => {
    const ignore = readFileSync(join(PACKAGE_DIR, 'Dockerfile.dockerignore'), 'utf8');
    expect(ignore).toContain('**/node_modules');
    expect(ignore).toContain('**/dist');
  });
});
