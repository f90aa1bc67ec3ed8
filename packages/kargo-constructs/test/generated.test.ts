// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ }}` strings
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  BUILTIN_STEP_NAMES,
  type BuiltinStepConfigs,
  type BuiltinStepName,
  type GitCloneConfig,
  type GitPushConfig,
  type KargoExpression,
  type KustomizeSetImageConfig,
  type YAMLUpdateConfig,
} from '../src/generated/step-configs.js';
import {
  type ChartSubscription,
  type GitSubscription,
  type ImageSubscription,
  SUBSCRIPTION_KINDS,
  type Subscription,
} from '../src/generated/subscriptions.js';

const pkgDir = join(import.meta.dirname, '..');

describe('generated types (gen:types)', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'kargo-gen-types-test-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('committed src/generated is identical to a fresh `gen:types` run (run `pnpm gen:types` if stale)', () => {
    execFileSync(process.execPath, [join(pkgDir, 'scripts', 'gen-types.mjs'), '--out', outDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const committedDir = join(pkgDir, 'src', 'generated');
    const generated = readdirSync(outDir).sort();
    expect(generated).toEqual(['step-configs.ts', 'subscriptions.ts']);
    for (const file of generated) {
      expect(readFileSync(join(committedDir, file), 'utf8'), file).toBe(
        readFileSync(join(outDir, file), 'utf8'),
      );
    }
  });

  it('lists one built-in step per vendored step schema', () => {
    const fromSchemas = readdirSync(join(pkgDir, 'crds', 'step-schemas'))
      .filter((f) => f.endsWith('-config.json'))
      .map((f) => f.replace(/-config\.json$/, ''))
      .sort();
    expect([...BUILTIN_STEP_NAMES]).toEqual(fromSchemas);
    expect(BUILTIN_STEP_NAMES).toHaveLength(34);
    expect(SUBSCRIPTION_KINDS).toEqual(['image', 'git', 'chart']);
  });

  it('types step configs with expression-accepting scalar leaves', () => {
    const clone: GitCloneConfig = {
      repoURL: 'https://github.com/acme/deploy.git',
      checkout: [{ commit: '${{ commitFrom("https://github.com/acme/deploy.git").ID }}', path: './src' }],
      recurseSubmodules: '${{ vars.submodules }}',
    };
    const push: GitPushConfig = { path: './out', generateTargetBranch: true, maxAttempts: '${{ vars.n }}' };
    const kustomize: KustomizeSetImageConfig = {
      path: './out',
      images: [{ image: 'ghcr.io/acme/app', tag: 'v1' }],
    };
    const yamlUpdate: YAMLUpdateConfig = { path: 'values.yaml', updates: [{ key: 'image.tag', value: 3 }] };
    expect([clone, push, kustomize, yamlUpdate].map((c) => Object.keys(c).length)).toEqual([3, 3, 2, 2]);

    expectTypeOf<'${{ vars.x }}'>().toExtend<KargoExpression>();
    expectTypeOf<'${% vars.x %}'>().toExtend<KargoExpression>();
    expectTypeOf<'plain'>().not.toExtend<KargoExpression>();
    expectTypeOf<BuiltinStepConfigs['git-clone']>().toEqualTypeOf<GitCloneConfig>();
    expectTypeOf<BuiltinStepName>().toEqualTypeOf<keyof BuiltinStepConfigs>();
    expectTypeOf<GitPushConfig['generateTargetBranch']>().toEqualTypeOf<
      boolean | KargoExpression | undefined
    >();
    // @ts-expect-error -- unknown config keys are type errors (schema: additionalProperties false)
    const bad: GitPushConfig = { path: './out', targetBranch: 'main', targetbranch: 'x' };
    expect(bad.path).toBe('./out');
  });

  it('types subscriptions without expressions and with the deprecated fields still visible', () => {
    const image: ImageSubscription = {
      repoURL: 'ghcr.io/acme/app',
      imageSelectionStrategy: 'Digest',
      constraint: 'latest',
      allowTagsRegexes: ['^v'],
      platform: 'linux/amd64',
      discoveryLimit: 5,
    };
    const git: GitSubscription = {
      repoURL: 'https://github.com/acme/app.git',
      includePaths: ['glob:src/**'],
    };
    const chart: ChartSubscription = { repoURL: 'oci://ghcr.io/acme/charts/app', semverConstraint: '^1' };
    const subs: Subscription[] = [{ image }, { git }, { chart }];
    expect(subs.map((s) => Object.keys(s)[0])).toEqual(['image', 'git', 'chart']);
    expectTypeOf<ImageSubscription['discoveryLimit']>().toEqualTypeOf<number | undefined>();
    // @ts-expect-error -- a subscription has exactly one kind
    const both: Subscription = { image, git };
    expect(Object.keys(both)).toHaveLength(2);
  });

  it('documents defaults, deprecations and constraint-only combinators in TSDoc', () => {
    const steps = readFileSync(join(pkgDir, 'src', 'generated', 'step-configs.ts'), 'utf8');
    const subs = readFileSync(join(pkgDir, 'src', 'generated', 'subscriptions.ts'), 'utf8');
    expect(subs).toMatch(/@default "SemVer"\n {3}\*\/\n {2}imageSelectionStrategy\?:/);
    expect(subs).toMatch(
      /@deprecated\n[^/]*Deprecated: Use allowTagsRegexes instead[^/]*\*\/\n {2}allowTags\?: string;/,
    );
    expect(steps).toContain(
      [
        ' * Exactly one of these must hold (checked by `validateStepConfig`):',
        ' * - `branch`, `commit`, `tag` unset',
        ' * - `branch` set, `commit`, `tag` unset',
        ' * - `commit` set, `branch`, `tag` unset',
        ' * - `tag` set, `branch`, `commit` unset',
        ' */',
        'export interface GitCloneCheckout {',
      ].join('\n'),
    );
  });
});
