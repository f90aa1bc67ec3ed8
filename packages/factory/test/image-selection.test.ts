import { Subscription, validateSubscription } from '@image-factory/kargo-constructs';
import { describe, expect, it } from 'vitest';
import { baseImageSelection, isVersioned, literalTagOf, managedImageSelection } from '../src/index.js';
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
    // Nothing the Digest selector ignores (pkg/image/digest_selector.go reads constraint and platform).
    expect(result).toEqual({
      ok: true,
      subscription: {
        repoURL: 'docker.io/library/node',
        imageSelectionStrategy: 'Digest',
        constraint: '22-bookworm-slim',
      },
    });
    if (result.ok) valid(result.subscription);
    if (result.ok) {
      expect(Subscription.image(result.subscription).toJson()).toEqual({
        image: {
          repoURL: 'docker.io/library/node',
          imageSelectionStrategy: 'Digest',
          constraint: '22-bookworm-slim',
        },
      });
    }
  });

  it('requires the platform of the base entry, else the fleet default, when set', () => {
    const fleet = baseImageSelection(base('node-22', 'node:22-bookworm-slim'), 20, 'linux/amd64');
    expect(fleet.ok && fleet.subscription.platform).toBe('linux/amd64');
    const own = baseImageSelection(
      { ...base('node-22', 'node:22-bookworm-slim'), platform: 'linux/arm64' },
      20,
      'linux/amd64',
    );
    expect(own.ok && own.subscription.platform).toBe('linux/arm64');
    const semver = baseImageSelection(
      base('redis-7', 'docker.io/library/redis', { allowTags: '^7\\.\\d+\\.\\d+$', strategy: 'SemVer' }),
      20,
      'linux/arm64',
    );
    expect(semver.ok && semver.subscription.platform).toBe('linux/arm64');
    if (semver.ok) valid(semver.subscription);
    expect(baseImageSelection(base('node-22', 'node:22-bookworm-slim'), 20)).not.toHaveProperty(
      'subscription.platform',
    );
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
    // The regex only named the tag: Digest follows exactly that tag, allowTagsRegexes would be ignored.
    expect(result).toEqual({
      ok: true,
      subscription: {
        repoURL: 'docker.io/library/python',
        imageSelectionStrategy: 'Digest',
        constraint: '3.12-slim',
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
  it('uses SemVer from the current major for a team image with semver versions, never caching by tag', () => {
    // A team may push a rebuild under the same version: only a fresh look at the tag sees the new digest.
    const image = managed('api', { currentVersion: '2.4.1', workflow: 'api.yml' });
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

  it('ignores a recorded semver of an image the generated workflow builds without a version file', () => {
    // Its tags are sha-<commit>-<run>: SemVer would never find one.
    const image = managed('api', { currentVersion: '2.4.1' });
    expect(isVersioned(image)).toBe(false);
    expect(managedImageSelection(image, 20).imageSelectionStrategy).toBe('NewestBuild');
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

  it('narrows NewestBuild to the generated tag scheme, cached by tag, for the generated workflow', () => {
    const sub = managedImageSelection(managed('worker', { currentVersion: 'sha-0123456789ab-7' }), 20);
    expect(sub).toEqual({
      repoURL: 'ghcr.io/acme/worker',
      imageSelectionStrategy: 'NewestBuild',
      allowTagsRegexes: ['^sha-[0-9a-f]{12}-[0-9]+$'],
      cacheByTag: true,
      discoveryLimit: 20,
    });
    valid(sub);
    const scheme = new RegExp((sub.allowTagsRegexes ?? [])[0] as string);
    expect(['sha-0123456789ab-7', 'sha-deadbeefcafe-1234'].every((t) => scheme.test(t))).toBe(true);
    expect(['latest', 'main', 'sha-0123456-7', '1.2.3', 'sha-0123456789ab'].some((t) => scheme.test(t))).toBe(
      false,
    );
    expect(isVersioned(managed('fresh', { stateFile: false }))).toBe(false);
  });

  it('ignores moving tags, cached by tag, for a team workflow without versions', () => {
    const sub = managedImageSelection(
      managed('web', { workflow: 'web.yml', currentVersion: 'build-42' }),
      20,
    );
    expect(sub).toMatchObject({ imageSelectionStrategy: 'NewestBuild', cacheByTag: true });
    expect(sub).not.toHaveProperty('allowTagsRegexes');
    valid(sub);
    const ignored = (tag: string) => (sub.ignoreTagsRegexes ?? []).some((r) => new RegExp(r).test(tag));
    for (const tag of [
      'latest',
      'main',
      'nightly',
      'buildcache',
      'web-cache',
      `sha256-${'a'.repeat(64)}.sig`,
    ]) {
      expect(ignored(tag), tag).toBe(true);
    }
    for (const tag of ['build-42', 'v1.2.3', '2024-06-01', 'sha-0123456789ab-7', 'mainline']) {
      expect(ignored(tag), tag).toBe(false);
    }
  });
});
