#!/usr/bin/env node
// Generates a deterministic state repository: N managed images over M base images.
//
//   node bench/gen/state-repo.mjs --out DIR [--images 2000] [--bases 300] [--seed 7]
//
// The repository follows the current layout (images.yaml, image-factory.yaml, images/, base-images/,
// local/) and mixes what real ones hold: both base-image file formats (current `image:` and the old
// tool's `fullImage:` with doubled backslashes in allowTags), images.yaml entries for some base images
// and a few external images, managed images with 1-3 bases (popular bases are used a lot, a long
// tail a little), a few images built on other managed images, mixed autoRebuild/rebuildDelay,
// consumer updates, GitLab sources, team workflows, local patches, and enrolled images without state.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { createRng, digestFrom, timestampAt } from '../lib/rng.mjs';
import { isMain } from '../lib/script.mjs';
import { catalogImages, syntheticImage } from './catalog.mjs';

const TEAMS = [
  'payments',
  'search',
  'checkout',
  'identity',
  'data',
  'ml',
  'platform',
  'growth',
  'mobile',
  'infra',
];
const NOUNS = [
  'api',
  'worker',
  'web',
  'gateway',
  'indexer',
  'scheduler',
  'exporter',
  'consumer',
  'cron',
  'proxy',
];
const DELAYS = [
  ['7d', 30],
  ['3d', 15],
  ['24h', 20],
  ['12h', 8],
  ['1h30m', 5],
  ['30m', 5],
  [undefined, 17],
];

/** The base-image file name rule (as the old tool named files): `<last path component>-<tag>`. */
function baseName(image, taken) {
  const raw = `${image.family}-${image.tag}`
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  let name = raw.slice(0, 60);
  for (let n = 2; taken.has(name); n++) name = `${raw.slice(0, 56)}-${n}`;
  taken.add(name);
  return name;
}

/** A YAML document with optional leading comment lines. */
function yamlDoc(value, comments = []) {
  const head = comments.map((c) => `# ${c}\n`).join('');
  return head + stringify(value, { lineWidth: 0 });
}

/**
 * Writes the repository into `dir` (replaced if it exists) and returns a summary.
 * @param {string} dir
 * @param {{ images?: number, bases?: number, seed?: number, cascadeRatio?: number }} [options]
 */
export function generateStateRepo(dir, options = {}) {
  const { images: imageCount = 2000, bases: baseCount = 300, seed = 7, cascadeRatio = 0.03 } = options;
  const rng = createRng(seed);
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ['images', 'base-images', 'local']) mkdirSync(join(dir, sub), { recursive: true });

  // Base images: the catalog in a seeded order, then synthetic ones if more are asked for.
  const catalog = rng.shuffle(catalogImages());
  const baseImages = [];
  const taken = new Set();
  for (let i = 0; i < baseCount; i++) {
    const image = i < catalog.length ? catalog[i] : syntheticImage(i);
    baseImages.push({ ...image, name: baseName(image, taken) });
  }

  // Managed images and the bases each one is built on.
  const managed = [];
  for (let i = 0; i < imageCount; i++) {
    const team = TEAMS[i % TEAMS.length];
    const noun = rng.pick(NOUNS);
    const name = `${team}-${noun}-${String(i).padStart(4, '0')}`;
    const bases = new Set();
    // Every base image is used at least once; the rest follow popularity.
    bases.add(baseImages[i < baseCount ? i : rng.zipf(baseCount)].name);
    const extra = rng.weighted([
      [0, 55],
      [1, 35],
      [2, 10],
    ]);
    while (bases.size < 1 + extra) bases.add(baseImages[rng.zipf(baseCount)].name);
    // A few images are built on an earlier managed image (a cascade), never on a later one.
    const cascade = i > 10 && rng.chance(cascadeRatio);
    if (cascade) bases.add(managed[rng.int(0, i - 1)].name);
    managed.push({ name, team, noun, index: i, bases: [...bases].sort(), cascade });
  }

  // images.yaml
  const entries = [];
  let withUpdates = 0;
  let withLocal = 0;
  let manualRebuild = 0;
  for (const image of managed) {
    const provider = rng.chance(0.15) ? 'gitlab' : 'github';
    const monorepo = rng.chance(0.6);
    const entry = {
      name: image.name,
      registry: provider === 'gitlab' ? 'registry.gitlab.com' : 'ghcr.io',
      repository: provider === 'gitlab' ? `acme/${image.team}/${image.name}` : `acme/${image.name}`,
      source: {
        ...(provider === 'gitlab' || rng.chance(0.3) ? { provider } : {}),
        repo: monorepo ? `acme/${image.team}-services` : `acme/${image.name}`,
        ...(rng.chance(0.2) ? { branch: rng.pick(['main', 'master', 'release/2.x', 'develop']) } : {}),
        dockerfile: monorepo ? `services/${image.noun}-${image.index}/Dockerfile` : 'Dockerfile',
        ...(provider === 'github' && rng.chance(0.3) ? { workflow: `${image.noun}.yml` } : {}),
      },
    };
    const delay = rng.weighted(DELAYS);
    if (delay !== undefined) entry.rebuildDelay = delay;
    const auto = rng.weighted([
      [true, 60],
      [false, 25],
      [undefined, 15],
    ]);
    if (auto !== undefined) entry.autoRebuild = auto;
    if (auto === false) manualRebuild++;
    const updateCount = rng.weighted([
      [0, 50],
      [1, 35],
      [2, 15],
    ]);
    if (updateCount > 0) {
      withUpdates++;
      entry.updates = [];
      for (let u = 0; u < updateCount; u++) {
        const env = ['staging', 'production'][u];
        entry.updates.push(
          rng.chance(0.6)
            ? {
                repo: 'acme/deploy',
                path: `apps/${image.name}/overlays/${env}/kustomization.yaml`,
                type: 'kustomize-set-image',
              }
            : {
                repo: `acme/${image.team}-deploy`,
                path: `charts/${image.name}/values-${env}.yaml`,
                type: 'yaml-update',
                key: 'image.tag',
                ...(rng.chance(0.3) ? { branch: 'gitops' } : {}),
              },
        );
      }
    }
    if (provider === 'github' && !entry.source.workflow && rng.chance(0.04)) {
      withLocal++;
      const localDir = `local/${image.name}`;
      mkdirSync(join(dir, localDir, 'patches'), { recursive: true });
      writeFileSync(join(dir, localDir, 'VERSION'), `1.${image.index % 20}.0\n`);
      writeFileSync(
        join(dir, localDir, 'patches', '0001-pin-dependencies.patch'),
        `--- a/requirements.txt\n+++ b/requirements.txt\n@@ -1 +1 @@\n-requests\n+requests==2.32.3\n`,
      );
      entry.local = {
        dir: localDir,
        patchFiles: ['patches/0001-pin-dependencies.patch'],
        versionFile: 'VERSION',
      };
    }
    entries.push(entry);
  }
  // Some base images are also enrolled in images.yaml (to pin their selection), plus externals.
  const enrolledBases = baseImages.filter(() => rng.chance(0.1));
  for (const base of enrolledBases) {
    entries.push({ name: base.name, repoURL: base.repoURL, imageSelectionStrategy: 'Digest' });
  }
  const externalCount = Math.max(1, Math.round(baseCount / 50));
  for (let i = 0; i < externalCount; i++) {
    entries.push({
      name: `external-tool-${i}`,
      repoURL: `docker.io/acme/tool-${i}`,
      allowTags: '^v?\\d+\\.\\d+\\.\\d+$',
      imageSelectionStrategy: 'SemVer',
    });
  }
  writeFileSync(
    join(dir, 'images.yaml'),
    yamlDoc(entries, [
      `Generated by bench/gen/state-repo.mjs (seed ${seed}): ${imageCount} managed images, ${baseCount} base images.`,
    ]),
  );

  writeFileSync(
    join(dir, 'image-factory.yaml'),
    yamlDoc(
      {
        kargo: { project: 'image-factory-kargo', labels: { team: 'platform' } },
        analysis: { image: 'ghcr.io/acme/image-factory:0.1.0', imagePullSecrets: ['ghcr-pull'] },
        warehouses: { managedInterval: '5m', baseInterval: '24h' },
        stateRepo: { url: 'https://github.com/acme/image-factory-state.git', branch: 'main' },
      },
      ['Image Factory settings (generated for benchmarks).'],
    ),
  );

  // images/<name>.yaml: most enrolled images have been discovered.
  let stateFiles = 0;
  for (const image of managed) {
    if (rng.chance(0.05)) continue;
    stateFiles++;
    const enrolledDay = rng.int(0, 200);
    const doc = {
      name: image.name,
      enrolledAt: timestampAt(enrolledDay + rng.next()),
      lastDiscovery: timestampAt(enrolledDay + 30 + rng.next() * 100),
      discoveryStatus: rng.weighted([
        ['success', 94],
        ['failed', 3],
        ['pending', 3],
      ]),
    };
    if (rng.chance(0.4)) doc.enrollment = entries[image.index];
    doc.baseImages = image.bases;
    if (rng.chance(0.9)) {
      doc.currentVersion = `${rng.int(0, 4)}.${rng.int(0, 30)}.${rng.int(0, 12)}`;
      doc.currentDigest = digestFrom(rng);
      doc.lastBuilt = timestampAt(enrolledDay + 130 + rng.next() * 100);
    }
    writeFileSync(join(dir, 'images', `${image.name}.yaml`), yamlDoc(doc));
  }

  // base-images/<name>.yaml in both formats, with digest history.
  let legacyFiles = 0;
  for (const base of baseImages) {
    const firstDay = rng.int(0, 150);
    const history = [];
    let digest = digestFrom(rng);
    const updates = rng.weighted([
      [0, 40],
      [1, 30],
      [3, 20],
      [8, 10],
    ]);
    for (let u = 0; u < updates; u++) {
      const next = digestFrom(rng);
      history.push({
        digest: next,
        previousDigest: digest,
        detectedAt: timestampAt(firstDay + 10 * (u + 1)),
      });
      digest = next;
    }
    const previous = history.at(-1)?.previousDigest ?? null;
    const lastUpdated = history.at(-1)?.detectedAt ?? null;
    if (rng.chance(0.2)) {
      legacyFiles++;
      const escaped = base.tag.replace(/\./g, '\\\\.');
      const doc = {
        name: base.name,
        fullImage: base.written,
        registry: base.registry,
        repository: base.repository,
        tag: base.tag,
        digest: null,
        repoURL: base.repoURL,
        allowTags: `^${escaped}$`,
        imageSelectionStrategy: 'Digest',
        firstDiscovered: timestampAt(firstDay),
        lastChecked: timestampAt(230),
        currentDigest: digest,
        previousDigest: previous,
        lastUpdated,
        rebuildEligibleAt: lastUpdated ? timestampAt(firstDay + 10 * updates + 7) : null,
        updateHistory: history.map((h) => ({
          digest: h.digest,
          previousDigest: h.previousDigest,
          timestamp: h.detectedAt,
        })),
        metadata: { discoveredFrom: managed.find((m) => m.bases.includes(base.name))?.name ?? 'unknown' },
      };
      writeFileSync(
        join(dir, 'base-images', `${base.name}.yaml`),
        yamlDoc(doc, [
          `Base image state for ${base.written}`,
          'Generated by image-factory (do not edit by hand)',
        ]),
      );
    } else {
      const doc = {
        name: base.name,
        image: base.normalized,
        firstDiscovered: timestampAt(firstDay),
        lastChecked: timestampAt(230),
        currentDigest: digest,
        ...(previous ? { previousDigest: previous, lastUpdated } : {}),
        ...(history.length > 0 ? { updateHistory: history } : {}),
      };
      writeFileSync(join(dir, 'base-images', `${base.name}.yaml`), yamlDoc(doc));
    }
  }

  return {
    dir,
    seed,
    managedImages: imageCount,
    baseImages: baseCount,
    enrolledBaseEntries: enrolledBases.length,
    externalImages: externalCount,
    imageStateFiles: stateFiles,
    legacyBaseFiles: legacyFiles,
    withUpdates,
    withLocal,
    manualRebuild,
    cascades: managed.filter((m) => m.cascade).length,
    files: 2 + stateFiles + baseCount,
  };
}

function main() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      images: { type: 'string', default: '2000' },
      bases: { type: 'string', default: '300' },
      seed: { type: 'string', default: '7' },
    },
  });
  if (!values.out) {
    console.error('usage: node bench/gen/state-repo.mjs --out DIR [--images N] [--bases M] [--seed S]');
    process.exit(2);
  }
  const summary = generateStateRepo(values.out, {
    images: Number(values.images),
    bases: Number(values.bases),
    seed: Number(values.seed),
  });
  console.log(JSON.stringify(summary, null, 2));
}

if (isMain(import.meta.url)) main();
