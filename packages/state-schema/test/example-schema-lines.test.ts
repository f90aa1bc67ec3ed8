import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { JSON_SCHEMA_FILES } from '../src/json-schema.js';
import { loadState } from '../src/loader.js';
import { applyManagedImageStateUpdate } from '../src/writer.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const SCHEMA_DIR = resolve(import.meta.dirname, '../schema');

/** The example state repositories: examples/state and each examples/scenarios/<name>. */
const STATES = [
  'examples/state',
  ...readdirSync(join(ROOT, 'examples/scenarios')).map((name) => `examples/scenarios/${name}`),
];

/**
 * The old tool's repository is kept exactly as that tool wrote it (old format, no `$schema` line):
 * `image-factory migrate` rewrites it into today's format, which the schemas describe.
 */
const AS_THE_OLD_TOOL_WROTE_IT = 'examples/scenarios/old-tool';

function yamlFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.yaml'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .filter((file) => !file.split('/').includes('dist'))
    .sort();
}

/** The schema of a state file, by where it is (the legacy layout keeps its files under state/). */
function schemaOf(file: string, state: string): (typeof JSON_SCHEMA_FILES)[keyof typeof JSON_SCHEMA_FILES] {
  const inState = relative(state, file);
  const parent = basename(dirname(file));
  if (inState === 'images.yaml') return JSON_SCHEMA_FILES.images;
  if (inState === 'image-factory.yaml') return JSON_SCHEMA_FILES.settings;
  if (parent === 'images') return JSON_SCHEMA_FILES.imageState;
  if (parent === 'base-images') return JSON_SCHEMA_FILES.baseImageState;
  throw new Error(`${file}: not a state file`);
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
const validators = new Map(
  Object.values(JSON_SCHEMA_FILES).map((file): [string, ReturnType<typeof ajv.compile>] => [
    file,
    ajv.compile(JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8'))),
  ]),
);

describe.each(STATES.filter((state) => state !== AS_THE_OLD_TOOL_WROTE_IT))('%s', (state) => {
  const files = yamlFiles(state);

  it('starts every state file with the $schema line of its kind, and the file validates against it', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const schema = schemaOf(file, state);
      const text = readFileSync(join(ROOT, file), 'utf8');
      const path = relative(dirname(join(ROOT, file)), join(SCHEMA_DIR, schema));
      expect(text.split('\n')[0], file).toBe(`# yaml-language-server: $schema=${path}`);
      // What an editor with yaml-language-server checks; `*.example.yaml` templates hold placeholders.
      if (file.endsWith('.example.yaml')) continue;
      const validate = validators.get(schema);
      expect(validate?.(parse(text)), `${file}: ${JSON.stringify(validate?.errors)}`).toBe(true);
    }
  });

  it('loads with the $schema lines', () => {
    const result = loadState(join(ROOT, state));
    expect(result.ok, JSON.stringify(result.ok ? [] : result.problems)).toBe(true);
  });
});

describe('the writer', () => {
  it('keeps the $schema line and every other byte when it updates an image state file', () => {
    const file = join(ROOT, 'examples/state/images/backstage.yaml');
    const before = readFileSync(file, 'utf8');
    const after = applyManagedImageStateUpdate(before, 'backstage', { currentVersion: '9.9.9' });
    const [schemaLine] = before.split('\n');
    expect(after.startsWith(`${schemaLine}\n`)).toBe(true);
    const changed = after.split('\n').filter((line, i) => line !== before.split('\n')[i]);
    expect(changed).toEqual(['currentVersion: 9.9.9']);
    // Nothing to change: the same bytes.
    const { currentVersion } = parse(before) as { currentVersion: string };
    expect(applyManagedImageStateUpdate(before, 'backstage', { currentVersion })).toBe(before);
  });
});

describe('examples/invalid', () => {
  const cases = readdirSync(join(ROOT, 'examples/invalid'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `examples/invalid/${entry.name}`);

  it.each(cases)('%s starts every state file with the $schema line of its kind', (state) => {
    // The schema shows the mistake in the editor too; expected.txt pins the positions below it.
    for (const file of yamlFiles(state)) {
      const path = relative(dirname(join(ROOT, file)), join(SCHEMA_DIR, schemaOf(file, state)));
      expect(readFileSync(join(ROOT, file), 'utf8').split('\n')[0], file).toBe(
        `# yaml-language-server: $schema=${path}`,
      );
    }
  });
});
