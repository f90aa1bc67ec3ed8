import { describe, expect, it } from 'vitest';
import { analyze } from '../helpers.js';

const hints = (text: string, buildArgs?: Record<string, string>) =>
  analyze(text, { buildArgs })
    .problems.filter((p) => p.code === 'InvalidDefaultArgInFrom')
    .map((p) => p.hint);

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

  // Without build args for meta ARGs the rule reuses the evaluation's expansions; with them it
  // expands the defaults again. Both paths must answer alike.
  it.each([
    ['no build args', undefined],
    ['a build arg for another name', { OTHER: 'x' }],
    ['a build arg for a meta ARG', { VERSION: '1.36' }],
  ])('answers the same with %s', (_name, buildArgs) => {
    const text = 'ARG VERSION\nARG GOOD=alpine:3\nFROM busybox:$VERSION AS a\nFROM $GOOD AS b\nFROM a\n';
    expect(lines(text, buildArgs)).toEqual([3]);
  });

  it('gives up, like BuildKit, when a meta ARG default does not expand', () => {
    const text = 'ARG BAD=${X:?unset}\nARG IMAGE\nFROM $IMAGE\n';
    expect(lines(text)).toEqual([]);
    expect(lines(text, { BAD: 'ok' })).toEqual([]);
    expect(analyze(text).problems.map((p) => p.code)).toContain('ExpansionError');
  });

  it('gives up when a FROM does not expand (the ExpansionError is reported instead)', () => {
    const text = 'ARG IMAGE\nFROM ${IMAGE:?needed}\nFROM $IMAGE\n';
    expect(lines(text)).toEqual([]);
    expect(analyze(text).problems.map((p) => p.code)).toContain('ExpansionError');
  });

  // BuildKit runs this check with no build args (validateBaseImagesWithDefaultArgs), and a build arg
  // reaches only an ARG declared before the first FROM (buildMetaArgs): the hint never suggests one.
  it.each([
    [
      'an undeclared ARG',
      'FROM ${BASE_IMAGE}\n',
      'declare ARG BASE_IMAGE=<default> before the first FROM: the image must be valid with no build args (BuildKit checks the defaults alone)',
    ],
    [
      'an ARG without default',
      'ARG TAG\nFROM busybox:${TAG}\n',
      'give ARG TAG a default (ARG TAG=<value>, or ${TAG:-<value>} in FROM): the image must be valid with no build args (BuildKit checks the defaults alone)',
    ],
    [
      'a default that breaks the reference',
      'ARG SFX="box:"\nFROM busy${SFX}\n',
      'change the default of ARG SFX: the image must be valid with no build args (BuildKit checks the defaults alone)',
    ],
    [
      'one of each',
      'ARG A\nARG B="x:"\nFROM ${B}${A}${C}\n',
      'declare ARG C=<default> before the first FROM; give ARG A a default (ARG A=<value>, or ${A:-<value>} in FROM); change the default of ARG B: the image must be valid with no build args (BuildKit checks the defaults alone)',
    ],
  ])('says what makes the defaults valid for %s, never --build-arg', (_name, text, hint) => {
    expect(hints(text)).toEqual([hint]);
    expect(hints(text, { BASE_IMAGE: 'alpine:3', TAG: '1', SFX: 'box:1', A: '1' })).toEqual([hint]);
  });
});
