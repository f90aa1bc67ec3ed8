#!/usr/bin/env node
// Benchmark 3: CLI start.
//
// Start (a new process each run; OS file cache warm after one discarded run) of
// `image-factory --version` and `image-factory validate --state-dir examples/state`, against
// `node -e 0`. The three commands run round-robin so drift affects them alike. Target: <= 3x.
//
//   node bench/cli-start.mjs [--runs 15]

import { parseArgs } from 'node:util';
import { ROOT, requireBuilt, TREE } from './lib/context.mjs';
import { assertExit, runProcess } from './lib/measure.mjs';
import { runStandalone } from './lib/script.mjs';
import { fmtMs, fmtRatio, median, range, table } from './lib/stats.mjs';

export const TARGET_RATIO = 3;

/** The two CLI commands measured, for the CLI of `tree` (on the tree's own example state). */
export function cliStartCommands(tree) {
  return [
    { label: 'image-factory --version', args: [tree.cliBin, '--version'] },
    {
      label: 'image-factory validate --state-dir examples/state',
      args: [tree.cliBin, 'validate', '--state-dir', tree.exampleState],
    },
  ];
}

/**
 * Runs the benchmark, printing as it goes.
 * @param {{ runs?: number, log?: (line: string) => void }} [options]
 */
export async function benchCliStart(options = {}) {
  const { runs = 15, log = console.log } = options;
  requireBuilt(TREE.cliBundle, 'the image-factory CLI');
  const commands = [{ label: 'node -e 0', args: ['-e', '0'] }, ...cliStartCommands(TREE)];
  log('== Benchmark 3: CLI start');
  log(`input:  examples/state (3 managed images, 4 base images); ${runs} runs each, round-robin, 1 warm-up`);
  const times = commands.map(() => []);
  for (let round = -1; round < runs; round++) {
    for (const [i, command] of commands.entries()) {
      const result = assertExit(
        await runProcess(process.execPath, command.args, { cwd: ROOT }),
        command.label,
      );
      if (round >= 0) times[i].push(result.ms);
    }
  }
  const medians = times.map(median);
  const base = medians[0];
  log(
    table(
      ['command', 'median', 'min', 'max', 'vs node -e 0'],
      commands.map((command, i) => {
        const { min, max } = range(times[i]);
        return [command.label, fmtMs(medians[i]), fmtMs(min), fmtMs(max), fmtRatio(medians[i] / base)];
      }),
      ['l', 'r', 'r', 'r', 'r'],
    ),
  );
  log('');
  return {
    checks: commands.slice(1).map((command, j) => {
      const ratio = medians[j + 1] / base;
      return {
        benchmark: 'cli start',
        metric: `${command.label.replace(' --state-dir examples/state', '')} vs node -e 0`,
        value: `${fmtMs(medians[j + 1])} / ${fmtMs(base)} = ${fmtRatio(ratio)}`,
        target: `<= ${TARGET_RATIO}x`,
        pass: ratio <= TARGET_RATIO,
      };
    }),
    data: Object.fromEntries(
      commands.map((command, i) => [command.label, { median: medians[i], runs: times[i] }]),
    ),
  };
}

runStandalone(import.meta.url, 'cli start', () => {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
  return benchCliStart({ runs: Number(values.runs) });
});
