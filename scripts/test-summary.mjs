#!/usr/bin/env node
// Sums the vitest JSON reports in a directory and prints one closing line:
// `N passed, N failed` (plus skipped when any). Exits 1 when a test failed, a suite failed to
// load, or no report was found at all.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const recursive = args[0] === '--recursive';
const dir = recursive ? args[1] : args[0];
if (!dir) {
  console.error('usage: test-summary.mjs [--recursive] <results-dir>');
  process.exit(2);
}
let passed = 0;
let failed = 0;
let skipped = 0;
let failedSuites = 0;
let reports = 0;
const files = readdirSync(dir, { recursive, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .sort();
for (const name of files) {
  const report = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  reports++;
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A suite that failed outside its tests (a load error, a hook timeout) counts as one failure.
  const broken = (report.testResults ?? []).filter(
    (s) => s.status === 'failed' && !(s.assertionResults ?? []).some((a) => a.status === 'failed'),
  );
  failedSuites += broken.length;
  for (const suite of broken) console.error(`suite failed to run: ${suite.name}: ${suite.message ?? ''}`);
}
if (reports === 0) console.error(`no vitest reports in ${dir}`);
failed += failedSuites;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || reports === 0 ? 1 : 0);
