import { describe, expect, it } from 'vitest';
import { goQuote, marshalGoJson, parseGoBool, parseGoFloat, unmarshalGoJson } from '../../src/runtime/go.js';
import { GoStruct, Unknown } from '../../src/runtime/values.js';

describe('parseGoFloat: what Go strconv.ParseFloat(s, 64) accepts', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['2', 2],
    ['1.20', 1.2],
    ['-1', -1],
    ['+1', 1],
    ['-0', -0],
    ['1.', 1],
    ['.5', 0.5],
    ['00012', 12],
    ['1e3', 1000],
    ['1E3', 1000],
    ['1e+3', 1000],
    ['1.5e-3', 0.0015],
    ['1_000', 1000],
    ['1_0.5', 10.5],
    ['1e1_0', 1e10],
    ['0x1p-2', 0.25],
    ['0X1P4', 16],
    ['0x1.8p1', 3],
    ['0x_1p0', 1],
    ['1e-400', 0],
    ['inf', Number.POSITIVE_INFINITY],
    ['+Inf', Number.POSITIVE_INFINITY],
    ['-INFINITY', Number.NEGATIVE_INFINITY],
  ])('accepts %j as %d', (text, value) => {
    expect(parseGoFloat(text)).toBe(value);
  });

  it('accepts NaN in any case, without a sign', () => {
    expect(parseGoFloat('NaN')).toBeNaN();
    expect(parseGoFloat('nan')).toBeNaN();
    expect(parseGoFloat('+nan')).toBeUndefined();
  });

  it.each([
    '',
    ' 1',
    '1 ',
    '1.2.3',
    '3.12-slim',
    'v1.2',
    '1e',
    '1e+',
    'e3',
    '.',
    '_1',
    '1_',
    '1__0',
    '1_.5',
    '0x',
    '0x1',
    '0x1p',
    '0b101',
    '0o7',
    '1,5',
    'infin',
    'infx',
    '1e400',
    '-1e400',
    '12abc',
    'sha256:0123',
  ])('rejects %j', (text) => {
    expect(parseGoFloat(text)).toBeUndefined();
  });
});

describe('parseGoBool: what Go strconv.ParseBool accepts', () => {
  it('accepts exactly 1 t T TRUE true True and 0 f F FALSE false False', () => {
    for (const text of ['1', 't', 'T', 'TRUE', 'true', 'True']) expect(parseGoBool(text)).toBe(true);
    for (const text of ['0', 'f', 'F', 'FALSE', 'false', 'False']) expect(parseGoBool(text)).toBe(false);
    for (const text of ['', 'yes', 'on', 'tRUE', 'True ', ' true', '2'])
      expect(parseGoBool(text)).toBeUndefined();
  });
});

describe('unmarshalGoJson', () => {
  it('accepts one JSON value with surrounding whitespace, refuses what Go refuses', () => {
    expect(unmarshalGoJson(' {"a": 1} ')).toEqual({ ok: true, value: { a: 1 } });
    expect(unmarshalGoJson('null')).toEqual({ ok: true, value: null });
    expect(unmarshalGoJson('1e400')).toEqual({ ok: false });
    expect(unmarshalGoJson('[1, 2,]')).toEqual({ ok: false });
    expect(unmarshalGoJson('\ufeff{}')).toEqual({ ok: false });
    expect(unmarshalGoJson("{'a': 1}")).toEqual({ ok: false });
  });
});

describe('marshalGoJson: Go encoding/json', () => {
  it('sorts map keys, escapes HTML characters and line separators, formats floats like Go', () => {
    expect(marshalGoJson({ b: 1, a: '<&>', c: [true, null, 1.5] })).toBe(
      '{"a":"\\u003c\\u0026\\u003e","b":1,"c":[true,null,1.5]}',
    );
    expect(marshalGoJson('\u2028\b\f\n\r\t\u0001"\\')).toBe('"\\u2028\\b\\f\\n\\r\\t\\u0001\\"\\\\"');
    expect(marshalGoJson(1e21)).toBe('1e+21');
    expect(marshalGoJson(1e20)).toBe('100000000000000000000');
    expect(marshalGoJson(1e-7)).toBe('1e-7');
    expect(marshalGoJson(0.000001)).toBe('0.000001');
    expect(marshalGoJson(-0)).toBe('-0');
  });

  it('writes structs in field order under their JSON names, leaving out empty omitempty fields', () => {
    const image = new GoStruct(
      'kargoapi.Image',
      [
        { name: 'RepoURL', json: 'repoURL', omitEmpty: true },
        { name: 'Tag', json: 'tag', omitEmpty: true },
        { name: 'Digest', json: 'digest', omitEmpty: true },
      ],
      { RepoURL: 'ghcr.io/acme/app', Tag: '1.20', Digest: '' },
    );
    expect(marshalGoJson(image)).toBe('{"repoURL":"ghcr.io/acme/app","tag":"1.20"}');
  });

  it('indents like json.MarshalIndent(v, "", "  ")', () => {
    expect(marshalGoJson({ b: [1, 2], a: {}, c: [] }, '  ')).toBe(
      '{\n  "a": {},\n  "b": [\n    1,\n    2\n  ],\n  "c": []\n}',
    );
  });

  it('refuses NaN, infinities and unknown values', () => {
    expect(() => marshalGoJson(Number.NaN)).toThrow(/unsupported value/);
    expect(() => marshalGoJson([Number.POSITIVE_INFINITY])).toThrow(/unsupported value/);
    expect(() => marshalGoJson(new Unknown('x'))).toThrow(/unknown/);
  });
});

describe('goQuote: Go strconv.Quote (%q)', () => {
  it('escapes quotes, backslashes and non-printable runes, keeps printable Unicode', () => {
    expect(goQuote('1.20')).toBe('"1.20"');
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote('\x07\b\f\n\r\t\v')).toBe('"\\a\\b\\f\\n\\r\\t\\v"');
    expect(goQuote('\x00\x1f\x7f')).toBe('"\\x00\\x1f\\x7f"');
    expect(goQuote('é€😀')).toBe('"é€😀"');
    expect(goQuote('\u00a0\u200b')).toBe('"\\u00a0\\u200b"');
    expect(goQuote('\u{e0001}')).toBe('"\\U000e0001"');
  });
});
