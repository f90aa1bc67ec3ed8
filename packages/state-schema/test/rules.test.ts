import { describe, expect, it } from 'vitest';
import { allowTagsProblem, findCycles, looksDoubled, undoubleBackslashes } from '../src/rules.js';
import { isRelativeInsidePath, isValidBranchName } from '../src/schema/fields.js';

describe('allowTagsProblem', () => {
  it.each(['^3\\.12-slim$', '^v?\\d+\\.\\d+\\.\\d+$', '(?i)^latest$', '.*'])('accepts %s', (pattern) => {
    expect(allowTagsProblem(pattern)).toBeUndefined();
  });

  it('rejects a regex that does not compile, saying why', () => {
    expect(allowTagsProblem('^3\\.12-slim($')?.message).toBe(
      'is not a valid regular expression (Unterminated group)',
    );
  });

  it.each([
    ['^(?!rc).*$', 'uses a lookaround, which Kargo (Go regular expressions) does not support'],
    ['^(?<=a)b$', 'uses a lookaround, which Kargo (Go regular expressions) does not support'],
    ['^(a)\\1$', 'uses a backreference, which Kargo (Go regular expressions) does not support'],
  ])('rejects %s, which Go cannot compile', (pattern, message) => {
    expect(allowTagsProblem(pattern)?.message).toBe(message);
  });
});

describe('doubled backslashes of the old tool', () => {
  it('halves them so the regex selects the tag it was written for', () => {
    const written = '^3\\\\.12-slim$';
    expect(new RegExp(written).test('3.12-slim')).toBe(false);
    const fixed = undoubleBackslashes(written);
    expect(fixed).toBe('^3\\.12-slim$');
    expect(new RegExp(fixed).test('3.12-slim')).toBe(true);
    expect(new RegExp(fixed).test('3112-slim')).toBe(false);
  });

  it('detects doubled backslashes in patterns not from old files', () => {
    expect(looksDoubled('^3\\\\.12$')).toBe(true);
    expect(looksDoubled('^\\\\d+$')).toBe(true);
    expect(looksDoubled('^3\\.12$')).toBe(false);
  });
});

describe('findCycles', () => {
  it('finds each cycle once, starting at its smallest name', () => {
    const graph = new Map([
      ['b', ['c']],
      ['c', ['a']],
      ['a', ['b']],
      ['d', ['d']],
      ['e', ['a']],
    ]);
    expect(findCycles(graph)).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('finds none in a DAG and ignores edges to unknown nodes', () => {
    expect(
      findCycles(
        new Map([
          ['a', ['b', 'x']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('walks a 20,000-deep chain without overflowing the stack (security: hostile cascades)', () => {
    const depth = 20_000;
    const name = (i: number) => `i${String(i).padStart(5, '0')}`;
    const chain = new Map(
      Array.from({ length: depth }, (_, i) => [name(i), i + 1 < depth ? [name(i + 1)] : []]),
    );
    expect(findCycles(chain)).toEqual([]);
    const ring = new Map(Array.from({ length: depth }, (_, i) => [name(i), [name((i + 1) % depth)]]));
    const cycles = findCycles(ring);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]?.length).toBe(depth);
    expect(cycles[0]?.[0]).toBe(name(0));
  });
});

describe('isValidBranchName (git check-ref-format --branch)', () => {
  it.each(['main', 'release/2.x', 'feature/ABC-123', 'v1.0', 'a@b'])('accepts %s', (name) => {
    expect(isValidBranchName(name)).toBe(true);
  });
  it.each([
    '',
    '-x',
    'a..b',
    'a b',
    'a~1',
    'a^',
    'a:b',
    'a?',
    'a*',
    'a[',
    'a\\b',
    'a@{1}',
    '/a',
    'a/',
    'a.',
    'a//b',
    '.a',
    'a/.b',
    'a.lock',
    '@',
  ])('rejects %j', (name) => {
    expect(isValidBranchName(name)).toBe(false);
  });
});

describe('isRelativeInsidePath', () => {
  it.each(['Dockerfile', 'a/b/Dockerfile', './Dockerfile', 'a/./b', '..a/b', 'a/b..'])(
    'accepts %s',
    (path) => {
      expect(isRelativeInsidePath(path)).toBe(true);
    },
  );
  it.each(['', '/etc/passwd', '../x', 'a/../../x', 'a/..', 'C:/x', 'a\\b'])('rejects %j', (path) => {
    expect(isRelativeInsidePath(path)).toBe(false);
  });
});
