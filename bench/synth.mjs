#!/usr/bin/env node
// Benchmark 1: synthesis at scale.
//
// Runs the real synth app (`node apps/synth/dist/main.js --state-dir DIR --out FILE`, what
// `pnpm synth` runs) on generated state repositories and compares its whole-process wall time with
// the floor (bench/floor.mjs: parse every state file with `yaml`, parse and re-serialize the
// synthesized manifest with `yaml`, in one process). Targets at 2,000 images over 300 base images:
// synth <= 2x floor, peak RSS <= 400 MB; and linear to 5,000 images: the time per image at 5,000
// at most 20% above the time per image at 2,000 (base images scale with the fleet: 15 per 100
// managed images). Also reports the growth from 500 to 5,000 images.
//
//   node bench/synth.mjs [--runs 5] [--growth-runs 3] [--sizes 500,1000,2000,5000] [--images 2000]

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateStateRepo } from './gen/state-repo.mjs';
import { cachedGenerate, ensureDir, FLOOR, requireBuilt, TREE, WORK } from './lib/context.mjs';
import { assertExit, rssMethodLabel, runProcess } from './lib/measure.mjs';
import { runStandalone } from './lib/script.mjs';
import { fmtInt, fmtMiB, fmtMs, fmtRatio, median, table } from './lib/stats.mjs';

export const TARGET_RATIO = 2;
export const TARGET_RSS_MIB = 400;
/** Linear: time per image at the largest size at most this much above the time per image at 2,000. */
export const TARGET_LINEARITY = 1.2;
/** The fleet of the targets: 2,000 managed images over 300 base images (15 per 100 images). */
const FLEET = { images: 2000, bases: 300 };

function basesFor(images) {
  return Math.round((images * FLEET.bases) / FLEET.images);
}

/** Generates (or reuses) the state repository for `images` managed images. */
export function stateRepoFor(images) {
  const bases = basesFor(images);
  const dir = join(WORK, `state-${images}`);
  const params = { generator: 1, images, bases, seed: 7 };
  const { summary } = cachedGenerate(ensureDir(dir), params, () =>
    generateStateRepo(dir, { images, bases, seed: 7 }),
  );
  return { dir, images, bases, summary };
}

/** One run of the synth app of `tree` (whole process: wall time, CPU time, peak RSS). */
export async function synthOnce(tree, stateDir, outFile) {
  const result = await runProcess(
    process.execPath,
    [tree.synthMain, '--state-dir', stateDir, '--out', outFile],
    { rss: true },
  );
  return assertExit(result, `synth (${stateDir})`);
}

/** One run of the floor: yaml parse of the state files, yaml parse and stringify of `manifest`. */
export async function floorOnce(stateDir, manifest, outFile) {
  const result = await runProcess(
    process.execPath,
    [FLOOR, '--state-dir', stateDir, '--manifest', manifest, '--out', outFile],
    { rss: true },
  );
  return assertExit(result, `floor (${stateDir})`);
}

/**
 * Measures synth and floor on one repository, interleaving the runs (one warm-up each).
 * @returns {Promise<{ synthMs: number[], floorMs: number[], synthRss: number[], floorRss: number[], documents: number, manifestBytes: number }>}
 */
async function measureSize(repo, runs) {
  const outDir = ensureDir(join(WORK, 'synth-out'));
  const manifest = join(outDir, `synth-${repo.images}.k8s.yaml`);
  const floorOut = join(outDir, `floor-${repo.images}.k8s.yaml`);
  await synthOnce(TREE, repo.dir, manifest); // warm-up; also produces the manifest the floor re-serializes
  await floorOnce(repo.dir, manifest, floorOut);
  const m = { synthMs: [], floorMs: [], synthRss: [], floorRss: [], synthCpu: [], floorCpu: [] };
  for (let run = 0; run < runs; run++) {
    const s = await synthOnce(TREE, repo.dir, manifest);
    m.synthMs.push(s.ms);
    m.synthRss.push(s.rssKiB);
    m.synthCpu.push(s.cpuMs);
    const f = await floorOnce(repo.dir, manifest, floorOut);
    m.floorMs.push(f.ms);
    m.floorRss.push(f.rssKiB);
    m.floorCpu.push(f.cpuMs);
  }
  const text = readFileSync(manifest, 'utf8');
  m.manifestBytes = Buffer.byteLength(text);
  m.documents = text.split(/^---$/m).filter((d) => d.trim().length > 0).length;
  return m;
}

/**
 * Runs the benchmark, printing as it goes. Returns the target checks and the raw figures.
 * @param {{ runs?: number, growthRuns?: number, sizes?: number[], log?: (line: string) => void }} [options]
 */
export async function benchSynth(options = {}) {
  const {
    runs = 5,
    growthRuns = 3,
    sizes = [500, 1000, 2000, 5000],
    headline: headlineImages = FLEET.images,
    log = console.log,
  } = options;
  requireBuilt(TREE.synthMain, 'the synth app');
  log('== Benchmark 1: synthesis at scale');
  log(`synth:  node apps/synth/dist/main.js --state-dir DIR --out FILE (whole process)`);
  log(`floor:  node bench/floor.mjs (yaml parse of every state file + yaml parse/stringify of the manifest)`);
  log(`memory: ${rssMethodLabel()}`);

  const headline = stateRepoFor(headlineImages);
  const s = headline.summary;
  log(
    `input:  ${headline.dir}: ${fmtInt(s.managedImages)} managed images over ${fmtInt(s.baseImages)} base images ` +
      `(${fmtInt(s.imageStateFiles)} image state files, ${s.legacyBaseFiles} old-format base files, ` +
      `${fmtInt(s.withUpdates)} with consumer updates, ${s.manualRebuild} with autoRebuild: false, ${s.cascades} built on managed images, ` +
      `${s.enrolledBaseEntries} enrolled bases, ${s.externalImages} external images)`,
  );
  const main = await measureSize(headline, runs);
  const synthMs = median(main.synthMs);
  const floorMs = median(main.floorMs);
  const synthRss = Math.max(...main.synthRss);
  const ratio = synthMs / floorMs;
  log(`output: ${fmtInt(main.documents)} manifest documents, ${fmtMiB(main.manifestBytes / 1024)}`);
  log(
    table(
      ['', `wall, median of ${runs}`, 'CPU (user+sys), median', 'peak RSS (max)', 'wall, runs'],
      [
        [
          'synth',
          fmtMs(synthMs),
          fmtMs(median(main.synthCpu)),
          fmtMiB(synthRss),
          main.synthMs.map(fmtMs).join(' '),
        ],
        [
          'floor',
          fmtMs(floorMs),
          fmtMs(median(main.floorCpu)),
          fmtMiB(Math.max(...main.floorRss)),
          main.floorMs.map(fmtMs).join(' '),
        ],
      ],
      ['l', 'r', 'r', 'r', 'l'],
    ),
  );
  log(
    `ratio:  synth / floor = ${fmtRatio(ratio)} wall (target <= ${TARGET_RATIO}x); ` +
      `${fmtRatio(median(main.synthCpu) / median(main.floorCpu))} CPU time`,
  );

  // Growth curve.
  const growth = [];
  for (const images of sizes) {
    let m;
    if (images === headlineImages) m = main;
    else {
      const repo = stateRepoFor(images);
      m = await measureSize(repo, growthRuns);
    }
    growth.push({
      images,
      bases: basesFor(images),
      synthMs: median(m.synthMs),
      floorMs: median(m.floorMs),
      synthCpuMs: median(m.synthCpu),
      synthRssKiB: Math.max(...m.synthRss),
      floorRssKiB: Math.max(...m.floorRss),
      documents: m.documents,
    });
  }
  const first = growth[0];
  log(`growth (median of ${growthRuns} runs, ${runs} at ${headlineImages}):`);
  log(
    table(
      [
        'images',
        'bases',
        'documents',
        'synth',
        'synth CPU',
        'ms/image',
        'floor',
        'synth/floor',
        'synth RSS',
        `time vs ${fmtInt(first.images)}`,
        `size vs ${fmtInt(first.images)}`,
      ],
      growth.map((g) => [
        fmtInt(g.images),
        fmtInt(g.bases),
        fmtInt(g.documents),
        fmtMs(g.synthMs),
        fmtMs(g.synthCpuMs),
        (g.synthMs / g.images).toFixed(2),
        fmtMs(g.floorMs),
        fmtRatio(g.synthMs / g.floorMs),
        fmtMiB(g.synthRssKiB),
        fmtRatio(g.synthMs / first.synthMs),
        fmtRatio(g.images / first.images),
      ]),
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  // Linearity: marginal cost per image between the smallest and largest size vs. the average.
  const last = growth[growth.length - 1];
  const marginal = (last.synthMs - first.synthMs) / (last.images - first.images);
  const marginalRss = (last.synthRssKiB - first.synthRssKiB) / (last.images - first.images);
  log(
    `marginal cost ${fmtInt(first.images)} -> ${fmtInt(last.images)}: ${marginal.toFixed(2)} ms and ` +
      `${marginalRss.toFixed(0)} KiB per image (fixed cost ~${fmtMs(first.synthMs - marginal * first.images)})`,
  );
  // Linear: the time per image at the largest size against the time per image at the headline size.
  const largest = growth.reduce((a, b) => (b.images > a.images ? b : a));
  const perImage = (g) => g.synthMs / g.images;
  const linearity = perImage(largest) / (synthMs / headlineImages);
  log(
    `linear: ${(perImage(largest)).toFixed(2)} ms per image at ${fmtInt(largest.images)}, ` +
      `${(synthMs / headlineImages).toFixed(2)} at ${fmtInt(headlineImages)} = ${fmtRatio(linearity)} ` +
      `(target <= ${TARGET_LINEARITY}x)`,
  );
  log('');

  return {
    checks: [
      {
        benchmark: 'synth',
        metric: `synth / floor at ${fmtInt(headlineImages)} images (whole process)`,
        value: `${fmtMs(synthMs)} / ${fmtMs(floorMs)} = ${fmtRatio(ratio)}`,
        target: `<= ${TARGET_RATIO}x`,
        pass: ratio <= TARGET_RATIO,
      },
      {
        benchmark: 'synth',
        metric: `peak RSS at ${fmtInt(headlineImages)} images`,
        value: fmtMiB(synthRss),
        target: `<= ${TARGET_RSS_MIB} MB`,
        pass: synthRss / 1024 <= TARGET_RSS_MIB,
      },
      {
        benchmark: 'synth',
        metric: `time per image at ${fmtInt(largest.images)} vs at ${fmtInt(headlineImages)} (linear)`,
        value: `${perImage(largest).toFixed(2)} / ${(synthMs / headlineImages).toFixed(2)} ms = ${fmtRatio(linearity)}`,
        target: `<= ${TARGET_LINEARITY}x`,
        pass: largest.images > headlineImages ? linearity <= TARGET_LINEARITY : undefined,
      },
    ],
    data: {
      synthMs,
      floorMs,
      ratio,
      synthRssKiB: synthRss,
      runs: main,
      growth,
      marginalMsPerImage: marginal,
      linearity,
    },
  };
}

runStandalone(import.meta.url, 'synth', () => {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      'growth-runs': { type: 'string', default: '3' },
      sizes: { type: 'string', default: '500,1000,2000,5000' },
      images: { type: 'string', default: String(FLEET.images) },
    },
  });
  return benchSynth({
    runs: Number(values.runs),
    growthRuns: Number(values['growth-runs']),
    sizes: values.sizes.split(',').map(Number),
    headline: Number(values.images),
  });
});
