import * as z from 'zod';
import { AnyBaseImageStateSchema } from './schema/base-image-state.js';
import { ImageStateSchema } from './schema/image-state.js';
import { ImagesFileSchema } from './schema/images-file.js';
import { SettingsSchema } from './schema/settings.js';

/** Base URL under which the schemas are published (the package on unpkg). */
export const JSON_SCHEMA_BASE_URL = 'https://unpkg.com/@image-factory/state-schema/schema/';

/** The JSON Schema file of each state document kind (files under `schema/` in the package). */
export const JSON_SCHEMA_FILES = {
  images: 'images.schema.json',
  imageState: 'image-state.schema.json',
  baseImageState: 'base-image-state.schema.json',
  settings: 'settings.schema.json',
} as const;

/**
 * JSON Schemas (draft 2020-12) of the state documents, generated from the zod schemas, for editors
 * (`# yaml-language-server: $schema=...`). Keys are file names of {@link JSON_SCHEMA_FILES}.
 * Rules that need more than one file (references between images, regex compilation) are checked
 * by the loader only.
 */
export function buildJsonSchemas(): Record<string, Record<string, unknown>> {
  const kinds = [
    [JSON_SCHEMA_FILES.images, ImagesFileSchema],
    [JSON_SCHEMA_FILES.imageState, ImageStateSchema],
    [JSON_SCHEMA_FILES.baseImageState, AnyBaseImageStateSchema],
    [JSON_SCHEMA_FILES.settings, SettingsSchema],
  ] as const;
  const out: Record<string, Record<string, unknown>> = {};
  for (const [file, schema] of kinds) {
    const generated = z.toJSONSchema(schema, {
      io: 'input',
      target: 'draft-2020-12',
      unrepresentable: 'throw',
    });
    out[file] = { $id: `${JSON_SCHEMA_BASE_URL}${file}`, ...generated };
  }
  return out;
}

/** Serializes one generated schema exactly as it is committed (2-space JSON and a newline). */
export function serializeJsonSchema(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
