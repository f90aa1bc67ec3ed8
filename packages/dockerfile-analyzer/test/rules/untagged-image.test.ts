import { describe, expect, it } from 'vitest';
import { analyze, D1 } from '../helpers.js';

const found = (text: string) => analyze(text).problems.map((p) => `${p.line}:${p.code}:${p.message}`);

describe('UntaggedImage', () => {
  it('warns for an image without tag or digest, once per image', () => {
    expect(found('FROM ubuntu AS a\nFROM ubuntu AS b\nCOPY --from=ubuntu /a /b\n')).toEqual([
      "1:UntaggedImage:Image 'ubuntu' has no tag or digest; BuildKit pulls docker.io/library/ubuntu:latest",
    ]);
  });

  it.each([
    ['a version tag', 'FROM ubuntu:24.04\n'],
    ['a digest', `FROM ubuntu@${D1}\n`],
    ['scratch', 'FROM scratch\n'],
    ['a stage', 'FROM ubuntu:24.04 AS base\nFROM base\n'],
  ])('is silent for %s', (_name, text) => {
    expect(found(text)).toEqual([]);
  });

  it('also checks COPY --from and mount images', () => {
    expect(
      found('FROM scratch\nCOPY --from=busybox /a /b\nRUN --mount=from=tools,target=/t true\n').map((f) =>
        f.split(':').slice(0, 2).join(':'),
      ),
    ).toEqual(['2:UntaggedImage', '3:UntaggedImage']);
  });
});
