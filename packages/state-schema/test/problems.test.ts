import { describe, expect, it } from 'vitest';
import {
  didYouMean,
  editDistance,
  fieldPath,
  formatProblem,
  problem,
  sortProblems,
} from '../src/problems.js';

describe('didYouMean', () => {
  const fields = [
    'name',
    'registry',
    'repository',
    'source',
    'rebuildDelay',
    'autoRebuild',
    'updates',
    'local',
  ];
  it.each([
    ['rebuildDleay', 'rebuildDelay'],
    ['RebuildDelay', 'rebuildDelay'],
    ['update', 'updates'],
    ['registy', 'registry'],
    ['autorebuild', 'autoRebuild'],
  ])('suggests %s -> %s', (input, expected) => {
    expect(didYouMean(input, fields)).toBe(expected);
  });

  it('suggests nothing for unrelated names', () => {
    expect(didYouMean('maintainer', fields)).toBeUndefined();
  });

  it('counts a transposition as one edit', () => {
    expect(editDistance('brnach', 'branch')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('formatProblem', () => {
  it('formats file:line:col: message and the hint on its own line', () => {
    const p = problem(
      'error',
      'unknown-field',
      { file: 'images.yaml', line: 3, col: 5 },
      [0, 'x'],
      'unknown field "x"',
      'did you mean "y"?',
    );
    expect(formatProblem(p)).toBe('images.yaml:3:5: unknown field "x"\n  hint: did you mean "y"?');
  });

  it('omits line and column for whole-file problems and marks warnings', () => {
    const p = problem(
      'warning',
      'unenrolled-state',
      { file: 'images/x.yaml', line: 0, col: 0 },
      [],
      'ignored',
    );
    expect(formatProblem(p)).toBe('images/x.yaml: warning: ignored');
    expect('hint' in p).toBe(false);
  });
});

describe('sortProblems', () => {
  it('orders by file, line, column and message', () => {
    const at = (file: string, line: number, col: number, message: string) =>
      problem('error', 'invalid-value', { file, line, col }, [], message);
    const sorted = sortProblems([
      at('b', 1, 1, 'x'),
      at('a', 2, 1, 'x'),
      at('a', 1, 9, 'x'),
      at('a', 1, 9, 'a'),
    ]);
    expect(sorted.map((p) => `${p.file}:${p.line}:${p.col}:${p.message}`)).toEqual([
      'a:1:9:a',
      'a:1:9:x',
      'a:2:1:x',
      'b:1:1:x',
    ]);
  });
});

describe('fieldPath', () => {
  it('renders dotted paths with list indexes', () => {
    expect(fieldPath(['updates', 1, 'type'])).toBe('updates[1].type');
    expect(fieldPath([])).toBe('');
  });
});
