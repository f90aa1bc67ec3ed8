#!/usr/bin/env node
// Summarizes a V8 CPU profile (`node --cpu-prof`): the functions with the most self time and the
// most inclusive time, and the same aggregated per package/file.
//
//   node bench/profile-summary.mjs FILE.cpuprofile [--top 25]

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { table } from './lib/stats.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } },
});
if (positionals.length !== 1) {
  console.error('usage: node bench/profile-summary.mjs FILE.cpuprofile [--top N]');
  process.exit(2);
}
const top = Number(values.top);
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// Self time per node from the samples and their time deltas.
const selfUs = new Map();
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

const shortUrl = (url) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/^\/work\/main\//, '');
const keyOf = (frame) =>
  `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
const fileOf = (frame) => {
  const url = shortUrl(frame.url);
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const pkg = url.match(/^(@[^/]+\/[^/]+|[^/]+)\//);
  return url.includes('/') && !url.startsWith('apps/') && !url.startsWith('packages/') && pkg ? pkg[1] : url;
};

const self = new Map();
const inclusive = new Map();
const selfByFile = new Map();
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  const key = keyOf(node.callFrame);
  self.set(key, (self.get(key) ?? 0) + us);
  const file = fileOf(node.callFrame);
  selfByFile.set(file, (selfByFile.get(file) ?? 0) + us);
  // Inclusive: count once per distinct function on the stack.
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = keyOf(byId.get(cur).callFrame);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
}

const pct = (us) => `${((100 * us) / totalUs).toFixed(1)}%`;
const ms = (us) => `${(us / 1000).toFixed(0)} ms`;
const rows = (map) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => [ms(us), pct(us), k]);

console.log(`total sampled: ${ms(totalUs)}`);
console.log('\nself time by file/package');
console.log(table(['self', '%', 'file'], rows(selfByFile), ['r', 'r', 'l']));
console.log('\nself time by function');
console.log(table(['self', '%', 'function'], rows(self), ['r', 'r', 'l']));
console.log('\ninclusive time by function');
console.log(table(['total', '%', 'function'], rows(inclusive), ['r', 'r', 'l']));
