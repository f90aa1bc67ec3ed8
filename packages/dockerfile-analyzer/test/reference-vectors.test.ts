// distribution/reference normalization vectors (reference doc §3.3, §3.4) through FROM: what BuildKit
// pulls (`TagNameOnly`), or an InvalidReference error. The grammar itself lives in
// @image-factory/state-schema; this checks the analyzer uses it as BuildKit does.

import { describe, expect, it } from 'vitest';
import { analyze } from './helpers.js';

const HEX = 'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';
const SHA = `sha256:${HEX}`;

const VALID: readonly (readonly [string, string])[] = [
  ['localhost/fooo', 'localhost/fooo:latest'],
  ['localhost/fooo/bar', 'localhost/fooo/bar:latest'],
  ['LOCALDOMAIN/fooo', 'LOCALDOMAIN/fooo:latest'],
  ['fooo/bar', 'docker.io/fooo/bar:latest'],
  ['index.docker.io/fooo/bar', 'docker.io/fooo/bar:latest'],
  ['ubuntu', 'docker.io/library/ubuntu:latest'],
  ['library/ubuntu', 'docker.io/library/ubuntu:latest'],
  ['nonlibrary/ubuntu', 'docker.io/nonlibrary/ubuntu:latest'],
  ['other/library', 'docker.io/other/library:latest'],
  ['127.0.0.1:8000/private/moonbase', '127.0.0.1:8000/private/moonbase:latest'],
  ['example.com:8000/privatebasee', 'example.com:8000/privatebasee:latest'],
  ['index.docker.io/library/ubuntu-12.04-base', 'docker.io/library/ubuntu-12.04-base:latest'],
  ['docker.io/foo', 'docker.io/library/foo:latest'],
  ['library/foo/bar', 'docker.io/library/foo/bar:latest'],
  ['store/foo/bar', 'docker.io/store/foo/bar:latest'],
  ['Foo/bar', 'Foo/bar:latest'],
  ['test_com/foo', 'docker.io/test_com/foo:latest'],
  ['test-com:8080/foo', 'test-com:8080/foo:latest'],
  ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080/foo:latest'],
  [`busybox:latest@${SHA}`, `docker.io/library/busybox:latest@${SHA}`],
  [`dmcgowan/myapp@${SHA}`, `docker.io/dmcgowan/myapp@${SHA}`],
  [HEX.slice(0, 63), `docker.io/library/${HEX.slice(0, 63)}:latest`],
  ['registry-1.docker.io/library/ubuntu', 'registry-1.docker.io/library/ubuntu:latest'],
  ['myorg/my.image', 'docker.io/myorg/my.image:latest'],
  ['localhost:5000', 'docker.io/library/localhost:5000'],
  ['example.com:5000', 'docker.io/library/example.com:5000'],
  ['quay.io:1234/node', 'quay.io:1234/node:latest'],
  ['[::1]:5000/repo:tag', '[::1]:5000/repo:tag'],
  ['amd64/debian:10', 'docker.io/amd64/debian:10'],
  ['a/b/c/d/e:1', 'docker.io/a/b/c/d/e:1'],
  ['ubuntu:Latest', 'docker.io/library/ubuntu:Latest'],
  [`alpine:${'a'.repeat(128)}`, `docker.io/library/alpine:${'a'.repeat(128)}`],
  ['a'.repeat(247), `docker.io/library/${'a'.repeat(247)}:latest`],
  ['foo__bar/baz', 'docker.io/foo__bar/baz:latest'],
  ['foo---bar/baz', 'docker.io/foo---bar/baz:latest'],
  [`docker.io/${HEX}`, `docker.io/library/${HEX}:latest`],
];

const INVALID: readonly string[] = [
  'Ubuntu',
  'docker/Docker',
  '-docker',
  'docker-/docker',
  'docker///docker',
  '[fc00::1]:5000',
  'fc00::1:5000/debian',
  '[fe80::1%eth0]:5000/debian',
  HEX,
  '____/____',
  'dock..er/docker',
  'ubuntu:-foo',
  'alpine:',
  'nginx@sha256:ffff',
  'ubuntu@sha256:abc',
  `ubuntu:22.04@sha256:${HEX.toUpperCase()}`,
  `alpine:${'a'.repeat(129)}`,
  'a'.repeat(248),
  `validname@invaliddigest:${HEX}`,
  'foo-/bar',
  'a..b/c',
];

describe('reference normalization through FROM', () => {
  it.each(VALID)('%s -> %s', (input, expected) => {
    const result = analyze(`FROM ${input}\n`);
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(result.images.map((i) => i.reference)).toEqual([expected]);
  });

  it.each(INVALID)('%s is invalid', (input) => {
    const result = analyze(`FROM ${input}\n`);
    expect(result.images).toEqual([]);
    expect(result.problems.map((p) => p.code)).toEqual(['InvalidReference']);
  });

  it('build_amd64 is an image when no stage has that name, scratch never is', () => {
    expect(analyze('FROM build_amd64\n').images.map((i) => i.reference)).toEqual([
      'docker.io/library/build_amd64:latest',
    ]);
    expect(analyze('FROM scratch\n').images).toEqual([]);
  });

  it('keeps tag and digest when both are written (BuildKit pulls by digest)', () => {
    const [image] = analyze(`FROM gcr.io/library/busybox:latest@${SHA}\n`).images;
    expect(image).toMatchObject({
      registry: 'gcr.io',
      repository: 'library/busybox',
      tag: 'latest',
      digest: SHA,
    });
    expect(image?.familiar).toBe(`gcr.io/library/busybox:latest@${SHA}`);
  });
});
