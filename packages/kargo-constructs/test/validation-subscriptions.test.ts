// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ }}` strings
import { describe, expect, it } from 'vitest';
import { formatIssue, validateSubscription } from '../src/validation/index.js';
import { fixture } from './fixtures/validation/load.js';

const lines = (sub: unknown): string[] => validateSubscription(sub).map(formatIssue);
const image = (fields: Record<string, unknown>) => ({ image: { repoURL: 'ghcr.io/acme/app', ...fields } });
const git = (fields: Record<string, unknown>) => ({
  git: { repoURL: 'https://github.com/acme/app.git', ...fields },
});

describe('validateSubscription', () => {
  it('accepts every subscription of the example Warehouse', () => {
    const subs = fixture('Warehouse').spec.subscriptions as unknown[];
    expect(subs.map((s) => Object.keys(s as object)[0])).toEqual(['image', 'image', 'git', 'chart', 'chart']);
    for (const sub of subs) expect(validateSubscription(sub)).toEqual([]);
  });

  it('rejects the deprecated/removed image fields and names the replacement', () => {
    expect(
      validateSubscription(
        image({ allowTags: '^v1\\.', ignoreTags: ['latest'], semverConstraint: '^1.0.0' }),
      ),
    ).toEqual([
      {
        path: 'image.allowTags',
        message:
          '"allowTags" is no longer supported: since Kargo v1.11.0 artifact discovery fails when it is set; ' +
          'use "allowTagsRegexes" (a list of regular expressions) instead',
        rule: 'deprecated-field',
      },
      {
        path: 'image.ignoreTags',
        message:
          '"ignoreTags" is no longer supported: since Kargo v1.11.0 artifact discovery fails when it is set; ' +
          'use "ignoreTagsRegexes" (a list of regular expressions) instead',
        rule: 'deprecated-field',
      },
      {
        path: 'image.semverConstraint',
        message:
          '"semverConstraint" was removed from image subscriptions in Kargo v1.9 (the webhook drops it silently); ' +
          'use "constraint" instead',
        rule: 'deprecated-field',
      },
    ]);
    expect(
      lines(image({ gitRepoURL: 'https://github.com/acme/app', tagSelectionStrategy: 'SemVer' })),
    ).toEqual([
      'image.gitRepoURL: "gitRepoURL" was removed in Kargo v1.7; set the "org.opencontainers.image.source" ' +
        'annotation on the image instead',
      'image.tagSelectionStrategy: "tagSelectionStrategy" was renamed in Kargo v0.4; use "imageSelectionStrategy" instead',
    ]);
  });

  it('rejects git allowTags/ignoreTags but keeps git semverConstraint, and renames chart registryURL', () => {
    expect(
      lines(git({ commitSelectionStrategy: 'SemVer', semverConstraint: '^1', allowTags: 'v.*' })),
    ).toEqual([
      'git.allowTags: "allowTags" is no longer supported: since Kargo v1.11.0 artifact discovery fails when ' +
        'it is set; use "allowTagsRegexes" (a list of regular expressions) instead',
    ]);
    expect(lines({ chart: { registryURL: 'https://charts.example.com', name: 'db' } })).toEqual([
      'chart.registryURL: "registryURL" was renamed in Kargo v0.4; use "repoURL" instead',
      'chart.repoURL: required field "repoURL" is missing',
    ]);
  });

  it('checks fields against the JSON schemas', () => {
    expect(lines(image({ repoUrl: 'x' }))).toEqual([
      'image.repoUrl: unknown field "repoUrl" (did you mean "repoURL"?); known fields: repoURL, ' +
        'imageSelectionStrategy, strictSemvers, constraint, allowTags, allowTagsRegexes, ignoreTags, ' +
        'ignoreTagsRegexes, platform, insecureSkipTLSVerify, discoveryLimit, cacheByTag',
    ]);
    expect(lines({ image: { repoURL: 'ghcr.io/acme/app:v1.2.3' } })).toEqual([
      'image.repoURL: invalid value "ghcr.io/acme/app:v1.2.3": must match the pattern ' +
        '^(\\w+([\\.-]\\w+)*(:[\\d]+)?/)?(\\w+([\\.-]\\w+)*)(/\\w+([\\.-]\\w+)*)*$',
    ]);
    expect(
      lines(
        image({
          imageSelectionStrategy: 'Newest',
          platform: 'amd64',
          discoveryLimit: 101,
          cacheByTag: 'true',
        }),
      ),
    ).toEqual([
      'image.imageSelectionStrategy: unsupported value "Newest"; supported values: "Digest", "Lexical", "NewestBuild", "SemVer"',
      'image.platform: invalid value "amd64": must match the pattern ^\\w+/\\w+$',
      'image.discoveryLimit: invalid value 101: must be <= 100',
      'image.cacheByTag: expected a boolean, got string "true"',
    ]);
    expect(lines(git({ branch: '-main', since: 'yesterday', includePaths: 'src' }))).toEqual([
      'git.branch: invalid value "-main": must match the pattern ^[a-zA-Z0-9]([a-zA-Z0-9._\\/-]*[a-zA-Z0-9_-])?$',
      'git.includePaths: expected an array, got string "src"',
      'git.since: invalid value "yesterday": expected format date-time',
    ]);
    expect(lines({ chart: { repoURL: 'ftp://charts.example.com', name: 'x' } })).toEqual([
      'chart.repoURL: invalid value "ftp://charts.example.com": must match the pattern ' +
        '^(((https?)|(oci))://)(([\\w\\d\\.\\-]+)(:([\\d]+)?)?(/.*)*)$',
    ]);
  });

  it('applies the admission webhook rules the schemas leave out', () => {
    expect(validateSubscription(image({ imageSelectionStrategy: 'Digest' }))).toEqual([
      {
        path: 'image.constraint',
        message:
          'required when imageSelectionStrategy is "Digest": set it to the mutable tag to track, e.g. "latest"',
        rule: 'webhook.image-digest-constraint',
      },
    ]);
    expect(lines({ chart: { repoURL: 'oci://ghcr.io/acme/charts/db', name: 'db' } })).toEqual([
      'chart.name: must not be set for an OCI repository ("oci://ghcr.io/acme/charts/db" already names the chart); remove "name"',
    ]);
    expect(lines({ chart: { repoURL: 'https://charts.example.com' } })).toEqual([
      'chart.name: required for a classic (HTTP/S) chart repository such as "https://charts.example.com": set the chart name',
    ]);
  });

  it('rejects tag filters and the tag cache on a Digest subscription, which ignores them', () => {
    const digest = { imageSelectionStrategy: 'Digest', constraint: '3.12-slim' };
    expect(lines(image({ ...digest, allowTagsRegexes: ['^3\\.12-slim$'], cacheByTag: true }))).toEqual([
      'image.allowTagsRegexes: is ignored by the "Digest" strategy, which follows exactly the tag in constraint; remove "allowTagsRegexes"',
      'image.cacheByTag: is ignored by the "Digest" strategy, which follows exactly the tag in constraint; remove "cacheByTag"',
    ]);
    // The webhook's own defaults (discoveryLimit, strictSemvers) are what Kargo stores: accepted.
    expect(
      lines(image({ ...digest, discoveryLimit: 20, strictSemvers: true, platform: 'linux/amd64' })),
    ).toEqual([]);
  });

  it('checks the shape of the entry: one kind, a known kind or a generic subscription', () => {
    expect(lines('ghcr.io/acme/app')).toEqual([
      'expected an object such as { image: { repoURL: ... } }, got "ghcr.io/acme/app"',
    ]);
    expect(lines({})).toEqual([
      'a subscription must have exactly one of image, git, chart (or one generic subscription key), got none',
    ]);
    expect(lines({ ...image({}), ...git({}) })).toEqual([
      'a subscription must have exactly one of image, git, chart (or one generic subscription key), got image, git',
    ]);
    expect(lines({ imgae: { repoURL: 'ghcr.io/acme/app' } })).toEqual([
      'imgae: unknown subscription kind "imgae" (did you mean "image"?); known kinds: image, git, chart',
    ]);
    expect(lines({ image: 'ghcr.io/acme/app' })).toEqual([
      'image: expected an object with at least "repoURL", got "ghcr.io/acme/app"',
    ]);
    expect(lines({ s3bucket: { name: 'artifacts', config: { bucket: 'b' } } })).toEqual([]);
    expect(lines({ s3bucket: 'artifacts' })).toEqual([
      's3bucket: a generic subscription must be an object, got "artifacts"',
    ]);
  });

  it('does not accept expressions unless asked to (Kargo does not evaluate them in subscriptions)', () => {
    const sub = image({ discoveryLimit: '${{ vars.limit }}' });
    expect(lines(sub)).toEqual(['image.discoveryLimit: expected an integer, got string "${{ vars.limit }}"']);
    expect(validateSubscription(sub, { allowExpressions: true })).toEqual([]);
    const digest = image({ imageSelectionStrategy: '${{ vars.strategy }}' });
    expect(validateSubscription(digest, { allowExpressions: true })).toEqual([]);
  });

  it('prefixes paths with the given path', () => {
    expect(validateSubscription(image({ discoveryLimit: 0 }), { path: 'spec.subscriptions[3]' })).toEqual([
      {
        path: 'spec.subscriptions[3].image.discoveryLimit',
        message: 'invalid value 0: must be >= 1',
        rule: 'minimum',
      },
    ]);
  });
});
