#!/usr/bin/env node
// Side by side: the same benchmarks, driven by this harness, on this checkout and on another built
// checkout of the repository (`--base DIR`, e.g. a git worktree of an older commit after
// `pnpm install --frozen-lockfile && pnpm build`). Runs of the two alternate (which one goes first
// alternates too), so that machine load affects them alike; every figure is a median. A figure of
// this checkout more than 10% worse than the base's is marked WORSE.
//
//   node bench/compare.mjs --base DIR [--runs 7] [--growth-runs 3] [--cli-runs 15] [--only synth,cli,discovery]
//
// Inputs are this checkout's generated ones (bench/.work), the same for both; `validate` runs on
// each checkout's own examples/state. Results also go to bench/.work/compare.json.

import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cliStartCommands } from './cli-start.mjs';
import { corpusFor, discoveryCommands, wrongAnswers } from './discovery.mjs';
import { ensureDir, ROOT, requireBuilt, TREE, treeAt, WORK } from './lib/context.mjs';
import { assertExit, RSS_METHOD, runProcess } from './lib/measure.mjs';
import { fmtInt, fmtMiB, fmtMs, fmtRatio, median, table } from './lib/stats.mjs';
import { floorOnce, stateRepoFor, synthOnce } from './synth.mjs';

/** A figure of this checkout may be this much worse than the base's. */
const TOLERANCE = 1.1;

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    runs: { type: 'string', default: '7' },
    'growth-runs': { type: 'string', default: '3' },
    'cli-runs': { type: 'string', default: '15' },
    only: { type: 'string', default: 'synth,cli,discovery' },
  },
});
if (values.base === undefined) {
  console.error('usage: node bench/compare.mjs --base DIR [--runs 7] [--growth-runs 3] [--cli-runs 15]');
  process.exit(2);
}
const runs = Number(values.runs);
const growthRuns = Number(values['growth-runs']);
const cliRuns = Number(values['cli-runs']);
const only = new Set(values.only.split(','));
const trees = { base: treeAt(resolve(values.base)), branch: TREE };
for (const [name, tree] of Object.entries(trees)) {
  requireBuilt(tree.synthMain, `the synth app of ${name} (${tree.root})`);
  requireBuilt(tree.cliBundle, `the image-factory CLI of ${name} (${tree.root})`);
}

/**
 * Runs `measure(tree)` `rounds` times for each tree after one warm-up each, alternating the trees
 * and which one goes first. Returns the results per tree.
 */
async function alternate(rounds, measure) {
  const results = { base: [], branch: [] };
  for (let round = -1; round < rounds; round++) {
    const order = round % 2 === 0 ? ['base', 'branch'] : ['branch', 'base'];
    for (const name of order) {
      const result = await measure(trees[name], name);
      if (round >= 0) results[name].push(result);
    }
  }
  return results;
}

const rows = [];
/** Adds a row; `lowerIsBetter` figures of the branch above base x TOLERANCE are WORSE. */
function row(metric, base, branch, format) {
  const change = branch / base - 1;
  rows.push({
    metric,
    base,
    branch,
    change,
    cells: [
      metric,
      format(base),
      format(branch),
      `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`,
      branch <= base * TOLERANCE ? 'ok' : 'WORSE',
    ],
  });
}

const outDir = ensureDir(join(WORK, 'compare-out'));
console.log(`Side by side: base ${trees.base.root} vs this checkout ${trees.branch.root}`);

// Synthesis at 2,000 images (with the floor, on this checkout's manifest) and at 5,000.
for (const [images, rounds] of only.has('synth')
  ? [
      [2000, runs],
      [5000, growthRuns],
    ]
  : []) {
  const repo = stateRepoFor(images);
  const manifest = (name) => join(outDir, `${name}-${images}.k8s.yaml`);
  console.log(`synth ${fmtInt(images)} images: ${rounds} runs each`);
  const results = await alternate(rounds, (tree, name) => synthOnce(tree, repo.dir, manifest(name)));
  const wall = (name) => median(results[name].map((r) => r.ms));
  const rss = (name) => Math.max(...results[name].map((r) => r.rssKiB));
  row(`synth ${fmtInt(images)} images, wall`, wall('base'), wall('branch'), fmtMs);
  row(
    `synth ${fmtInt(images)} images, CPU`,
    median(results.base.map((r) => r.cpuMs)),
    median(results.branch.map((r) => r.cpuMs)),
    fmtMs,
  );
  row(`synth ${fmtInt(images)} images, peak RSS`, rss('base'), rss('branch'), fmtMiB);
  if (images === 2000) {
    const floors = [];
    for (let run = 0; run < rounds; run++) {
      floors.push((await floorOnce(repo.dir, manifest('branch'), join(outDir, 'floor.k8s.yaml'))).ms);
    }
    const floor = median(floors);
    row('synth 2,000 / floor', wall('base') / floor, wall('branch') / floor, fmtRatio);
  }
}

if (only.has('cli')) {
  // CLI start. Every command goes through the same wrapper (GNU time when installed: CPU time too).
  const measured = { cwd: ROOT, rss: RSS_METHOD === 'gnu-time' };
  console.log(`cli start: ${cliRuns} runs each`);
  const nodeRuns = [];
  const cli = await alternate(cliRuns, async (tree, name) => {
    if (name === 'base') {
      nodeRuns.push(assertExit(await runProcess(process.execPath, ['-e', '0'], measured), 'node -e 0').ms);
    }
    const times = [];
    for (const command of cliStartCommands(tree)) {
      times.push(assertExit(await runProcess(process.execPath, command.args, measured), command.label));
    }
    return times;
  });
  const node = median(nodeRuns);
  for (const [i, command] of cliStartCommands(TREE).entries()) {
    const label = command.label.replace(' --state-dir examples/state', '');
    const figure = (name, key) => median(cli[name].map((times) => times[i][key]));
    row(`${label}, wall`, figure('base', 'ms'), figure('branch', 'ms'), fmtMs);
    row(`${label}, CPU`, figure('base', 'cpuMs'), figure('branch', 'cpuMs'), fmtMs);
    row(`${label} / node -e 0`, figure('base', 'ms') / node, figure('branch', 'ms') / node, fmtRatio);
  }
}

if (only.has('discovery')) {
  // Discovery.
  const corpus = corpusFor(2000);
  console.log(`discovery: ${runs} runs each`);
  const discovery = await alternate(runs, async (tree) => {
    const commands = discoveryCommands(tree, corpus);
    const all = await commands.all();
    const one = await commands.one();
    return { all: all.ms, cpu: all.cpuMs, one: one.ms, wrong: wrongAnswers(corpus, all.stdout).length };
  });
  for (const [name, results] of Object.entries(discovery)) {
    const wrong = Math.max(...results.map((r) => r.wrong));
    if (wrong > 0) console.log(`discovery: ${name} answers ${wrong} files differently from BuildKit`);
  }
  const whole = (name) => median(discovery[name].map((r) => r.all));
  const analysis = (name) => whole(name) - median(discovery[name].map((r) => r.one));
  row('discovery 2,000 files, whole process', whole('base'), whole('branch'), fmtMs);
  row('discovery 2,000 files, analysis alone', analysis('base'), analysis('branch'), fmtMs);
  row(
    'discovery 2,000 files, CPU',
    median(discovery.base.map((r) => r.cpu)),
    median(discovery.branch.map((r) => r.cpu)),
    fmtMs,
  );
  rows.push({
    metric: 'discovery files/s (whole; analysis)',
    cells: [
      'discovery files/s (whole; analysis)',
      `${fmtInt(2e6 / whole('base'))}; ${fmtInt(2e6 / analysis('base'))}`,
      `${fmtInt(2e6 / whole('branch'))}; ${fmtInt(2e6 / analysis('branch'))}`,
      '',
      '',
    ],
  });
}

console.log('');
console.log(
  table(
    ['', 'base', 'this checkout', 'change', `within ${Math.round((TOLERANCE - 1) * 100)}%`],
    rows.map((r) => r.cells),
    ['l', 'r', 'r', 'r', 'l'],
  ),
);
const worse = rows.filter((r) => r.cells[4] === 'WORSE');
console.log(
  worse.length === 0 ? 'nothing worse by more than 10%' : `${worse.length} figures worse by more than 10%`,
);
writeFileSync(
  join(WORK, 'compare.json'),
  `${JSON.stringify({ node: process.version, base: trees.base.root, rows: rows.map(({ cells, ...r }) => r) }, null, 2)}\n`,
);
