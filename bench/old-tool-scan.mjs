#!/usr/bin/env node
// The old tool's regex scan (bench/old-tool-scan.py) ported line for line to Node, for the discovery
// benchmark: what the same, much smaller (and wrong) job costs on Node itself, so that the gap
// between our analysis and the Python scan can be split into the platform's share (node start,
// reading files in Node) and the analysis's share.
//
//   node bench/old-tool-scan.mjs FILE...      prints the same JSON as old-tool-scan.py
//
// Same rules as the Python script: only lines starting with `FROM ` (Python's `re.match`, so at
// column 0) count; the next token is the image, split on `:` into name and tag; `scratch` is
// skipped; untagged images get `latest`. Lines are split like Python's `str.splitlines()`.

import { readFileSync } from 'node:fs';

const FROM_LINE = /^FROM\s+(\S+)/;
// Python's str.splitlines() boundaries: \r\n, \n, \r, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029.
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

function scan(text) {
  const images = [];
  const lines = text.split(LINE_BREAK);
  // splitlines() gives no empty last element for a text ending in a line break.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const match = FROM_LINE.exec(lines[i]);
    if (!match) continue;
    const token = match[1];
    if (token === 'scratch') continue;
    const parts = token.split(':');
    images.push({ name: parts[0], tag: parts.length > 1 ? parts[1] : 'latest', line: i + 1 });
  }
  return images;
}

function main(paths) {
  const start = performance.now();
  const files = {};
  let readMs = 0;
  for (const path of paths) {
    const t0 = performance.now();
    // Python reads with errors="replace"; Node's UTF-8 decoding also replaces invalid sequences.
    const text = readFileSync(path, 'utf8');
    readMs += performance.now() - t0;
    files[path] = scan(text);
  }
  const scanSeconds = (performance.now() - start) / 1000;
  process.stdout.write(`${JSON.stringify({ files, scanSeconds, readSeconds: readMs / 1000 })}\n`);
}

if (process.argv.length < 3) {
  process.stderr.write('usage: old-tool-scan.mjs FILE...\n');
  process.exitCode = 2;
} else {
  main(process.argv.slice(2));
}
