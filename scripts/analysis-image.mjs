#!/usr/bin/env node
// The analysis image this repository publishes, and the default `analysis.image` of the settings
// (packages/state-schema/src/analysis-image.ts), kept in step with the version of the CLI.
//
//   node scripts/analysis-image.mjs check [--tag <git tag>]
//     prints `image=<repository>:<version>` (for $GITHUB_OUTPUT); exits 1 when the default the
//     settings name is not the CLI's version, or when the git tag is not the CLI's release tag.
//   node scripts/analysis-image.mjs sync
//     rewrites ANALYZER_CLI_VERSION to the CLI's version (run by `pnpm version-packages`).
//
// `--root DIR` works on another checkout (tests).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const root = resolve(option('--root') ?? join(import.meta.dirname, '..'));
const command = args[0];
const constantsFile = join(root, 'packages/state-schema/src/analysis-image.ts');
const cliPackage = join(root, 'apps/analyzer-cli/package.json');

function fail(message) {
  process.stderr.write(`analysis-image: ${message}\n`);
  process.exit(1);
}

const cliVersion = JSON.parse(readFileSync(cliPackage, 'utf8')).version;
if (typeof cliVersion !== 'string' || !/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(cliVersion)) {
  fail(`${cliPackage}: version ${JSON.stringify(cliVersion)} is not a release version`);
}
const source = readFileSync(constantsFile, 'utf8');
const repository = /export const ANALYSIS_IMAGE_REPOSITORY = '([^']+)';/.exec(source)?.[1];
const VERSION_LINE = /export const ANALYZER_CLI_VERSION = '([^']*)';/;
const pinned = VERSION_LINE.exec(source)?.[1];
if (repository === undefined || pinned === undefined) fail(`${constantsFile}: constants not found`);

if (command === 'sync') {
  if (pinned !== cliVersion) {
    const temp = `${constantsFile}.tmp`;
    writeFileSync(temp, source.replace(VERSION_LINE, `export const ANALYZER_CLI_VERSION = '${cliVersion}';`));
    renameSync(temp, constantsFile);
    process.stdout.write(`ANALYZER_CLI_VERSION ${pinned} -> ${cliVersion}\n`);
  }
} else if (command === 'check') {
  if (pinned !== cliVersion) {
    fail(
      `the default analysis.image names ${repository}:${pinned}, but the CLI is ${cliVersion}: run \`node scripts/analysis-image.mjs sync\``,
    );
  }
  const tag = option('--tag');
  if (tag !== undefined && tag !== `@image-factory/analyzer-cli@${cliVersion}`) {
    fail(`git tag ${tag} is not the release tag of the CLI version ${cliVersion}`);
  }
  process.stdout.write(`image=${repository}:${cliVersion}\n`);
} else {
  process.stderr.write('usage: analysis-image.mjs check [--tag TAG] | sync   [--root DIR]\n');
  process.exit(2);
}
