import { describe, expect, it } from 'vitest';
import { type Env, lexWord, ShellSyntaxError } from '../src/shell/lex.js';

const env = (vars: Record<string, string>): Env => ({ get: (name) => vars[name] });
const lex = (word: string, vars: Record<string, string> = {}, escapeToken = '\\') =>
  lexWord(word, env(vars), { escape: escapeToken }).value;

describe('shell word processing (BuildKit shell/lex.go)', () => {
  it.each([
    ['plain', 'abc', {}, 'abc'],
    ['$V', 'a$V', { V: 'x' }, 'ax'],
    ['$V followed by non-name', '$V.txt', { V: 'x' }, 'x.txt'],
    ['$ alone', 'a$', {}, 'a$'],
    ['$ before a non-name', 'a$/b', {}, 'a$/b'],
    ['$1 reads digits only', '$1abc', {}, 'abc'],
    ['unicode names', '$ÄB', { ÄB: 'ok' }, 'ok'],
    ['${V}', '${V}', { V: 'x' }, 'x'],
    ['unset', 'a${V}b', {}, 'ab'],
    ['${V:-w} unset', '${V:-w}', {}, 'w'],
    ['${V:-w} empty', '${V:-w}', { V: '' }, 'w'],
    ['${V-w} empty', '${V-w}', { V: '' }, ''],
    ['${V:+w} set', '${V:+w}', { V: 'x' }, 'w'],
    ['${V+w} empty', '${V+w}', { V: '' }, 'w'],
    ['${V#p} shortest', '${V#*/}', { V: 'a/b/c' }, 'b/c'],
    ['${V##p} longest', '${V##*/}', { V: 'a/b/c' }, 'c'],
    ['${V%p} shortest', '${V%/*}', { V: 'a/b/c' }, 'a/b'],
    ['${V%%p} longest', '${V%%/*}', { V: 'a/b/c' }, 'a'],
    ['${V#p} with ?', '${V#?}', { V: 'abc' }, 'bc'],
    ['${V#p} escaped star', '${V#\\*}', { V: '*abc' }, 'abc'],
    ['${V%p} regex characters are literal', '${V%.+}', { V: 'a.+' }, 'a'],
    ['${V/p/r} first', '${V/o/0}', { V: 'foo' }, 'f0o'],
    ['${V//p/r} all', '${V//o/0}', { V: 'foo' }, 'f00'],
    ['${V//p/r} with glob', '${V//o*/X}', { V: 'foo-boo' }, 'fX'],
    ['${V//p/r} empty pattern (Go semantics)', '${V///-}', { V: 'ab' }, '-a-b-'],
    ['${V//p/r} expands variables in r first', '${V//o/[$0]}', { V: 'foo' }, 'f[][]'],
    ['${V//p/r} keeps escapes in r; $0 is the match', '${V//o/\\$0}', { V: 'foo' }, 'f\\o\\o'],
    ['nested default', '${A:-${B:-z}}', {}, 'z'],
    ['double quotes', '"a $V b"', { V: 'x' }, 'a x b'],
    ['single quotes', "'a $V b'", { V: 'x' }, 'a $V b'],
    ['escaped dollar', '\\$V', { V: 'x' }, '$V'],
    ['escaped quote in double quotes', '"a\\"b"', {}, 'a"b'],
    ['other escapes in double quotes stay', '"a\\nb"', {}, 'a\\nb'],
    ['escape at the end is dropped', 'ab\\', {}, 'ab'],
    ['backtick escape', 'a`$V', { V: 'x' }, 'a$V'],
  ])('%s', (_name, word, vars, expected) => {
    const escapeToken = _name === 'backtick escape' ? '`' : '\\';
    expect(lex(word, vars, escapeToken)).toBe(expected);
  });

  it.each([
    ['${', "syntax error: missing '}'"],
    ['${}', 'syntax error: bad substitution'],
    ['${:x}', 'syntax error: bad substitution'],
    ['${V', 'unsupported modifier () in substitution'],
    ['${V:x}', 'unsupported modifier (:x) in substitution'],
    ['${V:#x}', 'unsupported modifier (:#) in substitution'],
    ['${V.x}', 'unsupported modifier (.) in substitution'],
    ['${V:-x', "syntax error: missing '}'"],
    ['${V?}', 'V: is not allowed to be unset'],
    ['${V:?custom}', 'V: custom'],
    ['"open', 'unexpected end of statement while looking for matching double-quote'],
    ["'open", 'unexpected end of statement while looking for matching single-quote'],
    ['${V#\\x}', "invalid pattern (\\x) in substitution: invalid escape '\\x'"],
  ])('rejects %s', (word, message) => {
    expect(() => lex(word)).toThrow(ShellSyntaxError);
    expect(() => lex(word)).toThrow(message);
  });

  it('${V:?} rejects an empty value, ${V?} accepts it', () => {
    expect(() => lex('${V:?}', { V: '' })).toThrow('V: is not allowed to be empty');
    expect(lex('${V?}', { V: '' })).toBe('');
  });

  it('records matched and unmatched names, also in unused defaults', () => {
    const result = lexWord('${A:-$B}$C', env({ A: '1', C: '3' }), { escape: '\\' });
    expect(result.value).toBe('13');
    expect([...result.matched].sort()).toEqual(['A', 'C']);
    expect([...result.unmatched]).toEqual(['B']);
  });

  it('splits words with raw quotes and skipped unset variables (heredoc detection)', () => {
    const result = lexWord('RUN cat <<"EOF" $X ${Y:-z} > out', env({}), {
      escape: '\\',
      rawQuotes: true,
      rawEscapes: true,
      skipUnsetEnv: true,
      words: true,
    });
    expect(result.words).toEqual(['RUN', 'cat', '<<"EOF"', '$X', '${Y:-z}', '>', 'out']);
  });

  it("splits words on Go's unicode.IsSpace, keeping characters outside the BMP whole", () => {
    const words = (word: string, vars: Record<string, string> = {}) =>
      lexWord(word, env(vars), { escape: '\\', words: true }).words;
    // No special characters: the fast path. NBSP, U+0085, U+3000 and U+2028 are spaces in Go.
    expect(words('  a\u00a0b\u0085c\u3000\t d\u2028x\u{1F600}y  ')).toEqual([
      'a',
      'b',
      'c',
      'd',
      'x\u{1F600}y',
    ]);
    expect(words('\u{1F600}')).toEqual(['\u{1F600}']);
    expect(words(' \u00a0 ')).toEqual([]);
    // A variable's value is split the same way (the lexer's path).
    expect(words('$A', { A: 'p\u00a0q\u{1F600} r' })).toEqual(['p', 'q\u{1F600}', 'r']);
    // A lone surrogate is one character, not a space.
    expect(words('a\ud800 b')).toEqual(['a\ud800', 'b']);
  });
});
