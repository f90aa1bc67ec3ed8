import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { validateManifest } from '../src/index.js';

const goldenDir = join(import.meta.dirname, '__golden__');
/** The golden files of the L2 constructs (`<construct>.<case>.k8s.yaml`). */
const CONSTRUCTS = [
  'project',
  'project-config',
  'warehouse',
  'stage',
  'promotion-task',
  'cluster-promotion-task',
  'analysis-template',
  'cluster-analysis-template',
];
const files = readdirSync(goldenDir)
  .filter((f) => CONSTRUCTS.includes(f.split('.')[0] as string))
  .sort();

describe('golden files on disk', () => {
  it('cover a defaults and an all-options case for every construct', () => {
    expect(files).toEqual(
      CONSTRUCTS.flatMap((c) => [`${c}.all-options.k8s.yaml`, `${c}.defaults.k8s.yaml`]).sort(),
    );
  });

  it.each(files)('%s is valid against the vendored CRDs and schemas', (file) => {
    const docs = parseAllDocuments(readFileSync(join(goldenDir, file), 'utf8')).map((d) => d.toJS());
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) {
      expect(validateManifest(doc), `${file}: ${doc.kind}/${doc.metadata?.name}`).toEqual([]);
    }
  });
});
