// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ }}` strings
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue, isExpression, KNOWN_STEP_NAMES, validateStepConfig } from '../src/validation/index.js';

const lines = (uses: string, config: unknown): string[] => validateStepConfig(uses, config).map(formatIssue);
const REPO = 'https://github.com/acme/deploy.git';

/** A small valid config for every built-in step of Kargo v1.11.2 (as the docs show them). */
const VALID: Readonly<Record<string, Record<string, unknown>>> = {
  'argocd-update': { apps: [{ name: 'app', sources: [{ repoURL: REPO, desiredRevision: 'abc123' }] }] },
  'argocd-wait': { apps: [{ selector: { matchLabels: { app: 'guestbook' } }, waitFor: ['health', 'sync'] }] },
  'compose-output': { image: 'ghcr.io/acme/app:v1' },
  copy: { inPath: './src/a.yaml', outPath: './out/a.yaml' },
  delete: { paths: ['./out/*.tmp'], pathsAreGlobs: true },
  fail: { message: 'stop here' },
  'file-write': { path: './out/VERSION', contents: 'v1', overwrite: true },
  'git-clear': { path: './out' },
  'git-clone': { repoURL: REPO, checkout: [{ commit: 'abc123', path: './src' }, { path: './main' }] },
  'git-commit': { path: './out', message: 'Update image' },
  'git-merge-pr': { repoURL: REPO, prNumber: 42, wait: true },
  'git-open-pr': { repoURL: REPO, sourceBranch: 'kargo/dev', targetBranch: 'main', title: 'Promote' },
  'git-push': { path: './out', targetBranch: 'stage/dev' },
  'git-tag': { path: './out', tag: 'v1.0.0', message: 'Release' },
  'git-wait-for-pr': { repoURL: REPO, prNumber: 42 },
  'github-push': { path: './out', generateTargetBranch: true },
  'helm-template': {
    path: './chart',
    outPath: './out/manifests.yaml',
    releaseName: 'app',
    setValues: [{ key: 'a', value: 'b' }],
  },
  'helm-update-chart': {
    path: './chart',
    charts: [{ repository: 'https://charts.example.com', name: 'db', version: '1.2.3' }],
  },
  http: {
    url: 'https://example.com/hook',
    method: 'POST',
    outputs: [{ name: 'status', fromExpression: 'response.status' }],
  },
  'http-download': { url: 'https://example.com/file.tgz', outPath: './file.tgz' },
  'json-parse': { path: './out/a.json', outputs: [{ name: 'version', fromExpression: 'version' }] },
  'json-update': { path: './out/a.json', updates: [{ key: 'image.tag', value: 'v1' }] },
  'kustomize-build': { path: './src/overlays/dev', outPath: './out/dev.yaml' },
  'kustomize-set-image': {
    path: './src/base',
    images: [{ image: 'ghcr.io/acme/app', digest: 'sha256:abc' }],
  },
  'oci-download': { imageRef: 'ghcr.io/acme/bundle:v1', outPath: './bundle.tar' },
  'oci-push': { srcRef: 'ghcr.io/acme/app:v1', destRef: 'registry.example.com/app:v1' },
  'set-freight-alias': { name: 'abc123', alias: 'release-1' },
  'set-metadata': { updates: [{ kind: 'Freight', name: 'abc123', values: { approvedBy: 'qa' } }] },
  'toml-parse': { path: './a.toml', outputs: [{ name: 'v', fromExpression: 'package.version' }] },
  'toml-update': { path: './a.toml', updates: [{ key: 'package.version', value: '1.0.0' }] },
  untar: { inPath: './file.tgz', outPath: './file', stripComponents: 1 },
  'yaml-merge': { inFiles: ['./a.yaml', './b.yaml'], outFile: './merged.yaml' },
  'yaml-parse': { path: './a.yaml', outputs: [{ name: 'tag', fromExpression: 'image.tag' }] },
  'yaml-update': { path: './values.yaml', updates: [{ key: 'image.tag', value: 'v1' }] },
};

describe('validateStepConfig: every built-in step', () => {
  it('knows the 34 built-in steps of Kargo v1.11.2', () => {
    expect(KNOWN_STEP_NAMES).toHaveLength(34);
    expect(Object.keys(VALID).sort()).toEqual([...KNOWN_STEP_NAMES].sort());
  });

  for (const uses of Object.keys(VALID)) {
    it(`${uses}: accepts a valid config and rejects a misspelt field unless the schema is open`, () => {
      expect(validateStepConfig(uses, VALID[uses])).toEqual([]);
      const issues = validateStepConfig(uses, { ...VALID[uses], zzUnknown: true });
      const schema = JSON.parse(
        readFileSync(join(import.meta.dirname, '..', 'crds', 'step-schemas', `${uses}-config.json`), 'utf8'),
      );
      if (schema.additionalProperties === false) {
        expect(issues).toHaveLength(1);
        expect(issues[0]).toMatchObject({ path: 'zzUnknown', rule: 'unknown-field' });
      } else {
        // compose-output and git-tag do not forbid extra keys (and Kargo does not either).
        expect(['compose-output', 'git-tag']).toContain(uses);
        expect(issues).toEqual([]);
      }
    });
  }
});

describe('validateStepConfig: schema checks', () => {
  it('reports an unknown step with a suggestion and the known names', () => {
    const known = KNOWN_STEP_NAMES.join(', ');
    expect(validateStepConfig('git-psuh', {})).toEqual([
      {
        path: 'uses',
        message: `unknown step "git-psuh" (did you mean "git-push"?); the built-in steps of Kargo v1.11 are: ${known}`,
        rule: 'step-uses',
      },
    ]);
    expect(lines('helm-update-image', {})).toEqual([
      `uses: unknown step "helm-update-image" (did you mean "helm-update-chart"?); the built-in steps of Kargo v1.11 are: ${known}`,
    ]);
    expect(lines('deploy-to-production', {})).toEqual([
      `uses: unknown step "deploy-to-production"; the built-in steps of Kargo v1.11 are: ${known}`,
    ]);
  });

  it('reports unknown fields with a suggestion, and missing required fields', () => {
    expect(lines('git-clone', { repoUrl: REPO, checkout: [{ path: './src' }] })).toEqual([
      'repoURL: required field "repoURL" is missing',
      'repoUrl: unknown field "repoUrl" (did you mean "repoURL"?); known fields: insecureSkipTLSVerify, ' +
        'recurseSubmodules, blobless, repoURL, author, checkout',
    ]);
    expect(lines('git-clone', undefined)).toEqual([
      'repoURL: required field "repoURL" is missing',
      'checkout: required field "checkout" is missing',
    ]);
    expect(lines('http', 'https://example.com')).toEqual([
      'expected an object (the config of step "http"), got "https://example.com"',
    ]);
  });

  it('reports types, enums, bounds and formats', () => {
    expect(lines('git-clone', { repoURL: REPO, checkout: [], recurseSubmodules: 'yes' })).toEqual([
      'recurseSubmodules: expected a boolean, got string "yes"',
      'checkout: must have at least 1 item(s), got 0',
    ]);
    expect(
      lines('git-open-pr', { repoURL: REPO, sourceBranch: 'a', targetBranch: 'b', provider: 'GitHub' }),
    ).toEqual([
      'provider: unsupported value "GitHub" (did you mean "github"?); supported values: "azure", "bitbucket", ' +
        '"gitea", "github", "gitlab"',
    ]);
    expect(lines('git-merge-pr', { repoURL: REPO, prNumber: 1.5 })).toEqual([
      'prNumber: expected an integer, got number 1.5',
    ]);
    expect(
      lines('git-clone', {
        repoURL: REPO,
        checkout: [{ path: './src' }],
        author: { name: 'Kargo', email: 'kargo' },
      }),
    ).toEqual(['author.email: invalid value "kargo": expected format email']);
  });

  it('explains mutually exclusive fields (oneOf / anyOf) with the fields that are set', () => {
    expect(
      lines('git-clone', { repoURL: REPO, checkout: [{ path: './src', branch: 'main', tag: 'v1' }] }),
    ).toEqual([
      'checkout[0]: matches none of the allowed combinations (got branch, tag set); exactly one of these must hold: ' +
        '(1) branch, commit, tag unset; (2) branch set with commit, tag unset; (3) commit set with branch, tag ' +
        'unset; (4) tag set with branch, commit unset',
    ]);
    expect(validateStepConfig('delete', {})).toEqual([
      {
        path: '',
        message:
          'matches none of the allowed combinations (got none of path, paths set); exactly one of these must ' +
          'hold: (1) path set; (2) paths set',
        rule: 'step-config.oneOf',
      },
    ]);
    expect(lines('delete', { path: 'a', paths: ['b'] })).toEqual([
      'matches more than one allowed combination (got path, paths set); exactly one of these must hold: ' +
        '(1) path set; (2) paths set',
    ]);
    expect(lines('kustomize-set-image', { path: '.', images: [{ image: 'app' }] })).toEqual([
      'images[0]: matches none of the allowed combinations (got none of digest, tag set); exactly one of these ' +
        'must hold: (1) tag set with digest unset; (2) digest set with tag unset',
    ]);
    expect(lines('argocd-update', { apps: [{ name: 'a', selector: { matchLabels: {} } }] })).toEqual([
      'apps[0]: matches none of the allowed combinations (got name, selector set); exactly one of these must ' +
        'hold: (1) name set with selector unset; (2) selector set with name unset',
      'apps[0].selector: matches none of the allowed combinations (got matchLabels set); at least one of these ' +
        'must hold: (1) matchLabels set; (2) matchExpressions set',
    ]);
  });

  it('prefixes paths with the given config path', () => {
    expect(
      validateStepConfig(
        'git-push',
        { path: 1 },
        { path: 'spec.steps[2].config', usesPath: 'spec.steps[2].uses' },
      ),
    ).toEqual([
      { path: 'spec.steps[2].config.path', message: 'expected a string, got integer 1', rule: 'type' },
    ]);
    expect(validateStepConfig('nope', {}, { usesPath: 'spec.steps[2].uses' })[0]?.path).toBe(
      'spec.steps[2].uses',
    );
  });
});

describe('validateStepConfig: expressions', () => {
  it('recognises ${{ }} and ${% %} expressions', () => {
    expect(isExpression('${{ vars.x }}')).toBe(true);
    expect(isExpression('stage/${{ ctx.stage }}')).toBe(true);
    expect(isExpression('${% vars.x %}')).toBe(true);
    expect(isExpression('{{ args.url }}')).toBe(false);
    expect(isExpression('$x')).toBe(false);
    expect(isExpression(true)).toBe(false);
  });

  it('accepts an expression where a boolean, integer, enum, array, object, pattern or format is expected', () => {
    expect(
      lines('git-clone', {
        repoURL: REPO,
        recurseSubmodules: '${{ vars.submodules }}',
        author: { name: 'Kargo', email: '${{ vars.email }}' },
        checkout: '${{ vars.checkouts }}',
      }),
    ).toEqual([]);
    expect(
      lines('git-push', { path: './out', targetBranch: 'main', maxAttempts: '${% vars.attempts %}' }),
    ).toEqual([]);
    expect(lines('untar', { inPath: 'a', outPath: 'b', stripComponents: '${{ int(vars.n) }}' })).toEqual([]);
    expect(lines('kustomize-build', { path: 'a', outPath: 'b', outputFormat: '${{ vars.format }}' })).toEqual(
      [],
    );
    expect(lines('argocd-update', { apps: '${{ vars.apps }}' })).toEqual([]);
    expect(
      lines('set-metadata', { updates: [{ kind: 'Stage', name: 'dev', values: '${{ vars.meta }}' }] }),
    ).toEqual([]);
  });

  it('still rejects a plain string where a typed value is expected', () => {
    expect(lines('git-push', { path: './out', targetBranch: 'main', maxAttempts: 'three' })).toEqual([
      'maxAttempts: expected an integer, got string "three"',
    ]);
    expect(lines('kustomize-build', { path: 'a', outPath: 'b', outputFormat: 'yaml' })).toEqual([
      'outputFormat: unsupported value "yaml"; supported values: "kargo", "kustomize"',
    ]);
  });

  it('treats an expression as a value that is set when choosing between exclusive fields', () => {
    expect(
      lines('git-clone', { repoURL: REPO, checkout: [{ path: './src', branch: '${{ vars.branch }}' }] }),
    ).toEqual([]);
    expect(lines('git-push', { path: './out', generateTargetBranch: '${{ vars.generate }}' })).toEqual([]);
    expect(
      lines('kustomize-set-image', {
        path: '.',
        images: [{ image: 'app', tag: '${{ imageFrom("app").Tag }}' }],
      }),
    ).toEqual([]);
    expect(
      lines('kustomize-set-image', {
        path: '.',
        images: [{ image: 'app', tag: '${{ vars.t }}', digest: '${{ vars.d }}' }],
      }),
    ).toEqual([
      'images[0]: matches none of the allowed combinations (got digest, tag set); exactly one of these must ' +
        'hold: (1) tag set with digest unset; (2) digest set with tag unset',
    ]);
    expect(lines('argocd-update', { apps: [{ name: '${{ vars.app }}' }] })).toEqual([]);
  });
});
