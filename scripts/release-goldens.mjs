#!/usr/bin/env node
// The last step of `pnpm version-packages`, after `changeset version` and `analysis-image.mjs sync`.
//
// Some committed files name the release: the golden manifests and workflows pin the analysis image
// (`ghcr.io/image-factory/analyzer-cli:<version>`) and the release tag the state repository's workflow
// checks out (`@image-factory/analyzer-cli@<version>`), and the settings JSON Schema shows both as
// defaults. This script regenerates them (build, `gen:schema`, the golden tests with `--update`) and
// then checks that every line they changed differs from the last commit only by the version, so that a
// release can never slip another change into a golden file.
//
//   node scripts/release-goldens.mjs [--check] [--root DIR]
//     --check: only the check, nothing regenerated (tests; or again after fixing a golden by hand).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const root = resolve(rootAt < 0 ? join(import.meta.dirname, '..') : args[rootAt + 1]);

/** The packages whose tests compare against golden files (`toMatchFileSnapshot`). */
const GOLDEN_PACKAGES = [
  '@image-factory/kargo-constructs',
  '@image-factory/factory',
  '@image-factory/synth',
  '@image-factory/analyzer-cli',
];
/** Where the files that may change live (git pathspecs). */
const REGENERATED = [':(glob)**/__golden__/**', 'packages/state-schema/schema/**'];

function run(command, commandArgs, { mayFail = false } = {}) {
  try {
    execFileSync(command, commandArgs, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    if (mayFail) return;
    process.stderr.write(`release-goldens: \`${command} ${commandArgs.join(' ')}\` failed (above)\n`);
    process.exit(1);
  }
}

function git(gitArgs) {
  return execFileSync('git', gitArgs, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

const CLI_PACKAGE = 'apps/analyzer-cli/package.json';
const before = JSON.parse(git(['show', `HEAD:${CLI_PACKAGE}`])).version;
const after = JSON.parse(readFileSync(join(root, CLI_PACKAGE), 'utf8')).version;
if (before === after) {
  process.stdout.write(`release-goldens: the CLI is still ${after}; nothing to regenerate\n`);
  process.exit(0);
}

if (!args.includes('--check')) regenerate();

function regenerate() {
  run('pnpm', ['turbo', 'run', 'build', '--output-logs=errors-only']);
  run('pnpm', ['--filter', '@image-factory/state-schema', 'gen:schema']);
  for (const name of GOLDEN_PACKAGES) {
    // Some tests of a package read a golden file that another test of the same run is rewriting, so
    // the updating run may fail; the run after it must not.
    run('pnpm', ['--filter', name, 'exec', 'vitest', 'run', '--update', '--silent'], { mayFail: true });
    run('pnpm', ['--filter', name, 'exec', 'vitest', 'run', '--silent']);
  }
}

/** Removed and added lines of each file changed since the last commit, in order. */
function changedLines() {
  const files = new Map();
  let current;
  for (const line of git(['diff', '--unified=0', 'HEAD', '--', ...REGENERATED]).split('\n')) {
    if (line.startsWith('+++ ')) {
      current = { removed: [], added: [] };
      files.set(line.replace(/^\+\+\+ b\//, ''), current);
    } else if (line.startsWith('--- ')) {
      // The file's old name: the next `+++` line opens it.
    } else if (current !== undefined && line.startsWith('-')) {
      current.removed.push(line.slice(1));
    } else if (current !== undefined && line.startsWith('+')) {
      current.added.push(line.slice(1));
    }
  }
  return files;
}

const problems = [];
const files = changedLines();
for (const [file, { removed, added }] of files) {
  if (removed.length !== added.length) {
    problems.push(`${file}: ${removed.length} lines removed, ${added.length} added`);
    continue;
  }
  removed.forEach((line, index) => {
    if (line.replaceAll(before, after) !== added[index]) {
      problems.push(`${file}:\n  - ${line}\n  + ${added[index]}`);
    }
  });
}
if (problems.length > 0) {
  process.stderr.write(
    `release-goldens: these changes are not only ${before} -> ${after}; fix the cause and run again:\n${problems.join('\n')}\n`,
  );
  process.exit(1);
}
process.stdout.write(
  `release-goldens: ${files.size} files regenerated; every changed line differs only by ${before} -> ${after}\n`,
);
