// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ }}` strings
import { describe, expect, it } from 'vitest';
import { Expr, quote } from '../../src/expressions.js';
import {
  type ExprEnvironment,
  ExprError,
  evaluateExpression,
  parseExpression,
} from '../../src/runtime/expr-lang.js';
import { GoStruct, isUnknown, LookupMap, Unknown } from '../../src/runtime/values.js';

const image = new GoStruct(
  'kargoapi.Image',
  [
    { name: 'RepoURL', json: 'repoURL', omitEmpty: true },
    { name: 'Tag', json: 'tag', omitEmpty: true },
  ],
  { RepoURL: 'ghcr.io/acme/app', Tag: '1.20' },
);

const env: ExprEnvironment = {
  variables: {
    ctx: { stage: 'prod', targetFreight: { origin: { name: 'image-app' } } },
    vars: { n: 3, s: 'x', list: [1, 2, 3], empty: null },
    outputs: new Unknown('outputs of earlier steps'),
    secretData: new LookupMap('Secret "gh"', (key) => `value-of-${key}`),
  },
  functions: {
    imageFrom: () => image,
    echo: ([value]) => value,
  },
};
const run = (code: string) => evaluateExpression(code, env);

describe('evaluateExpression: the expr-lang the model evaluates', () => {
  it.each([
    ['"a" + "b"', 'ab'],
    ["'single' + `raw\\n`", 'singleraw\\n'],
    ['"\\u007b\\u007d\\x41\\101\\t"', '{}AA\t'],
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ** 3 ** 2', 512],
    ['7 % 4', 3],
    ['10 / 4', 2.5],
    ['-vars.n + 1', -2],
    ['1_000 + 0x10 + 0o10 + 0b10', 1026],
    ['vars.n > 2 && vars.s == "x"', true],
    ['not (vars.n < 2) and true', true],
    ['!true || false', false],
    ['vars.n == 3 ? "three" : "other"', 'three'],
    ['vars.empty ?? "default"', 'default'],
    ['vars.s ?? "default"', 'x'],
    ['vars.missing', null],
    ['undefinedName', null],
    ['vars.missing?.deeper', null],
    ['ctx.targetFreight.origin.name', 'image-app'],
    ['ctx["stage"]', 'prod'],
    ['vars.list[0] + vars.list[-1]', 4],
    ['vars.list[1:]', [2, 3]],
    ['2 in vars.list', true],
    ['"stage" in ctx', true],
    ['"prod" startsWith "pr"', true],
    ['"prod" not endsWith "x"', true],
    ['"prod" contains "ro"', true],
    ['"v1.2.3" matches "^v[0-9]+"', true],
    ['1..3', [1, 2, 3]],
    ['[1, "a", nil]', [1, 'a', null]],
    ['{"a": 1, b: [true]}', { a: 1, b: [true] }],
    ['imageFrom("x").Tag', '1.20'],
    ['imageFrom("x")["RepoURL"]', 'ghcr.io/acme/app'],
    ['secretData.token', 'value-of-token'],
    ['upper("a") + lower("B") + trim("  c ") + string(1)', 'Abc1'],
    ['replace("a-b-c", "-", ".")', 'a.b.c'],
    ['split("a,b", ",")', ['a', 'b']],
    ['join(["a", "b"], "-")', 'a-b'],
    ['len("héllo") + len([1]) + len({"a": 1})', 8],
    ['"a,b" | split(",") | join("+")', 'a+b'],
    ['int("42") + float("0.5")', 42.5],
    ['toJSON({"b": 1, "a": [1]})', '{\n  "a": [\n    1\n  ],\n  "b": 1\n}'],
    ['fromJSON("{\\"a\\": [1]}")', { a: [1] }],
    ['trimPrefix("v1.2", "v") + trimSuffix("x.yml", ".yml")', '1.2x'],
  ])('%s → %j', (code, expected) => {
    expect(run(code)).toEqual(expected);
  });

  it('evaluates what the construct library renders (Expr, quote, maps, concatenation)', () => {
    const reason = Expr.concat(
      'base ',
      Expr.ctx('targetFreight', 'origin', 'name'),
      ' (',
      Expr.ctx('stage'),
      ')',
    );
    expect(run(reason.code)).toBe('base image-app (prod)');
    const map = Expr.map({ ref: 'main', 'a}}b': 'x{y}', inputs: Expr.map({ reason }) });
    expect(run(map.code)).toEqual({
      ref: 'main',
      'a}}b': 'x{y}',
      inputs: { reason: 'base image-app (prod)' },
    });
    expect(quote('1.20')).toBe('${{ quote("1.20") }}');
  });

  it('gives an Unknown for unknown values, unmodelled syntax, unknown functions and runtime failures', () => {
    for (const code of [
      'outputs.x',
      'outputs["a"].b + "c"',
      'let x = 1; x',
      'all(vars.list, {# > 0})',
      'map(vars.list, .x)',
      'vars.s.upper()',
      'semverParse("1.2.3").Major()',
      'noSuchFunction(1)',
      'vars.missing.deeper',
      '"a" + 1',
      'vars.list[7]',
      'echo(outputs.x) + "y"',
    ]) {
      expect(isUnknown(run(code)), code).toBe(true);
    }
  });

  it('reports code expr-lang would not compile', () => {
    for (const [code, message] of [
      ['', /empty/],
      ['"unterminated', /literal not terminated/],
      ['(1 + 2', /parenthesis is not balanced/],
      ['imageFrom("x").Tag )', /unexpected token "\)"/],
      ['[1, 2', /array literal/],
      ['1 +', /unexpected end/],
      ['"\\q"', /invalid escape/],
      ['a @ b', /unexpected character "@"/],
      ['imageFrom("x").tag', /kargoapi.Image has no field tag \(fields: RepoURL, Tag\)/],
    ] as const) {
      expect(() => run(code), code).toThrow(ExprError);
      expect(() => run(code), code).toThrow(message);
    }
  });

  it('parses with expr-lang precedences (parser/operator/operator.go)', () => {
    expect(parseExpression('a + b * c')).toEqual({
      type: 'binary',
      operator: '+',
      left: { type: 'name', name: 'a' },
      right: {
        type: 'binary',
        operator: '*',
        left: { type: 'name', name: 'b' },
        right: { type: 'name', name: 'c' },
      },
    });
    expect(() => parseExpression('a ?? b + c')).toThrow(/cannot be mixed/);
    expect(run('(vars.empty ?? 1) + 2')).toBe(3);
    expect(parseExpression('x | f()')).toEqual({
      type: 'call',
      name: 'f',
      args: [{ type: 'name', name: 'x' }],
    });
    expect(parseExpression('let x = 1; x')).toBeUndefined();
  });
});
