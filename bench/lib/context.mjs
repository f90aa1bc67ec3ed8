// Shared paths and options of the benchmarks.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Scratch space for generated inputs and outputs (gitignored). */
export const WORK = join(ROOT, 'bench', '.work');

export const SYNTH_MAIN = join(ROOT, 'apps', 'synth', 'dist', 'main.js');
export const CLI_BIN = join(ROOT, 'apps', 'analyzer-cli', 'bin', 'image-factory.js');
export const FLOOR = join(ROOT, 'bench', 'floor.mjs');
export const OLD_SCAN = join(ROOT, 'bench', 'old-tool-scan.py');
/** The same scan ported to Node (the platform's share of the comparison). */
export const OLD_SCAN_NODE = join(ROOT, 'bench', 'old-tool-scan.mjs');
/** Our analysis timed inside one process, like the old scan's own timing. */
export const PASS_SCRIPT = join(ROOT, 'bench', 'analyzer-pass.mjs');

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
