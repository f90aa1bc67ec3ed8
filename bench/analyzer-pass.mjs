#!/usr/bin/env node
// Our analysis timed inside the process, on the same footing as the old scan's own timing
// (bench/old-tool-scan.py's scanSeconds): reading every file and analysing it, with the runtime's
// start and the loading of the code left out, and no output. For the discovery benchmark.
//
//   node bench/analyzer-pass.mjs [--passes 8] FILE...
//
// Prints JSON: `coldSeconds`, the first pass (what one `image-factory base-images` call pays: the
// JIT has not seen the code yet), `steadySeconds`, the median of the second half of the passes
// (the JIT has optimised the hot code: what the same work costs warmed up), `passes`, and
// `images`, the number of images found per pass (checked against the CLI's answers by the
// benchmark, so that both did the same work).
// Files are analysed with the options `image-factory base-images` uses without flags. Like the CLI
// (apps/analyzer-cli/src/threads.ts), the process first lowers its background threads below the
// main thread, so that the first pass is timed as the CLI runs it.

import { readdirSync, readFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parseArgs } from 'node:util';
import { median } from './lib/stats.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { passes: { type: 'string', default: '8' } },
});
const passes = Number(values.passes);
if (positionals.length === 0 || !Number.isInteger(passes) || passes < 4) {
  process.stderr.write('usage: analyzer-pass.mjs [--passes N (>= 4)] FILE...\n');
  process.exit(2);
}

lowerBackgroundThreads();
const { analyzeDockerfile } = await import('@image-factory/dockerfile-analyzer');

const UTF8 = { encoding: 'utf8' };
const options = { buildArgs: {} };
const seconds = [];
let images = -1;
for (let pass = 0; pass < passes; pass++) {
  const start = performance.now();
  let found = 0;
  for (let i = 0; i < positionals.length; i++) {
    found += analyzeDockerfile(readFileSync(positionals[i], UTF8), options).images.length;
  }
  seconds.push((performance.now() - start) / 1000);
  if (images !== -1 && found !== images)
    throw new Error(`pass ${pass + 1} found ${found} images, not ${images}`);
  images = found;
}
process.stdout.write(
  `${JSON.stringify({
    coldSeconds: seconds[0],
    steadySeconds: median(seconds.slice(Math.ceil(passes / 2))),
    passes: seconds,
    images,
  })}\n`,
);

/** Sets every thread but the main one 10 nice levels below it (Linux; elsewhere nothing). */
function lowerBackgroundThreads() {
  let tasks;
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return;
  }
  const target = Math.min(19, getPriority(process.pid) + 10);
  for (const task of tasks) {
    const id = Number(task);
    if (id === process.pid) continue;
    try {
      if (getPriority(id) < target) setPriority(id, target);
    } catch {
      // The thread ended meanwhile.
    }
  }
}
