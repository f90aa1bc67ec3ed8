import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { buildPipeline } from './fixtures/readme-pipeline.js';
import { expectValidManifests } from './helpers.js';

const pkgDir = join(import.meta.dirname, '..');

describe('README example', () => {
  it('is the tested fixture, verbatim (imports from the package name)', () => {
    const readme = readFileSync(join(pkgDir, 'README.md'), 'utf8');
    // The README also runs the app, so there `App` is a value import.
    const fixture = readFileSync(join(pkgDir, 'test', 'fixtures', 'readme-pipeline.ts'), 'utf8')
      .replace("from '../../src/index.js'", "from '@image-factory/kargo-constructs'")
      .replace(
        "import { type App, Chart, Duration } from 'cdk8s';",
        "import { App, Chart, Duration } from 'cdk8s';",
      );
    expect(readme).toContain(fixture.trim());
  });

  it('synthesizes a valid Warehouse -> Stage pipeline', () => {
    const chart = buildPipeline(Testing.app());
    const manifests = Testing.synth(chart);
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'Namespace/guestbook',
      'Project/guestbook',
      'Warehouse/guestbook',
      'AnalysisTemplate/smoke-test',
      'Stage/test',
      'Stage/prod',
      'ProjectConfig/guestbook',
    ]);
    expectValidManifests(manifests);
  });
});
