#!/usr/bin/env node
// Benchmark 2: discovery over a monorepo.
//
// One `image-factory base-images --json <2000 files>` call on a generated corpus of realistic
// Dockerfiles. Reports files/s two ways: the whole process (node start, CLI load, reading,
// analysing, printing JSON), and the analysis alone, which is the whole process minus the median
// wall time of the same command on one file of the corpus (node start, CLI and analyzer load, one
// file), measured in the same session: the fixed cost of a run, whatever its size.
// Compares the time per file with the old Python tool's regex scan (bench/old-tool-scan.py) on the
// same files, like for like: its in-process scan time (reads and scan, timed by the script itself)
// against ours timed the same way in a fresh process (bench/analyzer-pass.mjs: reads and analysis,
// first pass), and both whole processes. Then checks answers: ours against the generator's expected
// answers, and the old scan's against ours (bogus images it records, images it drops).
// For reference, analyzer-pass.mjs also reports the steady state (the same pass once the JIT has
// optimised the code), so that the gap splits into JIT warm-up and the analysis itself.
// For reference (not a target), the same regex scan ported to Node (bench/old-tool-scan.mjs) is run
// too: what Node itself costs for the old tool's much smaller job, so that the gap to the Python
// scan splits into the platform's share and the analysis's share.
//
//   node bench/discovery.mjs [--runs 5] [--files 2000]

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { tryParseImageReference } from '@image-factory/state-schema';
import { generateDockerfiles } from './gen/dockerfiles.mjs';
import {
  CLI_BIN,
  cachedGenerate,
  ensureDir,
  OLD_SCAN,
  OLD_SCAN_NODE,
  PASS_SCRIPT,
  ROOT,
  requireBuilt,
  WORK,
} from './lib/context.mjs';
import { assertExit, RSS_METHOD, runProcess } from './lib/measure.mjs';
import { runStandalone } from './lib/script.mjs';
import { fmtInt, fmtMs, fmtRatio, median, table } from './lib/stats.mjs';

export const TARGET_FILES_PER_SECOND = 5000;
const TAG = /^[\w][\w.-]{0,127}$/;

/** The interpreter behind `python3` (pyenv and similar shims add their own start-up time). */
function realPython() {
  return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
}

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

/** The answer of the old scan for one file, normalized like ours; `undefined` when it is not an image. */
function oldToReference({ name, tag }) {
  const parsed = tryParseImageReference(name);
  if (!parsed.ok || parsed.reference.tag !== undefined || parsed.reference.digest !== undefined)
    return undefined;
  if (!TAG.test(tag)) return undefined;
  return `${parsed.reference.name}:${tag}`;
}

function bogusKind({ name, tag }) {
  if (name.startsWith('--')) return 'flag token (--platform=...)';
  if (name.includes('$') || tag.includes('$')) return 'unexpanded ARG';
  if (oldToReference({ name, tag }) === undefined) return 'mis-split (digest, port)';
  return 'not an image (stage name, heredoc line)';
}

const setEq = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));

/** Compares our answers with the expected ones and the old scan's with ours. */
function compare(corpus, ours, old) {
  const result = {
    files: corpus.rels.length,
    oursWrong: [],
    oldWrongFiles: 0,
    oldEntries: 0,
    oursEntries: 0,
    bogus: {},
    bogusTotal: 0,
    dropped: { from: 0, copy: 0, mount: 0 },
    droppedTotal: 0,
    problems: {},
  };
  corpus.rels.forEach((rel, i) => {
    const path = corpus.paths[i];
    const mine = ours.get(path);
    const expected = new Set(corpus.expected[rel].map((e) => e.reference));
    if (!mine) {
      result.oursWrong.push({ file: path, why: 'no answer in the JSON output' });
      return;
    }
    const mineRefs = new Set(mine.images.map((img) => img.reference));
    for (const p of mine.problems ?? []) {
      const key = `${p.severity ?? '?'} ${p.code}`;
      result.problems[key] = (result.problems[key] ?? 0) + 1;
    }
    result.oursEntries += mineRefs.size;
    if (!setEq(mineRefs, expected)) {
      result.oursWrong.push({
        file: path,
        missing: [...expected].filter((r) => !mineRefs.has(r)),
        extra: [...mineRefs].filter((r) => !expected.has(r)),
      });
    }
    const oldEntries = old.files[path] ?? [];
    result.oldEntries += oldEntries.length;
    const oldRefs = new Set();
    let wrong = false;
    for (const entry of oldEntries) {
      const ref = oldToReference(entry);
      if (ref !== undefined && mineRefs.has(ref)) {
        oldRefs.add(ref);
        continue;
      }
      wrong = true;
      const kind = bogusKind(entry);
      result.bogus[kind] = (result.bogus[kind] ?? 0) + 1;
      result.bogusTotal++;
    }
    for (const img of mine.images) {
      if (oldRefs.has(img.reference)) continue;
      wrong = true;
      result.dropped[img.source] = (result.dropped[img.source] ?? 0) + 1;
      result.droppedTotal++;
    }
    if (wrong) result.oldWrongFiles++;
  });
  return result;
}

function parseOurJson(stdout) {
  // `{"version": 1, "files": [{"file","images","problems"}, ...]}` whatever the number of files.
  const list = JSON.parse(stdout).files;
  const byFile = new Map();
  for (const entry of list) byFile.set(entry.file, entry);
  return byFile;
}

/**
 * Runs the benchmark, printing as it goes.
 * @param {{ runs?: number, files?: number, log?: (line: string) => void }} [options]
 */
export async function benchDiscovery(options = {}) {
  const { runs = 5, files = 2000, log = console.log } = options;
  requireBuilt(CLI_BIN.replace(/bin[/\\]image-factory\.js$/, 'dist/bin.js'), 'the image-factory CLI');
  const corpus = corpusFor(files);
  const python = realPython();
  const c = corpus.summary;
  log('== Benchmark 2: discovery over a monorepo');
  log(
    `input:  ${relative(ROOT, corpus.dir)}: ${fmtInt(c.files)} Dockerfiles, ${fmtInt(c.lines)} lines, ` +
      `${(c.bytes / 1024).toFixed(0)} KiB (${Object.entries(c.recipes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
  );
  log(
    `ours:   node apps/analyzer-cli/bin/image-factory.js base-images --json <${fmtInt(files)} files> (one process)`,
  );
  log(
    `start:  node apps/analyzer-cli/bin/image-factory.js base-images --json <1 file> (node start, CLI and analyzer load, subtracted)`,
  );
  log(
    `pass:   node bench/analyzer-pass.mjs <${fmtInt(files)} files> (the analyzer in one process; reads and analysis timed inside, no output)`,
  );
  log(
    `old:    ${python} bench/old-tool-scan.py <${fmtInt(files)} files> (one process; reports its own scan time)`,
  );
  log(
    `node:   node bench/old-tool-scan.mjs <${fmtInt(files)} files> (the old scan ported to Node; reference, not a target)`,
  );

  const ourArgs = [CLI_BIN, 'base-images', '--json', ...corpus.paths];
  // All three run through the same wrapper (GNU time when installed), which also reports CPU time.
  const measured = { cwd: ROOT, rss: RSS_METHOD === 'gnu-time' };
  const runOurs = async () =>
    assertExit(await runProcess(process.execPath, ourArgs, measured), 'base-images', [0, 1]);
  const runStart = async () =>
    assertExit(
      await runProcess(process.execPath, [CLI_BIN, 'base-images', '--json', corpus.paths[0]], measured),
      'base-images on one file',
      [0, 1],
    );
  const runPass = async () =>
    assertExit(
      await runProcess(process.execPath, [PASS_SCRIPT, ...corpus.paths], measured),
      'analyzer-pass.mjs',
    );
  const runOld = async () =>
    assertExit(await runProcess(python, [OLD_SCAN, ...corpus.paths], measured), 'old-tool-scan.py');
  const runOldNode = async () =>
    assertExit(
      await runProcess(process.execPath, [OLD_SCAN_NODE, ...corpus.paths], measured),
      'old-tool-scan.mjs',
    );

  // Warm-up (file cache), then interleaved runs.
  const firstOurs = await runOurs();
  await runStart();
  const firstPass = await runPass();
  const firstOld = await runOld();
  const firstOldNode = await runOldNode();
  const m = {
    ours: [],
    start: [],
    passCold: [],
    passSteady: [],
    old: [],
    oldScan: [],
    oursCpu: [],
    startCpu: [],
    oldCpu: [],
    node: [],
    nodeScan: [],
    nodeCpu: [],
  };
  for (let i = 0; i < runs; i++) {
    const o = await runOurs();
    m.ours.push(o.ms);
    m.oursCpu.push(o.cpuMs);
    const s = await runStart();
    m.start.push(s.ms);
    m.startCpu.push(s.cpuMs);
    const q = JSON.parse((await runPass()).stdout);
    m.passCold.push(q.coldSeconds * 1000);
    m.passSteady.push(q.steadySeconds * 1000);
    const p = await runOld();
    m.old.push(p.ms);
    m.oldCpu.push(p.cpuMs);
    m.oldScan.push(JSON.parse(p.stdout).scanSeconds * 1000);
    const n = await runOldNode();
    m.node.push(n.ms);
    m.nodeCpu.push(n.cpuMs);
    m.nodeScan.push(JSON.parse(n.stdout).scanSeconds * 1000);
  }
  const ours = median(m.ours);
  const start = median(m.start);
  const analysis = ours - start;
  const passCold = median(m.passCold);
  const passSteady = median(m.passSteady);
  const oldWhole = median(m.old);
  const oldScan = median(m.oldScan);
  const nodeWhole = median(m.node);
  const nodeScan = median(m.nodeScan);
  const perFileUs = (ms) => `${((ms * 1000) / files).toFixed(1)} µs`;
  const fps = (ms) => (files * 1000) / ms;
  const cpu = (list) => (list.every(Number.isFinite) ? fmtMs(median(list)) : 'n/a');
  const runList = (list) => list.map(fmtMs).join(' ');

  log(
    table(
      ['', `wall, median of ${runs}`, 'per file', 'files/s', 'CPU', 'wall, runs'],
      [
        [
          'ours, whole process',
          fmtMs(ours),
          perFileUs(ours),
          fmtInt(fps(ours)),
          cpu(m.oursCpu),
          runList(m.ours),
        ],
        ['ours, one file (fixed cost)', fmtMs(start), '', '', cpu(m.startCpu), runList(m.start)],
        [
          'ours, analysis (whole - one file)',
          fmtMs(analysis),
          perFileUs(analysis),
          fmtInt(fps(analysis)),
          '',
          '',
        ],
        [
          'ours, in-process, first pass',
          fmtMs(passCold),
          perFileUs(passCold),
          fmtInt(fps(passCold)),
          '',
          runList(m.passCold),
        ],
        [
          'ours, in-process, steady state',
          fmtMs(passSteady),
          perFileUs(passSteady),
          fmtInt(fps(passSteady)),
          '',
          runList(m.passSteady),
        ],
        [
          'old, whole process',
          fmtMs(oldWhole),
          perFileUs(oldWhole),
          fmtInt(fps(oldWhole)),
          cpu(m.oldCpu),
          runList(m.old),
        ],
        [
          'old, scan in-process',
          fmtMs(oldScan),
          perFileUs(oldScan),
          fmtInt(fps(oldScan)),
          '',
          runList(m.oldScan),
        ],
        [
          'old scan in Node, whole process',
          fmtMs(nodeWhole),
          perFileUs(nodeWhole),
          fmtInt(fps(nodeWhole)),
          cpu(m.nodeCpu),
          runList(m.node),
        ],
        [
          'old scan in Node, in-process',
          fmtMs(nodeScan),
          perFileUs(nodeScan),
          fmtInt(fps(nodeScan)),
          '',
          runList(m.nodeScan),
        ],
      ],
      ['l', 'r', 'r', 'r', 'r', 'l'],
    ),
  );
  log(
    `per file, ours vs old: in-process ${fmtRatio(passCold / oldScan)} of the old scan; whole process ${fmtRatio(ours / oldWhole)}` +
      ' (below 1x = we are faster)',
  );
  log(
    `in-process, steady state vs first pass (reference): ours ${fmtRatio(passSteady / oldScan)} of the old scan once ` +
      `the JIT has optimised it; JIT warm-up is ${fmtMs(passCold - passSteady)} of the first pass's ${fmtMs(passCold)}`,
  );
  log(
    `the old scan in Node vs in Python (reference): in-process ${fmtRatio(nodeScan / oldScan)}, whole process ` +
      `${fmtRatio(nodeWhole / oldWhole)}; ours vs the old scan in Node: in-process ${fmtRatio(passCold / nodeScan)}, ` +
      `whole process ${fmtRatio(ours / nodeWhole)}`,
  );

  // Answers.
  const ourAnswers = parseOurJson(firstOurs.stdout);
  const oldAnswers = JSON.parse(firstOld.stdout);
  // The port must be faithful: the same entries for every file.
  const portAnswers = JSON.parse(firstOldNode.stdout);
  const portDiffers = corpus.paths.filter(
    (path) => JSON.stringify(portAnswers.files[path]) !== JSON.stringify(oldAnswers.files[path]),
  );
  if (portDiffers.length > 0) {
    throw new Error(
      `bench/old-tool-scan.mjs answers differently from old-tool-scan.py on ${portDiffers.length} files, e.g. ${portDiffers[0]}`,
    );
  }
  const cmp = compare(corpus, ourAnswers, oldAnswers);
  // The in-process pass must have done the CLI's work: the same images.
  let cliImages = 0;
  for (const entry of ourAnswers.values()) cliImages += entry.images.length;
  const passImages = JSON.parse(firstPass.stdout).images;
  if (passImages !== cliImages) {
    throw new Error(`bench/analyzer-pass.mjs found ${passImages} images, the CLI ${cliImages}`);
  }
  log(`exit code of base-images: ${firstOurs.code}`);
  log(
    `ours vs expected: ${fmtInt(cmp.files - cmp.oursWrong.length)}/${fmtInt(cmp.files)} files exactly right ` +
      `(${fmtInt(cmp.oursEntries)} images); problems reported: ${
        Object.entries(cmp.problems)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} x${v}`)
          .join(', ') || 'none'
      }`,
  );
  for (const wrong of cmp.oursWrong.slice(0, 5)) log(`  differs: ${JSON.stringify(wrong)}`);
  log(
    `old scan vs ours: ${fmtInt(cmp.oldWrongFiles)}/${fmtInt(cmp.files)} files answered wrongly ` +
      `(${fmtInt(cmp.oldEntries)} entries recorded; ${fmtInt(cmp.bogusTotal)} bogus: ${Object.entries(
        cmp.bogus,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(
          ', ',
        )}; ${fmtInt(cmp.droppedTotal)} real images dropped: FROM ${cmp.dropped.from}, COPY --from ${cmp.dropped.copy}, RUN --mount ${cmp.dropped.mount})`,
  );
  log('');

  return {
    checks: [
      {
        benchmark: 'discovery',
        metric: `files/s, analysis without the fixed cost of a run (${fmtInt(files)} files)`,
        value: fmtInt(fps(analysis)),
        target: `>= ${fmtInt(TARGET_FILES_PER_SECOND)}`,
        pass: fps(analysis) >= TARGET_FILES_PER_SECOND,
      },
      {
        benchmark: 'discovery',
        metric: 'files/s, whole process',
        value: fmtInt(fps(ours)),
        target: `>= ${fmtInt(TARGET_FILES_PER_SECOND)}`,
        pass: fps(ours) >= TARGET_FILES_PER_SECOND,
      },
      {
        benchmark: 'discovery',
        metric: 'time per file vs old regex scan, in-process (reads + analysis)',
        value: `${perFileUs(passCold)} vs ${perFileUs(oldScan)} = ${fmtRatio(passCold / oldScan)}`,
        target: '< 1x',
        pass: passCold < oldScan,
      },
      {
        benchmark: 'discovery',
        metric: 'time per file vs old regex scan, whole process',
        value: `${perFileUs(ours)} vs ${perFileUs(oldWhole)} = ${fmtRatio(ours / oldWhole)}`,
        target: '< 1x',
        pass: ours < oldWhole,
      },
      {
        benchmark: 'discovery',
        metric: 'answers right (ours vs expected)',
        value: `${cmp.files - cmp.oursWrong.length}/${cmp.files} (old scan: ${cmp.files - cmp.oldWrongFiles}/${cmp.files})`,
        target: 'all',
        pass: cmp.oursWrong.length === 0,
      },
    ],
    data: {
      ours,
      start,
      analysis,
      passCold,
      passSteady,
      oldWhole,
      oldScan,
      nodeWhole,
      nodeScan,
      runs: m,
      comparison: { ...cmp, oursWrong: cmp.oursWrong.length },
    },
  };
}

runStandalone(import.meta.url, 'discovery', () => {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '5' }, files: { type: 'string', default: '2000' } },
  });
  return benchDiscovery({ runs: Number(values.runs), files: Number(values.files) });
});
