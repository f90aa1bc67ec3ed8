import { describe, expect, it } from 'vitest';
import { trimLeftSpace, trimSpace } from '../src/chars.js';

// Go's strings.TrimSpace / TrimLeftFunc(unicode.IsSpace): ASCII blanks, NEL, NBSP and the Unicode
// spaces count; other characters (astral ones included) are kept.
describe('trimSpace', () => {
  it.each([
    ['', ''],
    [' ', ''],
    ['a', 'a'],
    ['FROM x', 'FROM x'],
    [' \t a b \r\n', 'a b'],
    ['\u00a0a\u3000', 'a'],
    ['\u0085x\u2028', 'x'],
    ['\u{1F600} ', '\u{1F600}'],
    [' \u{1F600}', '\u{1F600}'],
  ])('%j', (input, expected) => {
    expect(trimSpace(input)).toBe(expected);
  });
});

describe('trimLeftSpace', () => {
  it.each([
    ['', ''],
    ['  a ', 'a '],
    ['a ', 'a '],
    ['\u00a0\u{1F600}', '\u{1F600}'],
  ])('%j', (input, expected) => {
    expect(trimLeftSpace(input)).toBe(expected);
  });
});
