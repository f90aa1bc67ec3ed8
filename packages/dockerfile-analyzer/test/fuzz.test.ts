// Property tests: whatever the input, analyzeDockerfile returns a well-formed result and never throws.

import { readdirSync, readFileSync } from 'node:fs';
import { tryParseImageReference } from '@image-factory/state-schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AnalyzeOptions,
  analyzeDockerfile,
  type DockerfileAnalysis,
  PROBLEM_CODES,
} from '../src/index.js';

const FIXTURES = readdirSync(new URL('./fixtures/', import.meta.url))
  .filter((name) => name.endsWith('.Dockerfile'))
  .map((name) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

const SNIPPETS = [
  'FROM alpine:3.19 AS base\nCOPY --from=base /a /b\n',
  'ARG V=1\nARG W=${V:-x}\nFROM img:${W}-${TARGETARCH}\n',
  '# escape=`\nFROM a `\n  AS b\nRUN dir C:\\\n',
  'FROM a\nRUN <<EOF\nFROM b\nEOF\nONBUILD COPY --from=c:1 /x /y\n',
  'FROM --platform=$BUILDPLATFORM g:1 AS b\nRUN --mount=type=bind,from=b,target=/x --mount="type=cache,from=t:1,target=/y" true\n',
  '# syntax=docker/dockerfile:1\n# check=skip=all\nFROM "q":\'1\'\n',
];

/** Characters that exercise every lexer path. */
const SPECIAL = [
  '\\',
  '`',
  '$',
  '{',
  '}',
  ':',
  '-',
  '+',
  '?',
  '#',
  '%',
  '/',
  '"',
  "'",
  '<<',
  '<<-',
  '\n',
  '\r\n',
  '\r',
  ' ',
  '\t',
  '=',
  ',',
  '--',
  '@',
  '\uFEFF',
  '\u0000',
  'é',
  '\u{1F600}',
  '\uD800',
  'AS',
  'FROM ',
  'ARG ',
  'COPY --from=',
  'RUN --mount=',
  'ONBUILD ',
  'EOF',
  '0',
  'scratch',
];

const CODES = new Set(Object.keys(PROBLEM_CODES));

/** The invariants of every result; plain checks (vitest's expect is too slow for thousands of runs). */
function check(result: DockerfileAnalysis, text: string): void {
  const lineCount = text.split('\n').length;
  const fail = (what: string) => {
    throw new Error(`${what}\ninput: ${JSON.stringify(text)}\nresult: ${JSON.stringify(result)}`);
  };
  for (const image of result.images) {
    if (!tryParseImageReference(image.reference).ok) fail(`invalid reference ${image.reference}`);
    if (!image.reference.startsWith(image.name)) fail('reference does not start with name');
    if (!image.lines.includes(image.line)) fail('line not in lines');
    if (image.lines.some((line, i) => i > 0 && line <= (image.lines[i - 1] ?? 0)))
      fail('lines not sorted and unique');
    if (image.line < 1 || image.line > lineCount) fail(`image line ${image.line} out of range`);
    if (!['from', 'copy', 'mount'].includes(image.source)) fail('bad source');
    if (!result.stages[image.stageIndex]) fail('image of an unknown stage');
  }
  for (const problem of result.problems) {
    if (!Number.isInteger(problem.line) || problem.line < 0 || problem.line > lineCount) fail('problem line');
    if (!CODES.has(problem.code)) fail(`unknown code ${problem.code}`);
    if (problem.severity !== 'error' && problem.severity !== 'warning') fail('bad severity');
    if (problem.message === '') fail('empty message');
    if (problem.code === 'InternalError') fail('internal error');
  }
  if (result.problems.length > 201) fail('too many problems');
  JSON.stringify(result);
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...SPECIAL) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 40 }),
  }),
);

interface Mutation {
  readonly kind: 'insert' | 'delete' | 'duplicate';
  readonly at: number;
  readonly text?: string;
  readonly length?: number;
}

function mutate(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.kind === 'insert') out = out.slice(0, at) + (m.text ?? '') + out.slice(at);
    else if (m.kind === 'delete') out = out.slice(0, at) + out.slice(at + (m.length ?? 1));
    else out = out.slice(0, at) + out.slice(at, at + (m.length ?? 1)) + out.slice(at);
  }
  return out;
}

const options: fc.Arbitrary<AnalyzeOptions> = fc.record(
  {
    buildArgs: fc.dictionary(
      fc.constantFrom('V', 'W', 'TARGETARCH', 'BASE', 'X'),
      fc.string({ maxLength: 12 }),
    ),
    target: fc.constantFrom('base', 'b', 'nope', ''),
    platform: fc.constantFrom('linux/amd64', 'linux/arm64', 'linux/arm/v7', 'windows', 'bogus//x'),
  },
  { requiredKeys: [] },
);

describe('analyzeDockerfile never throws', () => {
  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        check(analyzeDockerfile(text), text);
      }),
      { numRuns: 400, seed: 20240601 },
    );
  });

  it('on strings built from Dockerfile tokens', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...SPECIAL, 'alpine', 'x', '1', 'V'), { maxLength: 80 }),
        options,
        (parts, opts) => {
          const text = parts.join('');
          check(analyzeDockerfile(text, opts), text);
        },
      ),
      { numRuns: 600, seed: 7 },
    );
  });

  it('on mutated Dockerfiles', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FIXTURES, ...SNIPPETS),
        fc.array(mutation, { minLength: 1, maxLength: 12 }),
        options,
        (text, mutations, opts) => {
          const mutated = mutate(text, mutations);
          const first = analyzeDockerfile(mutated, opts);
          check(first, mutated);
          expect(analyzeDockerfile(mutated, opts)).toEqual(first);
        },
      ),
      { numRuns: 600, seed: 42 },
    );
  });

  it('on random bytes decoded as UTF-8', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const text = new TextDecoder().decode(bytes);
        check(analyzeDockerfile(text), text);
      }),
      { numRuns: 300, seed: 3 },
    );
  });

  it('on 1 MB of garbage', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const alphabet = 'FROMARGCOPYRUN $\\{}"\'#\n\t:=-<>@/abcxyz0189';
    let text = '';
    while (text.length < 1_000_000) text += alphabet[random() % alphabet.length];
    const result = analyzeDockerfile(text);
    check(result, text);
    expect(result.problems.some((p) => p.severity === 'error')).toBe(true);
  });

  it('on one 1 MB line (BuildKit’s line limit)', () => {
    const text = `FROM ${'a'.repeat(1_000_000)}`;
    expect(analyzeDockerfile(text).problems.map((p) => p.code)).toEqual(['LineTooLong']);
  });
});
