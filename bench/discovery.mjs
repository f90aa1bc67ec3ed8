#!/usr/bin/env node

// Benchmark 2: discovery over a monorepo. Reported, no target: one Dockerfile per analysis job or
// a few thousand per `base-images` call need no more speed; correctness comes first.
//
// One `image-factory base-images --json <2,000 files>` call on a generated corpus of realistic
// Dockerfiles. Reports files/s two ways: the whole process (node start, CLI load, reading,
// analysing, printing JSON), and the analysis alone: the whole process minus the same command on
// one file of the corpus (node start, CLI and analyzer load), measured in the same session. Checks
// every answer against the images BuildKit pulls for each generated file (`expected.json`).
//
//   node bench/discovery.mjs [--runs 5] [--files 2000]

import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateDockerfiles } from './gen/dockerfiles.mjs';
import { cachedGenerate, ensureDir, ROOT, requireBuilt, TREE, WORK } from './lib/context.mjs';
import { assertExit, RSS_METHOD, runProcess } from './lib/measure.mjs';
import { runStandalone } from './lib/script.mjs';
import { fmtInt, fmtMs, median, table } from './lib/stats.mjs';

/** Generates (or reuses) the corpus; returns file paths relative to the repository root. */
export function corpusFor(files) {
  const dir = join(WORK, `dockerfiles-${files}`);
  const params = { generator: 2, files, seed: 11 };
  const { summary } = cachedGenerate(
    ensureDir(dir),
    params,
    () => generateDockerfiles(dir, { files, seed: 11 }).summary,
  );
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
  const rels = Object.keys(expected);
  return {
    dir,
    summary,
    expected,
    rels,
    paths: rels.map((rel) => relative(ROOT, join(dir, rel))),
  };
}

/**
 * The two commands of the benchmark for the CLI of `tree`: `all` (every file of the corpus) and
 * `one` (its first file). Exit code 1 is accepted: some generated files have findings.
 */
export function discoveryCommands(tree, corpus) {
  const measured = { cwd: ROOT, rss: RSS_METHOD === 'gnu-time' };
  const run = async (paths, what) =>
    assertExit(
      await runProcess(process.execPath, [tree.cliBin, 'base-images', '--json', ...paths], measured),
      what,
      [0, 1],
    );
  return {
    all: () => run(corpus.paths, 'base-images'),
    one: () => run(corpus.paths.slice(0, 1), 'base-images on one file'),
  };
}

/** The files whose images differ from the ones BuildKit pulls (`expected.json`). */
export function wrongAnswers(corpus, stdout) {
  const parsed = JSON.parse(stdout);
  // `{version, files: [...]}` today; an array (or one object for one file) before the JSON outputs
  // carried a version. Paths are shown relative to the working directory (ROOT) when inside it.
  const entries = Array.isArray(parsed) ? parsed : Array.isArray(parsed.files) ? parsed.files : [parsed];
  const byFile = new Map(entries.map((entry) => [resolve(ROOT, entry.file), entry]));
  const wrong = [];
  for (const [i, rel] of corpus.rels.entries()) {
    const file = corpus.paths[i];
    const answer = byFile.get(file);
    const expected = new Set(corpus.expected[rel].map((image) => image.reference));
    const found = new Set((answer?.images ?? []).map((image) => image.reference));
    const missing = [...expected].filter((reference) => !found.has(reference));
    const extra = [...found].filter((reference) => !expected.has(reference));
    if (answer === undefined || missing.length > 0 || extra.length > 0) wrong.push({ file, missing, extra });
  }
  return wrong;
}

/**
 * Runs the benchmark, printing as it goes.
 * @param {{ runs?: number, files?: number, log?: (line: string) => void }} [options]
 */
export async function benchDiscovery(options = {}) {
  const { runs = 5, files = 2000, log = console.log } = options;
  requireBuilt(TREE.cliBundle, 'the image-factory CLI');
  const corpus = corpusFor(files);
  const c = corpus.summary;
  log('== Benchmark 2: discovery over a monorepo (reported, no target)');
  log(
    `input:  ${relative(ROOT, corpus.dir)}: ${fmtInt(c.files)} Dockerfiles, ${fmtInt(c.lines)} lines, ` +
      `${(c.bytes / 1024).toFixed(0)} KiB (${Object.entries(c.recipes)
        .map(([recipe, count]) => `${recipe} ${count}`)
        .join(', ')})`,
  );
  log(`all:    image-factory base-images --json <${fmtInt(files)} files> (one process)`);
  log(`one:    image-factory base-images --json <1 file> (node start, CLI and analyzer load: subtracted)`);

  const commands = discoveryCommands(TREE, corpus);
  const first = await commands.all(); // warm-up (file cache); its answers are checked
  await commands.one();
  const m = { all: [], one: [], allCpu: [] };
  for (let run = 0; run < runs; run++) {
    const all = await commands.all();
    m.all.push(all.ms);
    m.allCpu.push(all.cpuMs);
    m.one.push((await commands.one()).ms);
  }
  const whole = median(m.all);
  const analysis = whole - median(m.one);
  const perSecond = (ms) => (files / ms) * 1000;
  log(
    table(
      ['', `wall, median of ${runs}`, 'files/s', 'runs'],
      [
        ['whole process', fmtMs(whole), fmtInt(perSecond(whole)), m.all.map(fmtMs).join(' ')],
        ['one file', fmtMs(median(m.one)), '', m.one.map(fmtMs).join(' ')],
        ['analysis (difference)', fmtMs(analysis), fmtInt(perSecond(analysis)), ''],
      ],
      ['l', 'r', 'r', 'l'],
    ),
  );
  const wrong = wrongAnswers(corpus, first.stdout);
  log(
    `answers: ${fmtInt(files - wrong.length)} of ${fmtInt(files)} files give exactly the images BuildKit pulls`,
  );
  for (const difference of wrong.slice(0, 5)) log(`  differs: ${JSON.stringify(difference)}`);
  log('');

  return {
    checks: [
      {
        benchmark: 'discovery',
        metric: `files/s, ${fmtInt(files)} Dockerfiles in one call (whole process; analysis alone)`,
        value: `${fmtInt(perSecond(whole))}; ${fmtInt(perSecond(analysis))}`,
        target: 'reported',
        pass: undefined,
      },
      {
        benchmark: 'discovery',
        metric: 'answers equal to the images BuildKit pulls',
        value: `${fmtInt(files - wrong.length)} of ${fmtInt(files)} files`,
        target: 'every file',
        pass: wrong.length === 0,
      },
    ],
    data: { files, wholeMs: whole, analysisMs: analysis, cpuMs: median(m.allCpu), runs: m, wrong },
  };
}

runStandalone(import.meta.url, 'discovery', () => {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '5' }, files: { type: 'string', default: '2000' } },
  });
  return benchDiscovery({ runs: Number(values.runs), files: Number(values.files) });
});
