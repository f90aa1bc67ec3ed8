// The webhook model against the cases of Kargo v1.11.2's own tests (pkg/urls/image_test.go,
// pkg/urls/git_test.go) and selectors (pkg/image/*_selector.go MatchesTag).
import { describe, expect, it } from 'vitest';
import {
  imageMatchesTag,
  normalizeGitRepoUrl,
  normalizeImageUrl,
  webhookReceiverPath,
} from '../../src/runtime.js';

describe('normalizeImageUrl (urls.NormalizeImage)', () => {
  it.each([
    ['index.docker.io/library/busybox', 'busybox'],
    ['index.docker.io/busybox', 'busybox'],
    ['registry-1.docker.io/library/busybox', 'busybox'],
    ['docker.io/library/busybox', 'busybox'],
    ['docker.io/busybox', 'busybox'],
    ['library/busybox', 'busybox'],
    ['busybox', 'busybox'],
    ['index.docker.io/example/repo', 'example/repo'],
    ['docker.io/example/repo', 'example/repo'],
    ['example/repo', 'example/repo'],
    ['ghcr.io/example/repo', 'ghcr.io/example/repo'],
    ['quay.io/example/repo', 'quay.io/example/repo'],
    ['GHCR.io/Example/Repo:1.2.3', 'ghcr.io/example/repo'],
    ['localhost:5000/app@sha256:abc', 'localhost:5000/app'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeImageUrl(input)).toBe(expected);
  });
});

describe('normalizeGitRepoUrl (urls.NormalizeGit)', () => {
  it.each([
    ['https://not a url', 'https://not a url'],
    ['http://github.com/example/repo?foo=bar', 'http://github.com/example/repo?foo=bar'],
    ['not even remotely a url', 'not even remotely a url'],
    ['https://github.com/', 'https://github.com'],
    ['https://foo:bar@github.com', 'https://github.com'],
    ['https://github.com/example/repo.git/', 'https://github.com/example/repo'],
    ['https://foo:bar@localhost:8443/example/repo.git', 'https://localhost:8443/example/repo'],
    ['ssh://git@git.example.com/', 'ssh://git@git.example.com'],
    ['ssh://git@localhost:2222/example/repo.git/', 'ssh://git@localhost:2222/example/repo'],
    ['git.example.com', 'ssh://git.example.com'],
    ['git@git.example.com', 'ssh://git@git.example.com'],
    ['github.com:example/repo', 'ssh://github.com/example/repo'],
    ['git@github.com:example/repo.git', 'ssh://git@github.com/example/repo'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeGitRepoUrl(input)).toBe(expected);
  });
});

describe('imageMatchesTag (selector MatchesTag)', () => {
  it('Digest: only the followed tag', () => {
    const sub = { repoURL: 'python', imageSelectionStrategy: 'Digest', constraint: '3.12-slim' };
    expect(imageMatchesTag(sub, '3.12-slim')).toBe(true);
    expect(imageMatchesTag(sub, '3.12')).toBe(false);
  });

  it('tag-based: ignore wins over allow; no allow list accepts every tag', () => {
    const sub = { repoURL: 'r', imageSelectionStrategy: 'NewestBuild', ignoreTagsRegexes: ['^latest$'] };
    expect(imageMatchesTag(sub, 'sha-1')).toBe(true);
    expect(imageMatchesTag(sub, 'latest')).toBe(false);
    const allow = { repoURL: 'r', imageSelectionStrategy: 'Lexical', allowTagsRegexes: ['^v'] };
    expect(imageMatchesTag(allow, 'v2')).toBe(true);
    expect(imageMatchesTag(allow, '2')).toBe(false);
  });

  it('SemVer: a version within the constraint, strict unless told otherwise, no pre-release', () => {
    const sub = { repoURL: 'r', imageSelectionStrategy: 'SemVer', constraint: '>=3.0.0' };
    expect(imageMatchesTag(sub, '3.2.0')).toBe(true);
    expect(imageMatchesTag(sub, 'v3.2.0')).toBe(true);
    expect(imageMatchesTag(sub, '2.9.9')).toBe(false);
    expect(imageMatchesTag(sub, '3.2.0-rc.1')).toBe(false);
    expect(imageMatchesTag(sub, '3.2')).toBe(false); // not strict
    expect(imageMatchesTag({ ...sub, strictSemvers: false }, '3.2')).toBe(true);
    expect(imageMatchesTag(sub, 'latest')).toBe(false);
    expect(() => imageMatchesTag({ ...sub, constraint: '^3.0.0' }, '3.2.0')).toThrow(/not modeled/);
  });
});

describe('webhookReceiverPath (buildWebhookPath)', () => {
  it('is /<type>/<hex SHA-256> of the project, receiver name and Secret values, concatenated without separator', () => {
    const path = webhookReceiverPath('fake-project', 'github', 'my-receiver', ['fake-secret']);
    expect(path).toMatch(/^\/github\/[0-9a-f]{64}$/);
    // Plain concatenation: moving characters between the parts keeps the URL (a Kargo quirk).
    expect(webhookReceiverPath('fake-project', 'github', 'my-receiverfake', ['-secret'])).toBe(path);
    // Any other change is a new URL: a rotated Secret must be registered again.
    expect(webhookReceiverPath('fake-project', 'github', 'my-receiver', ['rotated'])).not.toBe(path);
    expect(webhookReceiverPath('fake-project', 'quay', 'my-receiver', ['fake-secret'])).toBe(
      path.replace('/github/', '/quay/'),
    );
  });
});
