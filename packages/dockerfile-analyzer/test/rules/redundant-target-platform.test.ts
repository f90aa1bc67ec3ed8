import { describe, expect, it } from 'vitest';
import { codes } from '../helpers.js';

describe('RedundantTargetPlatform', () => {
  it.each([
    [
      '$TARGETPLATFORM',
      'FROM --platform=$TARGETPLATFORM alpine:3 AS builder\n',
      ['1:RedundantTargetPlatform'],
    ],
    ['${TARGETPLATFORM}', 'FROM --platform=${TARGETPLATFORM} alpine:3\n', ['1:RedundantTargetPlatform']],
    ['$BUILDPLATFORM', 'FROM --platform=$BUILDPLATFORM alpine:3\n', []],
    ['a constant', 'FROM --platform=linux/amd64 alpine:3\n', []],
  ])('%s', (_name, text, expected) => {
    expect(codes(text)).toEqual(expected);
  });
});
