// Shared paths and options of the benchmarks.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Scratch space for generated inputs and outputs (gitignored). */
export const WORK = join(ROOT, 'bench', '.work');

/**
 * The built artefacts of a checkout of this repository: this one, or another one that
 * `compare.mjs` measures side by side with it.
 */
export function treeAt(root) {
  return {
    root,
    synthMain: join(root, 'apps', 'synth', 'dist', 'main.js'),
    cliBin: join(root, 'apps', 'analyzer-cli', 'bin', 'image-factory.js'),
    cliBundle: join(root, 'apps', 'analyzer-cli', 'dist', 'bin.js'),
    exampleState: join(root, 'examples', 'state'),
  };
}

/** This checkout. */
export const TREE = treeAt(ROOT);
export const FLOOR = join(ROOT, 'bench', 'floor.mjs');

/** Creates `dir` (and parents). */
export function ensureDir(dir) {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Throws a clear error when a built artefact a benchmark runs is missing. */
export function requireBuilt(path, what) {
  if (!existsSync(path)) {
    throw new Error(`${what} is not built: ${path} is missing (run \`pnpm build\`)`);
  }
}

/**
 * Runs `generate` unless `dir/.params.json` records the same parameters (generation is
 * deterministic, so equal parameters mean equal content).
 */
export function cachedGenerate(dir, params, generate) {
  const stamp = join(dir, '.params.json');
  const wanted = JSON.stringify(params);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) {
    return { cached: true, summary: JSON.parse(readFileSync(join(dir, '.summary.json'), 'utf8')) };
  }
  const summary = generate();
  writeFileSync(join(dir, '.summary.json'), JSON.stringify(summary));
  writeFileSync(stamp, wanted);
  return { cached: false, summary };
}
