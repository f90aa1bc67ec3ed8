import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  applyFieldUpdates,
  needsQuotes,
  renderDocument,
  renderField,
  StateWriteError,
} from '../src/yaml-edit.js';

const ORDER = ['name', 'a', 'list', 'b', 'c'];

describe('needsQuotes', () => {
  it.each([
    'yes',
    'no',
    'on',
    'off',
    'y',
    'true',
    'null',
    '~',
    '1.0',
    '08',
    '1e3',
    '0x1f',
    '#x',
    '2024-01-01',
    '- x',
    'a: b',
    ' x',
    '',
    '[x]',
    '*x',
  ])('quotes %j, which YAML 1.1 or 1.2 would read as something else', (text) => {
    expect(needsQuotes(text)).toBe(true);
  });
  it.each(['n', 'y', 'Y', 'N'])('quotes %j, a YAML 1.1 boolean', (text) => {
    expect(needsQuotes(text)).toBe(true);
  });
  it.each(['plain', '3.12-slim', 'sha256:abc', 'acme/app', 'v1.0', '1.2.3'])('leaves %j plain', (text) => {
    expect(needsQuotes(text)).toBe(false);
  });
});

describe('renderField / renderDocument', () => {
  it('quotes strings YAML would retype and keeps them strings when read back (1.1 and 1.2)', () => {
    const text = renderDocument({ name: 'x', a: 'yes', b: '1.0', c: '08', list: ['#x', 'plain'] }, ORDER);
    expect(text).toBe('name: x\na: "yes"\nlist:\n  - "#x"\n  - plain\nb: "1.0"\nc: "08"\n');
    for (const version of ['1.1', '1.2'] as const) {
      expect(parse(text, { version })).toEqual({
        name: 'x',
        a: 'yes',
        b: '1.0',
        c: '08',
        list: ['#x', 'plain'],
      });
    }
  });

  it('orders known fields, then the others sorted, and omits undefined', () => {
    expect(renderDocument({ z: 1, c: 2, name: 'app', w: undefined, m: 3 }, ORDER)).toBe(
      'name: app\nc: 2\nm: 3\nz: 1\n',
    );
  });

  it('renders an empty list inline', () => {
    expect(renderField('list', [])).toBe('list: []\n');
  });
});

describe('applyFieldUpdates', () => {
  const original = `# State of app (comments are kept)
name: app # the key
a: 1
# about the list
list:
  - p # first
  - q
c: "keep"   # odd spacing stays
`;

  it('returns the text unchanged when no value changes', () => {
    expect(applyFieldUpdates(original, { name: 'app', a: 1, list: ['p', 'q'], c: 'keep' }, ORDER)).toBe(
      original,
    );
  });

  it('replaces only the changed fields, leaving every other byte alone', () => {
    const next = applyFieldUpdates(original, { a: 2, list: ['p', 'q', 'r'] }, ORDER);
    expect(next).toBe(`# State of app (comments are kept)
name: app # the key
a: 2
# about the list
list:
  - p # first
  - q
  - r
c: "keep"   # odd spacing stays
`);
  });

  it('inserts new fields in canonical order, above the comments of the next field', () => {
    expect(applyFieldUpdates(original, { b: 'yes' }, ORDER)).toBe(
      original.replace('c: "keep"', 'b: "yes"\nc: "keep"'),
    );
    expect(applyFieldUpdates('name: app\na: 1\n# about c\nc: 3\n', { b: 2 }, ORDER)).toBe(
      'name: app\na: 1\nb: 2\n# about c\nc: 3\n',
    );
  });

  it('inserts in front of a field that is replaced at the same offset, in canonical order', () => {
    // Found by the analysis job: an insertion applied before a replacement starting at the same
    // offset made the replacement cut the wrong range.
    expect(applyFieldUpdates('name: app\nc: 3\n', { c: 4, b: 2, a: 1 }, ORDER)).toBe(
      'name: app\na: 1\nb: 2\nc: 4\n',
    );
    expect(applyFieldUpdates('name: app\nc: 3\n', { b: 2, c: 4, a: 1 }, ORDER)).toBe(
      'name: app\na: 1\nb: 2\nc: 4\n',
    );
  });

  it('appends unknown-order fields at the end, also without a final newline', () => {
    expect(applyFieldUpdates('name: app\nc: 3', { zz: 'v' }, ORDER)).toBe('name: app\nc: 3\nzz: v\n');
    expect(applyFieldUpdates('# only a comment\n', { name: 'app' }, ORDER)).toBe(
      '# only a comment\nname: app\n',
    );
  });

  it('removes fields set to null', () => {
    expect(applyFieldUpdates('name: app\na: 1\nlist:\n  - x\nc: 3\n', { a: null, list: null }, ORDER)).toBe(
      'name: app\nc: 3\n',
    );
  });

  it('changes a scalar into a list and a list into a scalar', () => {
    expect(applyFieldUpdates('a: 1\nc: 2\n', { a: ['p'] }, ORDER)).toBe('a:\n  - p\nc: 2\n');
    expect(applyFieldUpdates('list:\n  - p\nc: 2\n', { list: 'one' }, ORDER)).toBe('list: one\nc: 2\n');
  });

  it('refuses files that are not a YAML map or do not parse', () => {
    expect(() => applyFieldUpdates('- a\n', { a: 1 }, ORDER)).toThrow(StateWriteError);
    expect(() => applyFieldUpdates('a: [1\n', { a: 1 }, ORDER)).toThrow(/YAML errors/);
  });
});
