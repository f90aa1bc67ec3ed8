#!/usr/bin/env node
// Regenerates the L1 constructs in src/imports from the vendored CRDs (crds/crds) with `cdk8s import`.
//
// Usage: node scripts/gen-imports.mjs [--out <dir>]   (default: src/imports)
//
// Offline and deterministic: the CRDs of one API group are concatenated (in the fixed order below)
// into a temporary file and imported with the package's own cdk8s-cli; the generated module is then
// renamed to `<module>.ts`. The staleness test (test/imports.test.ts) runs this script into a temp
// directory and compares the result with the committed files.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const pkgDir = resolve(import.meta.dirname, '..');
const crdDir = join(pkgDir, 'crds', 'crds');

/** One generated module per API group: module name, the file cdk8s writes, and its CRD files. */
export const IMPORT_MODULES = [
  {
    module: 'kargo',
    generated: 'kargo-kargo.akuity.io.ts',
    crds: [
      'kargo.akuity.io_projects.yaml',
      'kargo.akuity.io_projectconfigs.yaml',
      'kargo.akuity.io_warehouses.yaml',
      'kargo.akuity.io_stages.yaml',
      'kargo.akuity.io_freights.yaml',
      'kargo.akuity.io_promotions.yaml',
      'kargo.akuity.io_promotiontasks.yaml',
      'kargo.akuity.io_clusterpromotiontasks.yaml',
    ],
  },
  {
    module: 'rollouts',
    generated: 'rollouts-argoproj.io.ts',
    crds: ['analysis-template-crd.yaml', 'cluster-analysis-template-crd.yaml'],
  },
];

/**
 * Generates every module into `outDir` (created if missing). Each file is written atomically.
 * @param {string} outDir
 */
export function generateImports(outDir) {
  const require = createRequire(import.meta.url);
  const cliBin = join(dirname(require.resolve('cdk8s-cli/package.json')), 'bin', 'cdk8s');
  const work = mkdtempSync(join(tmpdir(), 'kargo-gen-imports-'));
  try {
    mkdirSync(outDir, { recursive: true });
    for (const { module, generated, crds } of IMPORT_MODULES) {
      const docs = crds.map((file) => readFileSync(join(crdDir, file), 'utf8').replace(/\n*$/, '\n'));
      const specFile = join(work, `${module}.yaml`);
      writeFileSync(specFile, docs.join('---\n'));
      const genDir = join(work, `out-${module}`);
      execFileSync(
        process.execPath,
        [
          cliBin,
          'import',
          `${module}:=${specFile}`,
          '--no-check-upgrade',
          '--no-save',
          '-l',
          'typescript',
          '-o',
          genDir,
        ],
        { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const code = readFileSync(join(genDir, generated), 'utf8');
      const target = join(outDir, `${module}.ts`);
      const tmp = `${target}.${process.pid}.tmp`;
      writeFileSync(tmp, code);
      renameSync(tmp, target);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  generateImports(resolve(values.out ?? join(pkgDir, 'src', 'imports')));
}
