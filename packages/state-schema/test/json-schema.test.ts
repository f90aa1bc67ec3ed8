import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildJsonSchemas, JSON_SCHEMA_FILES, serializeJsonSchema } from '../src/json-schema.js';

const SCHEMA_DIR = resolve(import.meta.dirname, '../schema');
const EXAMPLE = resolve(import.meta.dirname, '../../../examples/state');
const generated = buildJsonSchemas();

describe('committed JSON Schemas', () => {
  it('are exactly the ones generated from the zod schemas (run `pnpm gen:schema` after changing them)', () => {
    const committed = readdirSync(SCHEMA_DIR).sort();
    expect(committed).toEqual(Object.keys(generated).sort());
    for (const [file, schema] of Object.entries(generated)) {
      expect(readFileSync(join(SCHEMA_DIR, file), 'utf8'), `schema/${file} is stale`).toBe(
        serializeJsonSchema(schema),
      );
    }
  });

  it('document defaults and forbid unknown fields', () => {
    const images = generated[JSON_SCHEMA_FILES.images] as {
      items: {
        anyOf: { properties: Record<string, { default?: unknown }>; additionalProperties: boolean }[];
      };
    };
    const managed = images.items.anyOf[0]!;
    expect(managed.properties.rebuildDelay?.default).toBe('7d');
    expect(managed.properties.autoRebuild?.default).toBe(true);
    expect(managed.additionalProperties).toBe(false);
  });
});

describe('examples/state against the JSON Schemas (what editors will check)', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validator = (file: string) => ajv.compile(generated[file]!);
  const read = (path: string) => parse(readFileSync(join(EXAMPLE, path), 'utf8'));

  it('accepts images.yaml and image-factory.yaml', () => {
    const images = validator(JSON_SCHEMA_FILES.images);
    expect(images(read('images.yaml')), JSON.stringify(images.errors)).toBe(true);
    const settings = validator(JSON_SCHEMA_FILES.settings);
    expect(settings(read('image-factory.yaml')), JSON.stringify(settings.errors)).toBe(true);
  });

  it('accepts every state file, in both base-image formats', () => {
    const imageState = validator(JSON_SCHEMA_FILES.imageState);
    const baseState = validator(JSON_SCHEMA_FILES.baseImageState);
    for (const file of readdirSync(join(EXAMPLE, 'images'))) {
      expect(imageState(read(`images/${file}`)), `${file}: ${JSON.stringify(imageState.errors)}`).toBe(true);
    }
    for (const file of readdirSync(join(EXAMPLE, 'base-images')).filter(
      (f) => !f.endsWith('.example.yaml'),
    )) {
      expect(baseState(read(`base-images/${file}`)), `${file}: ${JSON.stringify(baseState.errors)}`).toBe(
        true,
      );
    }
  });

  it('rejects an unknown field and a bad duration, like the loader', () => {
    const images = validator(JSON_SCHEMA_FILES.images);
    const entry = {
      name: 'a',
      registry: 'ghcr.io',
      repository: 'a/b',
      source: { repo: 'a/b', dockerfile: 'D' },
    };
    expect(images([entry])).toBe(true);
    expect(images([{ ...entry, rebuildDleay: '7d' }])).toBe(false);
    expect(images([{ ...entry, rebuildDelay: '7days' }])).toBe(false);
  });
});
