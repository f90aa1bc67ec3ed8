import { describe, expect, it } from 'vitest';
import { analyze } from '../helpers.js';

const messages = (text: string) =>
  analyze(text)
    .problems.filter((p) => p.code === 'FromAsCasing')
    .map((p) => `${p.line}:${p.message}`);

describe('FromAsCasing', () => {
  it.each([
    ['FROM with as', 'FROM debian:12 as builder\n', ["1:'as' and 'FROM' keywords' casing do not match"]],
    ['from with AS', 'from debian:12 AS builder\n', ["1:'AS' and 'from' keywords' casing do not match"]],
    ['FROM with As', 'FROM debian:12 As builder\n', ["1:'As' and 'FROM' keywords' casing do not match"]],
  ])('warns for %s', (_name, text, expected) => {
    expect(messages(text)).toEqual(expected);
  });

  it.each([
    ['FROM ... AS', 'FROM debian:12 AS builder\n'],
    ['from ... as', 'from debian:12 as deb-builder\n'],
    ['mixed-case From (not self-consistent: not checked)', 'From debian:12 as builder\n'],
    ['no stage name', 'FROM debian:12\n'],
  ])('is silent for %s', (_name, text) => {
    expect(messages(text)).toEqual([]);
  });
});
