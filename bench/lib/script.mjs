// Running a benchmark or generator file on its own (`node bench/discovery.mjs`) as well as from
// bench/run.mjs, which imports it.

import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * True when `moduleUrl` (a module's `import.meta.url`) is the script node was started with. Compared
 * as URLs of the real path, like node loads the main module, so that paths with spaces (which a URL
 * escapes) and symbolic links still match.
 */
export function isMain(moduleUrl) {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return moduleUrl === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

/** PASS or FAIL for a check with a target; INFO for a figure reported without one. */
export function verdict(check) {
  if (check.crashed) return 'CRASH';
  if (check.pass === undefined) return 'INFO';
  return check.pass ? 'PASS' : 'FAIL';
}

/**
 * When `moduleUrl` is the script node was started with, runs `bench` and prints a PASS/FAIL line
 * per check it returns; a crash prints its message and exits 1.
 *
 * @param {string} moduleUrl
 * @param {string} name  the benchmark's name, for the crash message
 * @param {() => Promise<{ checks: { pass: boolean, metric: string, value: string, target: string }[] }>} bench
 */
export function runStandalone(moduleUrl, name, bench) {
  if (!isMain(moduleUrl)) return;
  bench()
    .then((result) => {
      for (const check of result.checks)
        console.log(`${verdict(check)}  ${check.metric}: ${check.value} (${check.target})`);
    })
    .catch((error) => {
      console.error(`${name} benchmark crashed: ${error.message}`);
      process.exit(1);
    });
}
