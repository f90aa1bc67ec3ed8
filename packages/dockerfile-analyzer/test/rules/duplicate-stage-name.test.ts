import { describe, expect, it } from 'vitest';
import { codes } from '../helpers.js';

describe('DuplicateStageName', () => {
  it.each([
    ['same name twice', 'FROM alpine:3 AS builder\nFROM busybox:1 AS builder\n', ['2:DuplicateStageName']],
    [
      'same name in another case',
      'FROM alpine:3 AS builder\nFROM busybox:1 AS Builder\n',
      ['2:StageNameCasing', '2:DuplicateStageName'],
    ],
    [
      'three times',
      'FROM a:1 AS x\nFROM b:1 AS x\nFROM c:1 AS x\n',
      ['2:DuplicateStageName', '3:DuplicateStageName'],
    ],
    ['distinct names', 'FROM alpine:3 AS builder\nFROM busybox:1 AS runtime\n', []],
  ])('%s', (_name, text, expected) => {
    expect(codes(text)).toEqual(expected);
  });
});
