#!/usr/bin/env node
// The floor synthesis is compared with: in one process, parse every state file with `yaml`, then
// parse the synthesized manifest and serialize it again with `yaml` alone. No validation, no model,
// no constructs: the least work any synth must do to read its input and write its output.
//
//   node bench/floor.mjs --state-dir DIR --manifest FILE --out FILE

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse, parseAllDocuments, stringify } from 'yaml';

const { values } = parseArgs({
  options: {
    'state-dir': { type: 'string' },
    manifest: { type: 'string' },
    out: { type: 'string' },
  },
});
if (!values['state-dir'] || !values.manifest || !values.out) {
  console.error('usage: node bench/floor.mjs --state-dir DIR --manifest FILE --out FILE');
  process.exit(2);
}
const stateDir = values['state-dir'];

let stateFiles = 0;
const parseFile = (path) => {
  stateFiles++;
  return parse(readFileSync(path, 'utf8'));
};
parseFile(join(stateDir, 'images.yaml'));
try {
  parseFile(join(stateDir, 'image-factory.yaml'));
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
}
for (const sub of ['images', 'base-images']) {
  for (const name of readdirSync(join(stateDir, sub)).sort()) {
    if (name.endsWith('.yaml') && !name.endsWith('.example.yaml')) parseFile(join(stateDir, sub, name));
  }
}

const documents = parseAllDocuments(readFileSync(values.manifest, 'utf8'));
const output = documents.map((doc) => stringify(doc.toJS())).join('---\n');
writeFileSync(values.out, output);
console.log(JSON.stringify({ stateFiles, manifestDocuments: documents.length, bytes: output.length }));
