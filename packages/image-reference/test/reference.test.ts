import { describe, expect, it } from 'vitest';
import {
  BASE_IMAGE_NAME_MAX_LENGTH,
  baseImageStateName,
  InvalidImageReferenceError,
  parseImageReference,
  referenceKey,
  tryParseImageReference,
  withDefaultTag,
} from '../src/index.js';

const D1 = '86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa';
const D2 = 'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';
const D3 = 'e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582';

function parsed(text: string) {
  const result = tryParseImageReference(text);
  if (!result.ok) throw new Error(`expected ${text} to parse, got: ${result.error}`);
  return result.reference;
}

function errorOf(text: string): string {
  const result = tryParseImageReference(text);
  if (result.ok) throw new Error(`expected ${text} to be rejected, got ${result.reference.normalized}`);
  return result.error;
}

describe('tryParseImageReference: distribution/reference vectors (dockerfile.md §3.3)', () => {
  // [id, input, registry, repository, normalized, familiar?]
  const vectors: ReadonlyArray<readonly [string, string, string, string, string, string?]> = [
    ['N1', 'localhost/fooo', 'localhost', 'fooo', 'localhost/fooo'],
    ['N2', 'localhost/fooo/bar', 'localhost', 'fooo/bar', 'localhost/fooo/bar'],
    ['N3', 'LOCALDOMAIN/fooo', 'LOCALDOMAIN', 'fooo', 'LOCALDOMAIN/fooo'],
    ['N4', 'fooo/bar', 'docker.io', 'fooo/bar', 'docker.io/fooo/bar', 'fooo/bar'],
    ['N5', 'index.docker.io/fooo/bar', 'docker.io', 'fooo/bar', 'docker.io/fooo/bar', 'fooo/bar'],
    ['N6', 'ubuntu', 'docker.io', 'library/ubuntu', 'docker.io/library/ubuntu', 'ubuntu'],
    ['N7', 'library/ubuntu', 'docker.io', 'library/ubuntu', 'docker.io/library/ubuntu', 'ubuntu'],
    ['N8', 'nonlibrary/ubuntu', 'docker.io', 'nonlibrary/ubuntu', 'docker.io/nonlibrary/ubuntu'],
    ['N9', 'other/library', 'docker.io', 'other/library', 'docker.io/other/library'],
    [
      'N10',
      '127.0.0.1:8000/private/moonbase',
      '127.0.0.1:8000',
      'private/moonbase',
      '127.0.0.1:8000/private/moonbase',
      '127.0.0.1:8000/private/moonbase',
    ],
    ['N11', '127.0.0.1:8000/privatebase', '127.0.0.1:8000', 'privatebase', '127.0.0.1:8000/privatebase'],
    [
      'N12',
      'example.com/private/moonbase',
      'example.com',
      'private/moonbase',
      'example.com/private/moonbase',
    ],
    [
      'N13',
      'example.com:8000/privatebasee',
      'example.com:8000',
      'privatebasee',
      'example.com:8000/privatebasee',
    ],
    [
      'N14',
      'index.docker.io/library/ubuntu-12.04-base',
      'docker.io',
      'library/ubuntu-12.04-base',
      'docker.io/library/ubuntu-12.04-base',
      'ubuntu-12.04-base',
    ],
    ['N15', 'docker.io/foo', 'docker.io', 'library/foo', 'docker.io/library/foo', 'foo'],
    [
      'N16',
      'library/foo/bar',
      'docker.io',
      'library/foo/bar',
      'docker.io/library/foo/bar',
      'library/foo/bar',
    ],
    ['N17', 'store/foo/bar', 'docker.io', 'store/foo/bar', 'docker.io/store/foo/bar'],
    ['N18', 'Foo/bar', 'Foo', 'bar', 'Foo/bar', 'Foo/bar'],
    ['N19', 'FOO/bar', 'FOO', 'bar', 'FOO/bar'],
    ['N20', 'test.com/foo', 'test.com', 'foo', 'test.com/foo'],
    ['N21', 'test_com/foo', 'docker.io', 'test_com/foo', 'docker.io/test_com/foo'],
    ['N22', 'test-com:8080/foo', 'test-com:8080', 'foo', 'test-com:8080/foo'],
    ['N23', 'xn--n3h.com:18080/foo', 'xn--n3h.com:18080', 'foo', 'xn--n3h.com:18080/foo'],
    ['N24', 'docker.io/library/foo/bar', 'docker.io', 'library/foo/bar', 'docker.io/library/foo/bar'],
    [
      'N25',
      `busybox:latest@sha256:${D1}`,
      'docker.io',
      'library/busybox',
      `docker.io/library/busybox:latest@sha256:${D1}`,
      `busybox:latest@sha256:${D1}`,
    ],
    ['N26', 'redis:latest', 'docker.io', 'library/redis', 'docker.io/library/redis:latest', 'redis:latest'],
    [
      'N27',
      `dmcgowan/myapp@sha256:${D2}`,
      'docker.io',
      'dmcgowan/myapp',
      `docker.io/dmcgowan/myapp@sha256:${D2}`,
      `dmcgowan/myapp@sha256:${D2}`,
    ],
    [
      'N28',
      D2.slice(0, 63),
      'docker.io',
      `library/${D2.slice(0, 63)}`,
      `docker.io/library/${D2.slice(0, 63)}`,
    ],
    ['N29', 'dbcc1', 'docker.io', 'library/dbcc1', 'docker.io/library/dbcc1', 'dbcc1'],
  ];

  for (const [id, input, registry, repository, normalized, familiar] of vectors) {
    it(`${id}: ${input} -> ${normalized}`, () => {
      const ref = parsed(input);
      expect(ref.registry).toBe(registry);
      expect(ref.repository).toBe(repository);
      expect(ref.name).toBe(`${registry}/${repository}`);
      expect(ref.normalized).toBe(normalized);
      if (familiar !== undefined) expect(ref.familiar).toBe(familiar);
    });
  }

  it('splits tag and digest of N25 and keeps the tag (ParseNormalizedNamed keeps both)', () => {
    const ref = parsed(`busybox:latest@sha256:${D1}`);
    expect(ref.tag).toBe('latest');
    expect(ref.digest).toBe(`sha256:${D1}`);
  });

  it.each([
    ['busybox', 'docker.io/library/busybox:latest'],
    ['library/busybox', 'docker.io/library/busybox:latest'],
    ['docker.io/busybox:latest', 'docker.io/library/busybox:latest'],
    [`busybox@sha256:${D3}`, `docker.io/library/busybox@sha256:${D3}`],
    ['gcr.io/library/busybox', 'gcr.io/library/busybox:latest'],
    ['quay.io:1234/node', 'quay.io:1234/node:latest'],
  ])('withDefaultTag (TestParseDockerRef): %s -> %s', (input, expected) => {
    expect(withDefaultTag(parsed(input)).normalized).toBe(expected);
  });

  it.each([
    '192.168.0.1',
    '192.168.0.1:80',
    '[fc00::1]:5000/docker',
    '[fc00:1:2:3:4:5:6:7]:5000/library/debian',
    `docker.io/${D2}`,
    'Docker/docker',
    'DOCKER/docker',
    'docker---rules/docker',
    'dock__er/docker',
    'd/docker',
    'jess/t',
    'z'.repeat(64),
    'test.com:5000',
    'test:5000/repo:tag',
    '[2001:db8::1]/repo',
    'lowercase:Uppercase',
    `example.com/${'a'.repeat(255)}`,
  ])('accepts %s (TestValidateReferenceName / TestReferenceParse)', (input) => {
    expect(tryParseImageReference(input).ok).toBe(true);
  });

  it('reads 192.168.0.1:80 as the Docker Hub image 192.168.0.1 with tag 80', () => {
    const ref = parsed('192.168.0.1:80');
    expect(ref.normalized).toBe('docker.io/library/192.168.0.1:80');
    expect(ref.tag).toBe('80');
  });

  it('reads test:5000/repo:tag with the registry test:5000', () => {
    const ref = parsed('test:5000/repo:tag');
    expect([ref.registry, ref.repository, ref.tag]).toEqual(['test:5000', 'repo', 'tag']);
  });

  it.each([
    ['https://github.com/docker/docker', 'invalid reference format'],
    ['docker/Docker', 'invalid reference format: repository name (docker/Docker) must be lowercase'],
    ['-docker', 'invalid reference format'],
    ['-docker/docker', 'invalid reference format'],
    ['docker-/docker', 'invalid reference format'],
    ['docker///docker', 'invalid reference format'],
    [
      'docker.io/docker/Docker',
      'invalid reference format: repository name (docker/Docker) must be lowercase',
    ],
    ['[fc00::1]', 'invalid reference format'],
    ['[fc00::1]:5000', 'invalid reference format'],
    ['fc00::1:5000/debian', 'invalid reference format'],
    ['[fe80::1%eth0]:5000/debian', 'invalid reference format'],
    ['[2001:db8:3:4::192.0.2.33]:5000/debian', 'invalid reference format'],
    [D2, `invalid repository name (${D2}), cannot specify 64-byte hexadecimal strings`],
    ['____/____', 'invalid reference format'],
    ['_docker/_docker', 'invalid reference format'],
    ['dock..er/docker', 'invalid reference format'],
    ['dock_.er/docker', 'invalid reference format'],
    ['dock-.er/docker', 'invalid reference format'],
    ['docker/', 'invalid reference format'],
    [`docker/${'a'.repeat(249)}`, 'repository name must not be more than 255 characters'],
    ['[2001:db8::1]:5000', 'invalid reference format'],
    ['Uppercase:tag', 'invalid reference format: repository name (library/Uppercase) must be lowercase'],
    [`repo@sha256:${'f'.repeat(34)}`, 'invalid checksum digest length'],
    [`validname@invaliddigest:${'f'.repeat(64)}`, 'unsupported digest algorithm (invaliddigest)'],
    [`a/${'a'.repeat(254)}`, 'repository name must not be more than 255 characters'],
    ['', 'repository name must have at least one component'],
  ])('rejects %s: %s', (input, error) => {
    expect(errorOf(input)).toBe(error);
  });
});

describe('tryParseImageReference: vectors verified against ParseNormalizedNamed (dockerfile.md §3.4)', () => {
  it.each([
    ['docker.io/ubuntu', 'docker.io/library/ubuntu'],
    ['index.docker.io/library/ubuntu', 'docker.io/library/ubuntu'],
    ['registry-1.docker.io/library/ubuntu', 'registry-1.docker.io/library/ubuntu'],
    ['myorg/my.image', 'docker.io/myorg/my.image'],
    ['localhost', 'docker.io/library/localhost'],
    ['localhost:5000', 'docker.io/library/localhost:5000'],
    ['example.com', 'docker.io/library/example.com'],
    ['example.com:5000', 'docker.io/library/example.com:5000'],
    ['localhost:5000/foo/bar', 'localhost:5000/foo/bar'],
    ['LOCALHOST/foo', 'LOCALHOST/foo'],
    ['quay.io:1234/node', 'quay.io:1234/node'],
    ['[::1]:5000/repo:tag', '[::1]:5000/repo:tag'],
    ['amd64/debian:10', 'docker.io/amd64/debian:10'],
    ['a/b/c/d/e:1', 'docker.io/a/b/c/d/e:1'],
    ['scratch', 'docker.io/library/scratch'],
    ['build_amd64', 'docker.io/library/build_amd64'],
    ['ubuntu:Latest', 'docker.io/library/ubuntu:Latest'],
    [`nginx:1.25@sha512:${'ab'.repeat(64)}`, `docker.io/library/nginx:1.25@sha512:${'ab'.repeat(64)}`],
    [`alpine:${'a'.repeat(128)}`, `docker.io/library/alpine:${'a'.repeat(128)}`],
    ['a'.repeat(247), `docker.io/library/${'a'.repeat(247)}`],
    [`myorg/${'a'.repeat(249)}`, `docker.io/myorg/${'a'.repeat(249)}`],
    ['foo__bar/baz', 'docker.io/foo__bar/baz'],
    ['foo---bar/baz', 'docker.io/foo---bar/baz'],
  ])('normalizes %s to %s', (input, normalized) => {
    expect(parsed(input).normalized).toBe(normalized);
  });

  it.each([
    ['Ubuntu', 'invalid reference format: repository name (library/Ubuntu) must be lowercase'],
    ['ubuntu:-foo', 'invalid reference format'],
    ['alpine:', 'invalid reference format'],
    ['nginx@sha256:ffff', 'invalid reference format'],
    ['ubuntu@sha256:abc', 'invalid reference format'],
    ['node:8.9.0@sha256:abcdef', 'invalid reference format'],
    [`ubuntu:22.04@sha256:${D2.toUpperCase()}`, 'invalid checksum digest format'],
    [`alpine:${'a'.repeat(129)}`, 'invalid reference format'],
    ['a'.repeat(248), 'repository name must not be more than 255 characters'],
    [`myorg/${'a'.repeat(250)}`, 'repository name must not be more than 255 characters'],
    ['foo-/bar', 'invalid reference format'],
    ['a..b/c', 'invalid reference format'],
  ])('rejects %s: %s', (input, error) => {
    expect(errorOf(input)).toBe(error);
  });

  it('keeps the port of a registry and the familiar form of a foreign registry', () => {
    const ref = parsed('quay.io:1234/node:20');
    expect(ref.familiar).toBe('quay.io:1234/node:20');
    expect(ref.tag).toBe('20');
  });
});

describe('tryParseImageReference: remembered answers', () => {
  it('answers a repeated text alike, valid or not, and keeps answering past the memory bound', () => {
    const first = tryParseImageReference('node:22-bookworm-slim');
    const bad = tryParseImageReference('Ubuntu:22.04');
    // Far more distinct texts than the map holds: it is emptied and refilled, answers never change.
    for (let i = 0; i < 5000; i++) {
      expect(parsed(`registry.example.com/team/app-${i}:1.${i}`).normalized).toBe(
        `registry.example.com/team/app-${i}:1.${i}`,
      );
    }
    expect(tryParseImageReference('node:22-bookworm-slim')).toEqual(first);
    expect(tryParseImageReference('Ubuntu:22.04')).toEqual(bad);
    expect(bad.ok).toBe(false);
    expect(parsed('node:22-bookworm-slim').normalized).toBe('docker.io/library/node:22-bookworm-slim');
  });

  it('gives every reference the same keys, tag and digest included when absent', () => {
    for (const text of ['alpine', 'alpine:3', `alpine@sha256:${D1}`, `alpine:3@sha256:${D1}`]) {
      expect(Object.keys(parsed(text))).toEqual([
        'registry',
        'repository',
        'tag',
        'digest',
        'name',
        'normalized',
        'familiar',
      ]);
    }
    expect(JSON.stringify(parsed('alpine'))).not.toContain('tag');
  });
});

describe('parseImageReference', () => {
  it('returns the reference for valid text', () => {
    expect(parseImageReference('ghcr.io/acme/backstage:1.2.3')).toEqual({
      registry: 'ghcr.io',
      repository: 'acme/backstage',
      tag: '1.2.3',
      name: 'ghcr.io/acme/backstage',
      normalized: 'ghcr.io/acme/backstage:1.2.3',
      familiar: 'ghcr.io/acme/backstage:1.2.3',
    });
  });

  it('throws InvalidImageReferenceError naming the input and the reason', () => {
    let caught: unknown;
    try {
      parseImageReference('Ubuntu:22.04');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidImageReferenceError);
    expect((caught as InvalidImageReferenceError).input).toBe('Ubuntu:22.04');
    expect((caught as Error).message).toBe(
      'invalid image reference "Ubuntu:22.04": invalid reference format: repository name (library/Ubuntu) must be lowercase',
    );
  });
});

describe('referenceKey', () => {
  it.each([
    ['python:3.12-slim', 'docker.io/library/python:3.12-slim'],
    ['docker.io/library/python:3.12-slim', 'docker.io/library/python:3.12-slim'],
    ['index.docker.io/library/python:3.12-slim', 'docker.io/library/python:3.12-slim'],
    ['node', 'docker.io/library/node:latest'],
    ['gcr.io/distroless/python3-debian12', 'gcr.io/distroless/python3-debian12:latest'],
    [`node@sha256:${D3}`, `docker.io/library/node@sha256:${D3}`],
    [`node:22@sha256:${D3}`, `docker.io/library/node:22@sha256:${D3}`],
  ])('identifies %s as %s', (input, key) => {
    expect(referenceKey(parsed(input))).toBe(key);
  });
});

describe('baseImageStateName', () => {
  it.each([
    ['node:22-bookworm-slim', 'node-22-bookworm-slim'],
    ['python:3.12-slim', 'python-3.12-slim'],
    ['docker.io/library/python:3.12-slim', 'python-3.12-slim'],
    ['gcr.io/distroless/python3-debian12', 'distroless-python3-debian12-latest'],
    ['ubuntu', 'ubuntu-latest'],
    ['acme/base:1.0', 'acme-base-1.0'],
    ['ghcr.io/acme/tools/builder:2024.01', 'acme-tools-builder-2024.01'],
    ['library/foo/bar:1', 'library-foo-bar-1'],
    [`node@sha256:${D3}`, 'node-sha256-e6693c20186f'],
    [`node:22@sha256:${D3}`, 'node-22-sha256-e6693c20186f'],
  ])('names %s %s (the old tool’s rule)', (input, name) => {
    expect(baseImageStateName(parsed(input))).toBe(name);
  });

  it('adds a stable hash suffix when the name had to be changed (uppercase or _ in a tag)', () => {
    const upper = baseImageStateName(parsed('ubuntu:Latest'));
    const lower = baseImageStateName(parsed('ubuntu:latest'));
    expect(lower).toBe('ubuntu-latest');
    expect(upper).toMatch(/^ubuntu-latest-[0-9a-f]{8}$/);
    expect(baseImageStateName(parsed('ubuntu:Latest'))).toBe(upper);
    expect(baseImageStateName(parsed('foo_bar/baz:1_2'))).toMatch(/^foo-bar-baz-1-2-[0-9a-f]{8}$/);
  });

  it('shortens long names to 63 characters with a stable hash suffix', () => {
    const ref = parsed(`ghcr.io/acme/${'very-long-component-'.repeat(5)}x:1.0`);
    const name = baseImageStateName(ref);
    expect(name.length).toBeLessThanOrEqual(BASE_IMAGE_NAME_MAX_LENGTH);
    expect(name).toMatch(/^acme-very-long-component-very-long-component-very-long-[0-9a-f]{8}$/);
    expect(baseImageStateName(ref)).toBe(name);
  });

  it('never collides with a name already used by another image', () => {
    const taken = new Set(['acme-base-1']);
    const name = baseImageStateName(parsed('ghcr.io/acme/base:1'), (n) => taken.has(n));
    expect(name).toMatch(/^acme-base-1-[0-9a-f]{8}$/);
    expect(baseImageStateName(parsed('docker.io/acme/base:1'), (n) => taken.has(n))).not.toBe(name);
  });

  it.each([
    'node:22-bookworm-slim',
    'ubuntu:Latest',
    'foo---bar/x:1.-_x',
    `a/${'b'.repeat(200)}:v`,
    'localhost:5000/a_b/c__d:T.E.S.T',
  ])('produces a valid Kubernetes name for %s', (input) => {
    const name = baseImageStateName(parsed(input));
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);
  });
});
