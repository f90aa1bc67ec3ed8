import { describe, expect, it } from 'vitest';
import {
  baseImageSelection,
  isVersioned,
  literalTagOf,
  managedImageSelection,
} from '../../src/factory/index.js';
import { Subscription } from '../../src/subscription.js';
import { validateSubscription } from '../../src/validation/index.js';
import { base, managed } from './fixtures.js';

function valid(sub: Parameters<typeof Subscription.image>[0]): void {
  expect(validateSubscription(Subscription.image(sub).toJson())).toEqual([]);
}

describe('literalTagOf', () => {
  it.each([
    ['^3\\.12-slim$', '3.12-slim'],
    ['^latest$', 'latest'],
    ['^22-bookworm-slim$', '22-bookworm-slim'],
    ['^3\\.12.*$', undefined],
    ['3\\.12-slim', undefined],
    ['^7\\.\\d+\\.\\d+-alpine$', undefined],
    [undefined, undefined],
  ])('%s -> %s', (regex, tag) => {
    expect(literalTagOf(regex)).toBe(tag);
  });
});

describe('baseImageSelection', () => {
  it('follows the digest of the tag the Dockerfiles use', () => {
    const result = baseImageSelection(base('node-22', 'node:22-bookworm-slim'), 20);
    expect(result).toEqual({
      ok: true,
      subscription: {
        repoURL: 'docker.io/library/node',
        imageSelectionStrategy: 'Digest',
        constraint: '22-bookworm-slim',
        discoveryLimit: 20,
      },
    });
    if (result.ok) valid(result.subscription);
  });

  it('follows latest for an untagged reference with a written Digest strategy', () => {
    const result = baseImageSelection(base('ubuntu', 'ubuntu', { strategy: 'Digest' }), 20);
    expect(result.ok && result.subscription.constraint).toBe('latest');
  });

  it('reads an old-format literal allowTags as "this tag" (Digest on it), keeping the regex', () => {
    // The loader has already un-doubled ^3\\.12-slim$ into ^3\.12-slim$.
    const result = baseImageSelection(
      base('python', 'docker.io/library/python', { allowTags: '^3\\.12-slim$' }),
      20,
    );
    expect(result).toEqual({
      ok: true,
      subscription: {
        repoURL: 'docker.io/library/python',
        imageSelectionStrategy: 'Digest',
        constraint: '3.12-slim',
        allowTagsRegexes: ['^3\\.12-slim$'],
        discoveryLimit: 20,
      },
    });
    if (result.ok) valid(result.subscription);
  });

  it('follows the literal allowTags tag with Digest even when the old file wrote SemVer', () => {
    const result = baseImageSelection(
      base('python', 'python:3.11-slim', { allowTags: '^3\\.11-slim$', strategy: 'SemVer' }),
      20,
    );
    expect(result.ok && result.subscription).toMatchObject({
      imageSelectionStrategy: 'Digest',
      constraint: '3.11-slim',
    });
  });

  it('turns allowTags into allowTagsRegexes with the written strategy, non-strict semvers for SemVer', () => {
    const result = baseImageSelection(
      base('redis-7', 'docker.io/library/redis', {
        allowTags: '^7\\.\\d+\\.\\d+-alpine$',
        strategy: 'SemVer',
      }),
      5,
    );
    expect(result).toEqual({
      ok: true,
      subscription: {
        repoURL: 'docker.io/library/redis',
        imageSelectionStrategy: 'SemVer',
        allowTagsRegexes: ['^7\\.\\d+\\.\\d+-alpine$'],
        strictSemvers: false,
        discoveryLimit: 5,
      },
    });
    if (result.ok) {
      valid(result.subscription);
      expect(result.subscription).not.toHaveProperty('allowTags');
    }
  });

  it('keeps Lexical and NewestBuild as written', () => {
    const result = baseImageSelection(
      base('alpine', 'alpine', { strategy: 'Lexical', allowTags: '^3\\.' }),
      20,
    );
    expect(result.ok && result.subscription).toMatchObject({
      imageSelectionStrategy: 'Lexical',
      allowTagsRegexes: ['^3\\.'],
    });
    expect(result.ok && result.subscription).not.toHaveProperty('strictSemvers');
  });

  it('rejects an allowTags that excludes the tag the Digest strategy follows', () => {
    const result = baseImageSelection(
      base('python', 'python:3.12-slim', { allowTags: '^3\\.11-slim$', strategy: 'Digest' }),
      20,
    );
    expect(result).toMatchObject({ ok: false, field: 'allowTags' });
    expect(!result.ok && result.message).toBe(
      'base image "python": allowTags "^3\\\\.11-slim$" does not match the tag "3.12-slim" that the Digest strategy follows, so the Warehouse would never find an image',
    );
  });
});

describe('managedImageSelection', () => {
  it('uses SemVer from the current major for an image with semver versions', () => {
    const image = managed('api', { currentVersion: '2.4.1' });
    expect(isVersioned(image)).toBe(true);
    const sub = managedImageSelection(image, 20);
    expect(sub).toEqual({
      repoURL: 'ghcr.io/acme/api',
      imageSelectionStrategy: 'SemVer',
      constraint: '>=2.0.0',
      discoveryLimit: 20,
    });
    valid(sub);
  });

  it('uses SemVer from 0 for an image with a version file but no recorded version', () => {
    const image = managed('api', {
      local: { dir: 'local/api', patchFiles: [], versionFile: 'local/api/VERSION' },
    });
    expect(managedImageSelection(image, 20)).toMatchObject({
      imageSelectionStrategy: 'SemVer',
      constraint: '>=0.0.0',
    });
  });

  it('uses NewestBuild for an image without versions', () => {
    expect(managedImageSelection(managed('worker', { currentVersion: 'sha-1a2b3c4' }), 20)).toEqual({
      repoURL: 'ghcr.io/acme/worker',
      imageSelectionStrategy: 'NewestBuild',
      discoveryLimit: 20,
    });
    expect(isVersioned(managed('fresh', { stateFile: false }))).toBe(false);
  });
});
