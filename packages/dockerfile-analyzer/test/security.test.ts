// Hostile Dockerfiles (issue "Security and robustness", item 5): Dockerfiles come from repositories
// the platform team does not own. Expansion and pattern matching are bounded, a limit is reported
// once, and every message stays short. Memory of the built CLI on these files is measured in
// apps/analyzer-cli/test/security.test.ts.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH } from '../src/evaluate/model.js';
import { analyzeDockerfile, type DockerfileAnalysis } from '../src/index.js';
import { type Env, ExpansionLimitError, lexWord, MAX_WORD_LENGTH } from '../src/shell/lex.js';
import { replaceAll, replaceFirst, trimPrefix, trimSuffix } from '../src/shell/pattern.js';

/** `ARG A0=xx`, then `ARG Ai=${A(i-1)}${A(i-1)}` up to `last`, then `FROM alpine:${A<last>}`. */
function doubling(last: number): string {
  let text = 'ARG A0=xx\n';
  for (let i = 1; i <= last; i++) text += `ARG A${i}=\${A${i - 1}}\${A${i - 1}}\n`;
  return `${text}FROM alpine:\${A${last}}\n`;
}

function summary(result: DockerfileAnalysis): string[] {
  return result.problems.map((problem) => `${problem.line}:${problem.code}: ${problem.message}`);
}

describe('security', () => {
  describe('expansion is bounded (a 546-byte file expanded to 268 million characters)', () => {
    it('reports the 546-byte doubling file once, at the ARG that crosses the limit', () => {
      const text = doubling(26);
      expect(Buffer.byteLength(text)).toBe(546);
      const result = analyzeDockerfile(text);
      // A15 is the first ARG over 65,535 characters (2 * 2^15); everything using it is unresolved.
      expect(summary(result)).toEqual([
        '16:ExpansionTooLarge: ARG A15: expands to more than 65,535 characters',
      ]);
      expect(result.problems[0]?.hint).toMatch(/do ARGs repeat each other/);
      expect(result.images).toEqual([]);
      expect(result.stages.map((stage) => stage.base)).toEqual([
        { kind: 'unresolved', raw: 'alpine:${A26}' },
      ]);
      expect(JSON.stringify(result).length).toBeLessThan(2000);
    });

    it('reports the variant that ended in "Invalid string length" the same way', () => {
      const result = analyzeDockerfile(doubling(30));
      expect(summary(result)).toEqual([
        '16:ExpansionTooLarge: ARG A15: expands to more than 65,535 characters',
      ]);
    });

    it('bounds growth in FROM itself, in defaults and through ${V//pattern/replacement}', () => {
      const a = 'a'.repeat(40_000);
      expect(summary(analyzeDockerfile(`ARG A=${a}\nFROM x:\${A}\${A}\n`))).toEqual([
        '2:ExpansionTooLarge: FROM: expands to more than 65,535 characters',
      ]);
      expect(summary(analyzeDockerfile(`ARG A=${a}\nARG B=\${C:-$A$A}\nFROM x:$B\n`))).toEqual([
        '2:ExpansionTooLarge: ARG B: expands to more than 65,535 characters',
      ]);
      expect(summary(analyzeDockerfile(`ARG A=${'b'.repeat(300)}\nFROM x:\${A//?/$A}\n`))).toEqual([
        '2:ExpansionTooLarge: FROM: expands to more than 65,535 characters',
      ]);
    });

    it('bounds the expansions of a whole file: 100 ARGs of 60,000 characters each are reported once', () => {
      let text = `ARG A0=${'v'.repeat(60_000)}\n`;
      for (let i = 1; i < 100; i++) text += `ARG A${i}=\${A${i - 1}}${i % 10}\n`;
      text += 'FROM alpine:3.20\nFROM x:${A99}\n';
      const result = analyzeDockerfile(text);
      // 4 Mi characters are spent after 69 ARGs of about 60,000 characters each.
      expect(summary(result)).toEqual([
        '71:ExpansionTooLarge: ARG A70: the expansions of this Dockerfile exceed 4,194,304 characters in total',
      ]);
      expect(result.images.map((image) => image.reference)).toEqual(['docker.io/library/alpine:3.20']);
    });

    it('the lexer stops at the limit and never holds a longer word', () => {
      const env: Env = { get: (name) => (name === 'A' ? 'x'.repeat(MAX_WORD_LENGTH) : undefined) };
      expect(lexWord('$A', env, { escape: '\\' }).value).toHaveLength(MAX_WORD_LENGTH);
      expect(() => lexWord('$A.', env, { escape: '\\' })).toThrow(ExpansionLimitError);
      expect(() => lexWord('"$A$A"', env, { escape: '\\' })).toThrow(ExpansionLimitError);
    });
  });

  describe('messages are bounded', () => {
    it('quotes at most 120 characters of a value, and says how long it was', () => {
      const long = `x:${'A'.repeat(60_000)}`;
      const result = analyzeDockerfile(`ARG V=${long}\nFROM $V\n`);
      const problem = result.problems.find(({ code }) => code === 'InvalidReference');
      expect(problem?.message).toBe(
        `failed to parse stage name "${long.slice(0, 120)}... (60,002 characters)": invalid reference format`,
      );
    });

    it(`keeps every message and hint under ${MAX_MESSAGE_LENGTH} characters, whatever the input`, () => {
      const word = 'Q'.repeat(60_000);
      const texts = [
        `${word} x\nFROM a\n`,
        `FROM a AS ${word}\n`,
        `FROM --platform=${word} a\n`,
        `FROM --${word}=1 a\n`,
        `FROM a b c d ${word}\n`,
        `FROM a\nCOPY --from=${word}:1 /a /b\n`,
        `FROM a\nRUN --mount=type=${word} true\n`,
        `ARG ${word}=\${x:?${word}}\nFROM a\n`,
        `FROM a:\${${word}}\n`,
      ];
      for (const text of texts) {
        const result = analyzeDockerfile(text);
        expect(result.problems.length, text.slice(0, 40)).toBeGreaterThan(0);
        for (const problem of result.problems) {
          expect(problem.message.length, problem.code).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH + 3);
          expect((problem.hint ?? '').length, problem.code).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH + 3);
        }
      }
    });
  });

  describe('pattern matching takes linear time (a backtracking RegExp never finished)', () => {
    const stars = '*a'.repeat(12);

    it.each([
      ['${V#...}', `\${V#${stars}*b}`],
      ['${V%%...}', `\${V%%${stars}*b}`],
      ['${V/...}', `\${V/${stars}*b/c}`],
      ['${V//...}', `\${V//${stars}*b/c}`],
    ])('%s with 12 stars on 60,000 characters', (_name, expression) => {
      const result = analyzeDockerfile(`ARG V=${'a'.repeat(60_000)}\nFROM x:${expression}\n`);
      // No match: the value is left as it was (and is an invalid reference, cut in the message).
      expect(result.problems[0]?.code).toBe('InvalidReference');
    });

    it('bounds the total work of patterns in one file', () => {
      const lines = [`ARG V=${'a'.repeat(60_000)}`];
      // Every ARG matches all of V (nothing left, so no characters are spent), advancing about 42
      // threads per character: 2.5 million steps each, so the seventh crosses the limit.
      for (let i = 0; i < 300; i++) lines.push(`ARG W${i}=\${V##*a${'?'.repeat(40)}}`);
      const result = analyzeDockerfile(`${lines.join('\n')}\nFROM alpine:3.20\n`);
      expect(result.problems.map((problem) => `${problem.line}:${problem.code}`)).toEqual([
        '8:ExpansionTooLarge',
      ]);
      expect(result.problems[0]?.message).toMatch(/takes more than 16,777,216 steps/);
    });

    // The patterns matched as BuildKit matches them: Go's regexp with convertShellPatternToRegex
    // (`*` -> `.*?` or `.*`, `?` -> `.`, where `.` is any character but a newline). A regular
    // expression written that way is the oracle on inputs small enough to backtrack through.
    function oracle(pattern: string, greedy: boolean, anchored: boolean): RegExp {
      let out = anchored ? '^' : '';
      const chars = Array.from(pattern);
      for (let i = 0; i < chars.length; i++) {
        const c = chars[i] ?? '';
        if (c === '*') out += greedy ? '[^\\n]*' : '[^\\n]*?';
        else if (c === '?') out += '[^\\n]';
        else if (c === '\\') out += `\\${chars[++i] ?? ''}`;
        else out += c.replace(/[.+()|^$[\]{}]/g, '\\$&');
      }
      return new RegExp(out, 'gu');
    }
    const alphabet = fc.constantFrom('a', 'b', '.', '\n', 'é', '\u{1F600}');
    const patternPart = fc.constantFrom('a', 'b', '*', '?', '\\*', '.', '\n', '\u{1F600}');
    const value = fc.array(alphabet, { maxLength: 12 }).map((parts) => parts.join(''));
    const pattern = fc.array(patternPart, { maxLength: 6 }).map((parts) => parts.join(''));

    it('trims prefixes and suffixes exactly as the regular expression does', () => {
      fc.assert(
        fc.property(pattern, value, fc.boolean(), (p, v, greedy) => {
          const match = oracle(p, greedy, true).exec(v);
          expect(trimPrefix(p, v, greedy)).toBe(match ? v.slice(match[0].length) : v);
          const reversed = (s: string) => Array.from(s).reverse().join('');
          const reversedPattern = reversed(p).replace(/\*\\/g, '\\*');
          const suffix = oracle(reversedPattern, greedy, true).exec(reversed(v));
          expect(trimSuffix(p, v, greedy)).toBe(suffix ? reversed(reversed(v).slice(suffix[0].length)) : v);
        }),
        { numRuns: 3000 },
      );
    });

    it('replaces like Go: first match, and every match with empty matches after a match skipped', () => {
      fc.assert(
        fc.property(pattern, value, (p, v) => {
          const regex = oracle(p, true, false);
          const first = new RegExp(regex.source, 'u').exec(v);
          expect(replaceFirst(p, v, 'R')).toBe(
            first ? `${v.slice(0, first.index)}R${v.slice(first.index + first[0].length)}` : v,
          );
          let expected = '';
          let copied = 0;
          let previousEnd = -1;
          for (let pos = 0; pos <= v.length; ) {
            regex.lastIndex = pos;
            const m = regex.exec(v);
            if (!m) break;
            const end = m.index + m[0].length;
            if (end === m.index) {
              const cp = v.codePointAt(end);
              pos = end + (cp !== undefined && cp > 0xffff ? 2 : 1);
            } else pos = end;
            if (!(end === m.index && m.index === previousEnd)) {
              expected += `${v.slice(copied, m.index)}<${m[0]}>`;
              copied = end;
            }
            previousEnd = end;
          }
          expect(replaceAll(p, v, '<$0>')).toBe(expected + v.slice(copied));
        }),
        { numRuns: 3000 },
      );
    });
  });
});
