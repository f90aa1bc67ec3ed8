import { describe, expect, it } from 'vitest';
import { codes } from '../helpers.js';

describe('ReservedStageName', () => {
  it.each([
    ['scratch', 'FROM alpine:3 AS scratch\n', ['1:ReservedStageName']],
    ['context', 'FROM alpine:3 AS context\n', ['1:ReservedStageName']],
    [
      'Scratch (lowercased first)',
      'FROM alpine:3 AS Scratch\n',
      ['1:StageNameCasing', '1:ReservedStageName'],
    ],
    ['an ordinary name', 'FROM alpine:3 AS scratchpad\n', []],
  ])('%s', (_name, text, expected) => {
    expect(codes(text)).toEqual(expected);
  });
});
