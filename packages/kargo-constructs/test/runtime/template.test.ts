// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ }}` strings
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { TEMPLATE_FUNCTIONS } from '../../src/runtime/environment.js';
import { type ExprEnvironment, evaluateExpression } from '../../src/runtime/expr-lang.js';
import {
  evaluateJsonTemplate,
  evaluateTemplate,
  retypeTemplateResult,
  retypingRule,
  splitTemplate,
  TemplateError,
} from '../../src/runtime/template.js';
import { isUnknown, Unknown } from '../../src/runtime/values.js';

/** The environment of Kargo's own json_templates_test.go (pkg/expressions), with the template functions. */
const env: ExprEnvironment = {
  variables: {
    aString: 'hello',
    anInt: 42,
    aFloat: 3.14,
    aBool: true,
    aStringMap: { aString: 'hello', anotherString: 'world' },
    aStringArr: ['hello', 'world'],
    tag: '1.20',
    word: '3.12-slim',
  },
  functions: TEMPLATE_FUNCTIONS,
};
const resolve = (code: string) => evaluateExpression(code, env);
const evaluate = (template: string) => evaluateTemplate(template, resolve);

describe('evaluateTemplate: the cases of Kargo v1.11.2 pkg/expressions/json_templates_test.go', () => {
  it.each([
    ['${{ aString }}', 'hello'],
    ['${{ anInt }}', 42],
    ['${{ aFloat }}', 3.14],
    ['${{ aBool }}', true],
    ['${{ aString }}, world!', 'hello, world!'],
    ['${{ aString }}, ${{ anInt }}!', 'hello, 42!'],
    ['${{ aStringMap }}', { aString: 'hello', anotherString: 'world' }],
    ['${{ aStringArr }}', ['hello', 'world']],
    ['${{ "null" }}', null],
    ['${{ quote(null) }}', 'null'],
    ['${{ quote(true) }}', 'true'],
    ['${{ quote(42) }}', '42'],
    ["${{ quote({ 'foo': 'bar' }) }}", '{"foo":"bar"}'],
    ["${{ quote('foo') }}", 'foo'],
    ["${{ unsafeQuote('foo') }}", '"foo"'],
    ["${% '{{.domain}}' %}", '{{.domain}}'],
    ["foo ${{ aString }} and ${% 'bar' %}", 'foo hello and bar'],
  ])('%s evaluates to %j', (template, expected) => {
    expect(evaluate(template)).toEqual(expected);
  });

  it('keeps YAML block scalars apart from values (the "tricky cases" of the same test)', () => {
    const doc = parseYaml(`
value1: {"foo": "bar"}
value2: '\${{ quote({"foo": "bar"}) }}'
value3: |
  {"foo": "bar"}
value4: |
  \${{ {"foo": "bar"} }}
value5: |
  \${{ quote({"foo": "bar"}) }}
value6: |
  \${{ quote({"foo": "bar"}) }}

value7: 42
value8: "42"
value10: '\${{ quote(42) }}'
value11: |
  42
value12: |
  \${{ 42 }}
value13: |
  \${{ quote(42) }}
`);
    expect(evaluateJsonTemplate(doc, resolve)).toEqual({
      value1: { foo: 'bar' },
      value2: '{"foo":"bar"}',
      value3: '{"foo": "bar"}\n',
      value4: { foo: 'bar' },
      value5: '{"foo":"bar"}\n',
      value6: '{"foo":"bar"}\n',
      value7: 42,
      value8: '42',
      value10: '42',
      value11: '42\n',
      value12: 42,
      value13: '42\n',
    });
  });

  it('fails on an unclosed expression, and on "}}" inside a ${{ }} expression', () => {
    expect(() => evaluate('${{ aString ')).toThrow(TemplateError);
    expect(() => evaluate('${{ aString ')).toThrow(/unclosed expression: expected "}}"/);
    expect(() => evaluate("${{ '{{.domain}}' }}")).toThrow(/literal not terminated/);
  });
});

describe('evaluateTemplate: re-typing rules', () => {
  it('returns a string without delimiters as is, even when it looks like a number, bool or JSON', () => {
    for (const text of ['42', 'true', '{"a":1}', '1.20', 'null', '"quoted"', '$ {{ x }}', '{{ x }}']) {
      expect(evaluate(text)).toBe(text);
    }
  });

  it('evaluates a string that has an opening delimiter anywhere', () => {
    expect(evaluate('a ${% tag %} b')).toBe('a 1.20 b');
    expect(() => evaluate('cost: ${{')).toThrow(TemplateError);
  });

  it('strips the quotes of a result enclosed in double quotes and parses nothing further', () => {
    expect(evaluate('${{ quote(tag) }}')).toBe('1.20');
    expect(evaluate('"${{ tag }}"')).toBe('1.20');
    expect(evaluate('"${{ aBool }}"')).toBe('true');
    expect(evaluate('"${{ tag }}" and "${{ word }}"')).toBe('1.20" and "3.12-slim');
    // Two characters at least: a lone quote is not "enclosed".
    expect(retypeTemplateResult('"')).toBe('"');
    expect(retypeTemplateResult('""')).toBe('');
    expect(retypeTemplateResult('"x')).toBe('"x');
  });

  it('makes a number of anything Go strconv.ParseFloat accepts, before trying ParseBool', () => {
    expect(evaluate('${{ tag }}')).toBe(1.2);
    expect(evaluate('${{ "2" }}')).toBe(2);
    expect(evaluate('${{ "1" }}')).toBe(1); // a number, not true: ParseFloat comes first
    expect(evaluate('${{ "0" }}')).toBe(0);
    expect(evaluate('${{ "1e3" }}')).toBe(1000);
    expect(evaluate('${{ "1_000" }}')).toBe(1000);
    expect(evaluate('${{ "Inf" }}')).toBe(Number.POSITIVE_INFINITY);
    expect(evaluate('${{ "0x1p-2" }}')).toBe(0.25);
    expect(evaluate('v${{ tag }}')).toBe('v1.20');
    expect(evaluate('${{ word }}')).toBe('3.12-slim');
  });

  it('makes a boolean of exactly the spellings Go strconv.ParseBool accepts', () => {
    for (const text of ['t', 'T', 'true', 'TRUE', 'True']) expect(retypeTemplateResult(text)).toBe(true);
    for (const text of ['f', 'F', 'false', 'FALSE', 'False']) expect(retypeTemplateResult(text)).toBe(false);
    for (const text of ['yes', 'no', 'on', 'off', 'TrUe', 'y']) expect(retypeTemplateResult(text)).toBe(text);
  });

  it('makes the value of any other valid JSON text, surrounding JSON whitespace allowed', () => {
    expect(retypeTemplateResult('{"a": [1, "b"]}')).toEqual({ a: [1, 'b'] });
    expect(retypeTemplateResult(' [1, 2] ')).toEqual([1, 2]);
    expect(retypeTemplateResult(' 5 ')).toBe(5); // ParseFloat refuses the spaces, JSON does not
    expect(retypeTemplateResult('null')).toBeNull();
    // Beyond float64, both ParseFloat and Go's json.Unmarshal fail: it stays text.
    expect(retypeTemplateResult('1e400')).toBe('1e400');
    expect(retypeTemplateResult('{"a":1e400}')).toBe('{"a":1e400}');
    expect(retypeTemplateResult('{a: 1}')).toBe('{a: 1}');
  });

  it('sets one trailing newline aside for the checks and restores it on strings only', () => {
    expect(retypeTemplateResult('1.20\n')).toBe(1.2);
    expect(retypeTemplateResult('true\n')).toBe(true);
    expect(retypeTemplateResult('{"a":1}\n')).toEqual({ a: 1 });
    expect(retypeTemplateResult('"quoted"\n')).toBe('quoted\n');
    expect(retypeTemplateResult('text\n')).toBe('text\n');
    // Only one newline is set aside: ParseFloat refuses "1.20\n", but JSON accepts the trailing whitespace.
    expect(retypeTemplateResult('1.20\n\n')).toBe(1.2);
    expect(retypeTemplateResult('text\n\n')).toBe('text\n\n');
    expect(evaluate('${{ tag }}\n')).toBe(1.2);
  });

  it('writes non-string expression results as JSON into the surrounding text', () => {
    expect(evaluate('n=${{ anInt }}')).toBe('n=42');
    expect(evaluate('${{ aStringArr }} and more')).toBe('["hello","world"] and more');
    expect(evaluate('${{ nil }}')).toBeNull();
    expect(evaluate('x${{ nil }}')).toBe('xnull');
    // Several expressions make one text, re-typed as a whole: "1" + "." + "2" is the number 1.2.
    expect(evaluate('${{ "1" }}.${{ "2" }}')).toBe(1.2);
    expect(evaluate('${{ anInt }}${{ anInt }}')).toBe(4242);
  });

  it('fails where Go json.Marshal fails (NaN, infinities)', () => {
    expect(() => evaluate('${{ 0.0 / 0.0 }}')).toThrow(TemplateError);
  });

  it('names the rule that applies', () => {
    expect(retypingRule('"a"')).toBe('quoted');
    expect(retypingRule('1.20')).toBe('number');
    expect(retypingRule('True')).toBe('boolean');
    expect(retypingRule('[]')).toBe('json');
    expect(retypingRule('3.12-slim')).toBe('string');
  });

  it('returns an Unknown when any expression is unknown, and a string Unknown for quote() of one', () => {
    const unknownEnv: ExprEnvironment = {
      variables: { outputs: new Unknown('outputs of earlier steps') },
      functions: TEMPLATE_FUNCTIONS,
    };
    const r = (code: string) => evaluateExpression(code, unknownEnv);
    const whole = evaluateTemplate('${{ outputs.x }}', r);
    expect(isUnknown(whole) && whole.kind).toBe('any');
    const quoted = evaluateTemplate('${{ quote(outputs.x) }}', r);
    expect(isUnknown(quoted) && quoted.kind).toBe('string');
    const around = evaluateTemplate('v${{ quote(outputs.x) }}', r);
    expect(isUnknown(around) && around.kind).toBe('any');
  });
});

describe('splitTemplate', () => {
  it('takes the earliest delimiter and ends each expression at its first closing delimiter', () => {
    expect(splitTemplate('a ${{ b }} c ${% d %}${{ e }}')).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'expression', code: ' b ', delimiter: '${{' },
      { kind: 'text', text: ' c ' },
      { kind: 'expression', code: ' d ', delimiter: '${%' },
      { kind: 'expression', code: ' e ', delimiter: '${{' },
    ]);
    expect(splitTemplate('${% {"a": {"b": 1}} %}')).toEqual([
      { kind: 'expression', code: ' {"a": {"b": 1}} ', delimiter: '${%' },
    ]);
  });
});

describe('values the model cannot know, inside lists and maps', () => {
  const unknownEnv: ExprEnvironment = {
    variables: { annotation: new Unknown('an image annotation'), known: 'x' },
    functions: TEMPLATE_FUNCTIONS,
  };
  const evaluateUnknown = (template: string) =>
    evaluateTemplate(template, (code) => evaluateExpression(code, unknownEnv));

  it('quote() of a map holding an unknown value is a string of unknown content, not a failure', () => {
    const result = evaluateUnknown('${% quote({"ref": "main", "inputs": {"built": annotation}}) %}');
    expect(isUnknown(result)).toBe(true);
    expect((result as Unknown).kind).toBe('string');
  });

  it('a bare map or list holding an unknown value evaluates to an unknown value of any type', () => {
    for (const template of [
      '${{ {"a": annotation} }}',
      '${{ [known, annotation] }}',
      '${{ toJSON([annotation]) }}',
    ]) {
      const result = evaluateUnknown(template);
      expect(isUnknown(result)).toBe(true);
      expect((result as Unknown).kind).toBe('any');
    }
  });

  it('comparisons with a map holding an unknown value are unknown; known maps still compare', () => {
    expect(isUnknown(evaluateExpression('{"a": annotation} == {"a": "x"}', unknownEnv))).toBe(true);
    expect(isUnknown(evaluateExpression('{"a": known} in [{"a": annotation}]', unknownEnv))).toBe(true);
    expect(evaluateExpression('{"a": known} in [{"a": annotation}, {"a": "x"}]', unknownEnv)).toBe(true);
    expect(evaluateExpression('{"a": known} != {"a": "y"}', unknownEnv)).toBe(true);
  });
});
