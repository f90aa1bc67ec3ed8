import { describe, expect, it } from 'vitest';
import { analyze } from '../helpers.js';

const findings = (text: string) =>
  analyze(text)
    .problems.filter((p) => p.code === 'UndefinedArgInFrom')
    .map((p) => `${p.line}:${p.severity}:${p.message}`);

describe('UndefinedArgInFrom', () => {
  it.each([
    [
      'a misspelled automatic arg in --platform',
      'FROM --platform=$BULIDPLATFORM scratch\n',
      ["1:warning:FROM argument 'BULIDPLATFORM' is not declared (did you mean BUILDPLATFORM?)"],
    ],
    [
      'a misspelled meta ARG',
      'ARG MY_ARCH=amd64\nFROM --platform=linux/${MYARCH} busybox\n',
      ["2:warning:FROM argument 'MYARCH' is not declared (did you mean MY_ARCH?)"],
    ],
    [
      'an undeclared ARG',
      'ARG tag=latest\nFROM busybox:${tag}${version} AS b\n',
      ["2:warning:FROM argument 'version' is not declared"],
    ],
    [
      'docs example',
      'FROM node:22${VARIANT} AS jsbuilder\n',
      ["1:warning:FROM argument 'VARIANT' is not declared"],
    ],
    [
      'an ARG declared only inside a stage',
      'FROM alpine:3\nARG V=1\nFROM x:1$V\n',
      ["3:warning:FROM argument 'V' is not declared"],
    ],
    [
      'each name once, sorted',
      'FROM x:${B}${A}${B}\n',
      ["1:warning:FROM argument 'A' is not declared", "1:warning:FROM argument 'B' is not declared"],
    ],
  ])('warns for %s', (_name, text, expected) => {
    expect(findings(text)).toEqual(expected);
  });

  it.each([
    ['a declared ARG without value', 'ARG VARIANT\nFROM node:22${VARIANT}\n'],
    ['an automatic arg', 'FROM --platform=$BUILDPLATFORM node:22\n'],
    ['a declared ARG with value', 'ARG VARIANT=-alpine\nFROM node:22${VARIANT}\n'],
    ['no variables', 'FROM node:22\n'],
  ])('is silent for %s', (_name, text) => {
    expect(findings(text)).toEqual([]);
  });

  it('gives a hint when there is no near name', () => {
    const [problem] = analyze('FROM node:22${VARIANT}\n').problems;
    expect(problem?.hint).toBe(
      'declare ARG VARIANT=<default> before the first FROM (ARGs inside a stage do not reach FROM)',
    );
  });
});
