import { describe, expect, it } from 'vitest';
import { analyze } from '../helpers.js';

const lines = (text: string, buildArgs?: Record<string, string>) =>
  analyze(text, { buildArgs })
    .problems.filter((p) => p.code === 'InvalidDefaultArgInFrom')
    .map((p) => p.line);

describe('InvalidDefaultArgInFrom', () => {
  it.each([
    ['an ARG without default as tag', 'ARG VERSION\nFROM busybox:$VERSION\n'],
    ['an ARG without default as image', 'ARG IMAGE\nFROM $IMAGE\n'],
    ['a default that breaks the reference', 'ARG SFX="box:"\nFROM busy${SFX}\n'],
    ['an uppercase default', 'ARG IMAGE=Alpine\nFROM $IMAGE\n'],
  ])('warns for %s (docs examples)', (_name, text) => {
    expect(lines(text)).toEqual([2]);
  });

  it('warns even when a build arg makes this build valid (defaults must work alone)', () => {
    expect(lines('ARG IMAGE\nFROM $IMAGE\n', { IMAGE: 'alpine:3' })).toEqual([2]);
    expect(analyze('ARG IMAGE\nFROM $IMAGE\n', { buildArgs: { IMAGE: 'alpine:3' } }).images).toHaveLength(1);
  });

  it.each([
    ['a valid default', 'ARG VERSION="latest"\nFROM busybox:$VERSION\n'],
    ['an empty suffix', 'ARG BUSYBOX_VARIANT=""\nFROM busybox:stable${BUSYBOX_VARIANT}\n'],
    ['an unset suffix', 'ARG BUSYBOX_VARIANT\nFROM busybox:stable${BUSYBOX_VARIANT}\n'],
    ['a ${TAG:-default}', 'ARG TAG\nFROM alpine:${TAG:-3.14}\n'],
    ['a literal invalid image (an InvalidReference error instead)', 'FROM Alpine\n'],
    [
      'a stage reference built from an automatic arg',
      'FROM alpine:3 AS build_amd64\nFROM build_${TARGETARCH}\n',
    ],
  ])('is silent for %s', (_name, text) => {
    expect(lines(text)).toEqual([]);
  });
});
