#!/usr/bin/env node
// Regenerates schema/*.schema.json from the zod schemas (run `pnpm gen:schema`, which builds first).
// The committed files are checked by test/json-schema.test.ts.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildJsonSchemas, serializeJsonSchema } from '../dist/json-schema.js';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema');
mkdirSync(outDir, { recursive: true });
for (const [file, schema] of Object.entries(buildJsonSchemas())) {
  const target = join(outDir, file);
  writeFileSync(`${target}.tmp`, serializeJsonSchema(schema));
  renameSync(`${target}.tmp`, target);
  process.stdout.write(`wrote schema/${file}\n`);
}
