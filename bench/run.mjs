#!/usr/bin/env node
// Runs every benchmark and prints a final table with PASS/FAIL per target (`pnpm bench`).
//
//   node bench/run.mjs [--only synth,discovery,cli] [--quick]
//
// Benchmarks report, they do not gate: the exit code is 0 whatever the figures, and 1 only when a
// benchmark itself could not run (a crash, a command failing, an artefact not built).
// Results are also written to bench/.work/results.json.

import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchCliStart } from './cli-start.mjs';
import { benchDiscovery } from './discovery.mjs';
import { ensureDir, WORK } from './lib/context.mjs';
import { verdict } from './lib/script.mjs';
import { table } from './lib/stats.mjs';
import { benchSynth } from './synth.mjs';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'synth,discovery,cli' },
    quick: { type: 'boolean', default: false },
  },
});
const only = new Set(values.only.split(','));
const quick = values.quick;

const BENCHMARKS = [
  ['synth', 'synth', () => benchSynth(quick ? { runs: 3, growthRuns: 1 } : {})],
  ['discovery', 'discovery', () => benchDiscovery(quick ? { runs: 3 } : {})],
  ['cli', 'cli start', () => benchCliStart(quick ? { runs: 7 } : {})],
];

console.log(
  `Image Factory benchmarks — node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ` +
    `${(totalmem() / 2 ** 30).toFixed(0)} GiB${quick ? ' (quick: fewer runs)' : ''}`,
);
console.log('');

const checks = [];
const results = {};
let crashed = false;
for (const [key, name, run] of BENCHMARKS) {
  if (!only.has(key)) continue;
  try {
    const result = await run();
    checks.push(...result.checks);
    results[key] = result;
  } catch (error) {
    crashed = true;
    console.log(`!! ${name} benchmark crashed: ${error instanceof Error ? error.message : String(error)}`);
    console.log('');
    checks.push({
      benchmark: name,
      metric: '(benchmark crashed)',
      value: '-',
      target: '-',
      pass: false,
      crashed: true,
    });
  }
}

console.log('== Summary');
console.log(
  table(
    ['benchmark', 'metric', 'value', 'target', 'result'],
    checks.map((c) => [c.benchmark, c.metric, c.value, c.target, verdict(c)]),
  ),
);
const targets = checks.filter((c) => c.pass !== undefined);
const failed = targets.filter((c) => !c.pass).length;
console.log(
  `${targets.length - failed} of ${targets.length} targets met${crashed ? '; a benchmark crashed' : ''}`,
);

ensureDir(WORK);
writeFileSync(
  join(WORK, 'results.json'),
  `${JSON.stringify({ node: process.version, checks, results }, null, 2)}\n`,
);
process.exitCode = crashed ? 1 : 0;
