// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ … }}` strings
// Consumer test: pack the package like `npm publish` would, install the tarball into a fresh project
// outside the workspace (offline, from the pnpm store), synthesize a Warehouse -> Stage pipeline in
// ESM and type-check a TypeScript file against the published declarations.
//
// The package is compiled into a staging copy (same tsconfig.build.json, package.json, crds/,
// README.md) so the test does not depend on, or race with, the package's own `build` task.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const require = createRequire(import.meta.url);
const pkgDir = join(import.meta.dirname, '..');
const tsc = require.resolve('typescript/bin/tsc');

/** The environment for child pnpm/node processes, without the npm_* settings of the parent pnpm run. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|pnpm_)/i.test(key)) env[key] = value;
  }
  return { ...env, NO_COLOR: '1', CI: 'true' };
}

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, {
    cwd,
    env: childEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The package.json of a dependency of this package (workspace packages resolve to their folder). */
function packageJsonOf(name: string): string {
  return require.resolve(`${name}/package.json`, { paths: [pkgDir] });
}

/** The one `.tgz` that `pnpm pack` wrote into `dest`. */
function pack(dir: string, dest: string): string {
  const before = new Set(readdirSync(dest));
  run('pnpm', ['pack', '--pack-destination', dest], dir);
  const created = readdirSync(dest).filter((f) => f.endsWith('.tgz') && !before.has(f));
  if (created.length !== 1)
    throw new Error(`pnpm pack in ${dir} produced ${created.join(', ') || 'nothing'}`);
  return join(dest, created[0] as string);
}

describe('consumer: the packed package installed into a fresh project', () => {
  let tmp: string;
  let consumer: string;
  let tarball: string;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'kargo-constructs-consumer-'));
    const staging = join(tmp, 'package');
    mkdirSync(staging);
    execFileSync(
      process.execPath,
      [tsc, '-p', join(pkgDir, 'tsconfig.build.json'), '--outDir', join(staging, 'dist')],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    // Rewrite `workspace:` ranges the way `pnpm pack` does inside the workspace. devDependencies are
    // never installed by consumers; drop them (they name private @repo/* packages).
    delete manifest.devDependencies;
    for (const group of ['dependencies', 'peerDependencies'] as const) {
      for (const [name, range] of Object.entries((manifest[group] ?? {}) as Record<string, string>)) {
        if (!range.startsWith('workspace:')) continue;
        const version = JSON.parse(readFileSync(packageJsonOf(name), 'utf8')).version as string;
        const kind = range.slice('workspace:'.length);
        manifest[group][name] = kind === '*' ? version : `${kind}${version}`;
      }
    }
    const referencePkg = packageJsonOf('@image-factory/image-reference');
    writeFileSync(join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    cpSync(join(pkgDir, 'crds'), join(staging, 'crds'), { recursive: true });
    if (existsSync(join(pkgDir, 'README.md'))) cpSync(join(pkgDir, 'README.md'), join(staging, 'README.md'));
    tarball = pack(staging, tmp);

    // @image-factory/image-reference is not on the registry: pack the workspace copy (built by ^build).
    const referenceDir = realpathSync(dirname(referencePkg));
    if (!existsSync(join(referenceDir, 'dist', 'index.js'))) {
      throw new Error(
        `build @image-factory/image-reference first (no ${join(referenceDir, 'dist', 'index.js')})`,
      );
    }
    const referenceTarball = pack(referenceDir, tmp);

    // Every other package comes from the workspace's installed copies via `link:` (cdk8s and
    // constructs as the peers, and the tarballs' own dependencies through overrides), so the install
    // needs no registry, no metadata cache and no shared store: it works offline on a clean machine.
    const linkTo = (fromDir: string, name: string) =>
      `link:${realpathSync(join(fromDir, 'node_modules', name))}`;
    const overrides: Record<string, string> = {
      '@image-factory/image-reference': `file:${referenceTarball}`,
    };
    for (const [dir, deps] of [
      [pkgDir, manifest.dependencies],
      [referenceDir, JSON.parse(readFileSync(join(referenceDir, 'package.json'), 'utf8')).dependencies],
    ] as const) {
      for (const [name, range] of Object.entries((deps ?? {}) as Record<string, string>)) {
        if (!name.startsWith('@image-factory/') && !String(range).startsWith('workspace:')) {
          overrides[name] = linkTo(dir, name);
        }
      }
    }
    for (const peer of ['cdk8s', 'constructs']) overrides[peer] = linkTo(pkgDir, peer);

    consumer = join(tmp, 'consumer');
    mkdirSync(consumer);
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify(
        {
          name: 'consumer',
          private: true,
          type: 'module',
          dependencies: {
            '@image-factory/kargo-constructs': `file:${tarball}`,
            cdk8s: overrides.cdk8s,
            constructs: overrides.constructs,
          },
          pnpm: { overrides },
        },
        null,
        2,
      ),
    );
    run(
      'pnpm',
      [
        'install',
        '--offline',
        '--ignore-scripts',
        '--store-dir',
        join(tmp, 'store'),
        '--cache-dir',
        join(tmp, 'cache'),
      ],
      consumer,
    );
  }, 300_000); // compiles the package and installs two tarballs: minutes on a loaded 2-core machine

  afterAll(() => {
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  });

  it('the tarball holds the compiled ESM, declarations and vendored CRDs, not sources or tests', () => {
    const files = run('tar', ['-tzf', tarball], tmp).split('\n').filter(Boolean);
    expect(files).toContain('package/package.json');
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files).toContain('package/crds/crds/kargo.akuity.io_stages.yaml');
    expect(files).toContain('package/crds/step-schemas/git-clone-config.json');
    expect(files.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toBe(false);
  }, 60_000);

  it('installs no state code: not the state schema, zod or the state loader', () => {
    const installed = readdirSync(join(consumer, 'node_modules', '.pnpm'));
    expect(installed.some((dir) => dir.startsWith('@image-factory+image-reference@'))).toBe(true);
    expect(installed.filter((dir) => /^(@image-factory\+state-schema|zod)@/.test(dir))).toEqual([]);
  });

  it('synthesizes a Warehouse -> Stage pipeline from ESM JavaScript', () => {
    writeFileSync(
      join(consumer, 'main.mjs'),
      `import { App, Chart } from 'cdk8s';
import { Stage, Step, Subscription, Warehouse, imageFrom, l1 } from '@image-factory/kargo-constructs';
const app = new App({ outdir: 'out' });
const chart = new Chart(app, 'pipeline', { namespace: 'demo' });
const warehouse = new Warehouse(chart, 'app', {
  metadata: { name: 'app' },
  subscriptions: [Subscription.image({ repoURL: 'ghcr.io/acme/app' })],
});
new Stage(chart, 'test', {
  metadata: { name: 'test' },
  requestedFreight: [{ origin: warehouse, sources: { direct: true } }],
  promotionTemplate: {
    steps: [
      Step.gitClone({ repoURL: 'https://github.com/acme/deploy', checkout: [{ branch: 'main', path: './out' }] }),
      Step.kustomizeSetImage({ path: './out', images: [{ image: 'ghcr.io/acme/app', tag: imageFrom('ghcr.io/acme/app').quotedTag }] }),
    ],
  },
});
process.stdout.write(app.synthYaml());
if (typeof l1.Stage !== 'function') throw new Error('l1 namespace missing');
`,
    );
    const docs = parseAllDocuments(run(process.execPath, ['main.mjs'], consumer)).map((d) => d.toJS());
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['Warehouse/app', 'Stage/test']);
    expect(docs[1].spec.promotionTemplate.spec.steps[1].config.images[0].tag).toBe(
      '${{ quote(imageFrom("ghcr.io/acme/app").Tag) }}',
    );
  }, 60_000);

  it('reports validation errors with the construct path (CRDs load from the installed package)', () => {
    writeFileSync(
      join(consumer, 'broken.mjs'),
      `import { App, Chart } from 'cdk8s';
import { Stage } from '@image-factory/kargo-constructs';
const app = new App({ outdir: 'out' });
const chart = new Chart(app, 'pipeline', { namespace: 'demo' });
new Stage(chart, 'test', { requestedFreight: [{ origin: 'missing', sources: { direct: true } }], vars: { 'not-valid': 'x' } });
app.synthYaml();
`,
    );
    const result = spawnSync(process.execPath, ['broken.mjs'], {
      cwd: consumer,
      env: childEnv(),
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      '[pipeline/test] spec.requestedFreight[0].origin.name: Warehouse "missing" is not defined',
    );
    expect(result.stderr).toContain('[pipeline/test] spec.vars[0].name:');
  });

  it('the TypeScript declarations resolve for a NodeNext consumer', () => {
    writeFileSync(
      join(consumer, 'check.ts'),
      `import { App, Chart } from 'cdk8s';
import { type Expression, type FreightRequest, imageFrom, l1, Stage, Step, Subscription, Warehouse } from '@image-factory/kargo-constructs';
const chart = new Chart(new App(), 'c', { namespace: 'demo' });
const warehouse: Warehouse = new Warehouse(chart, 'wh', { subscriptions: [Subscription.image({ repoURL: 'ghcr.io/acme/app' })] });
const request: FreightRequest = { origin: warehouse, sources: { direct: true } };
const tag: Expression = imageFrom('ghcr.io/acme/app').tag;
const stage = new Stage(chart, 'test', { requestedFreight: [request], vars: { tag } });
const resource: l1.Stage = stage.apiObject;
Step.gitWaitForPR({ repoURL: 'https://github.com/acme/deploy', prNumber: tag });
// @ts-expect-error allowTags is not part of the typed props
Subscription.image({ repoURL: 'ghcr.io/acme/app', allowTags: 'x' });
export { resource };
`,
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['check.ts'],
      }),
    );
    const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], {
      cwd: consumer,
      encoding: 'utf8',
    });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 120_000);
});
