// A model of the expr-lang language (github.com/expr-lang/expr v1.17.8, the version Kargo v1.11.2 uses)
// sufficient to evaluate the expressions found in Kargo promotion templates at synth time: literals,
// names, member and index access (`.x`, `?.x`, `["x"]`, `[0]`, slices), function calls (also through the
// pipe `|`), unary and binary operators with expr-lang's precedences (parser/operator/operator.go), `?:`,
// array and map literals.
//
// Not modelled (the expression evaluates to an Unknown, so checks cannot see its result): `let`, `if`/`else`
// expressions, closures and predicates (`all(xs, {# > 1})`, `map(xs, .Name)`), method calls
// (`semverParse(v).Major()`), sequences (`a; b`). A runtime error Kargo would hit (fetching a member of nil,
// adding a string to a number) also evaluates to an Unknown: the model checks what values become, not
// whether every expression succeeds.
import { Buffer } from 'node:buffer';
import { GoMarshalError, marshalGoJson } from './go.js';
import { findUnknown, GoStruct, isUnknown, LookupMap, Unknown } from './values.js';

export { LookupMap };

/**
 * An error Kargo's expr-lang compiler would also report (a syntax error, or a field a Kargo function's
 * result type does not have, e.g. `imageFrom(...).tag`): the step or analysis fails when it is evaluated.
 */
export class ExprError extends Error {
  public override readonly name = 'ExprError';
}

/** Syntax the model does not evaluate (see the module comment); the expression's value is unknown. */
class Unsupported extends Error {}

/** A runtime error of the expression (Kargo would fail the step); the model treats the value as unknown. */
class RuntimeFailure extends Error {}

/** A function callable from expressions: receives the evaluated arguments, returns a Go value. */
export type ExprFunction = (args: readonly unknown[]) => unknown;

/** The environment of an evaluation: top-level names and functions. */
export interface ExprEnvironment {
  /** Top-level names (`ctx`, `vars`, `outputs` …). A name not listed evaluates to nil, as in Kargo. */
  readonly variables: Readonly<Record<string, unknown>>;
  /** Functions (`imageFrom`, `quote`, `secret` …) besides expr-lang's built-ins. */
  readonly functions: Readonly<Record<string, ExprFunction>>;
}

// ---------------------------------------------------------------------------------------------------------
// Lexer

type TokenKind = 'number' | 'string' | 'ident' | 'op' | 'bracket' | 'eof';
interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  /** For strings: the decoded value; for numbers: the numeric value. */
  readonly literal?: string | number;
  readonly pos: number;
}

const WORD_OPERATORS = new Set([
  'and',
  'or',
  'not',
  'in',
  'matches',
  'contains',
  'startsWith',
  'endsWith',
  'let',
  'if',
  'else',
]);
const OPERATORS = [
  '??',
  '?.',
  '...',
  '..',
  '**',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '!',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '|',
  '?',
  ':',
  ',',
  '.',
  ';',
  '#',
  '=',
];

function decodeEscape(code: string, at: number): { char: string; length: number } {
  const c = code[at + 1];
  const simple: Record<string, string> = {
    a: '\x07',
    b: '\b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
    v: '\v',
    '\\': '\\',
    "'": "'",
    '"': '"',
    '`': '`',
    '?': '?',
  };
  if (c === undefined) throw new ExprError('unable to unescape string, found "\\" as last character');
  const mapped = simple[c];
  if (mapped !== undefined) return { char: mapped, length: 2 };
  if (c === 'u' && code[at + 2] === '{') {
    const end = code.indexOf('}', at + 3);
    const hex = end < 0 ? '' : code.slice(at + 3, end);
    if (!/^[0-9a-fA-F]{1,6}$/.test(hex)) throw new ExprError('unable to unescape string');
    return { char: String.fromCodePoint(Number.parseInt(hex, 16)), length: end - at + 1 };
  }
  const widths: Record<string, number> = { x: 2, X: 2, u: 4, U: 8 };
  const width = widths[c];
  if (width !== undefined) {
    const hex = code.slice(at + 2, at + 2 + width);
    if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) throw new ExprError('unable to unescape string');
    return { char: String.fromCodePoint(Number.parseInt(hex, 16)), length: 2 + width };
  }
  const octal = code.slice(at + 1, at + 4);
  if (/^[0-7]{3}$/.test(octal)) return { char: String.fromCharCode(Number.parseInt(octal, 8)), length: 4 };
  throw new ExprError(`unable to unescape string: invalid escape "\\${c}"`);
}

function tokenize(code: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < code.length) {
    const c = code.charAt(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c)) {
      const match =
        /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*(?:\.(?!\.)[0-9_]*)?(?:[eE][+-]?[0-9_]+)?)/.exec(
          code.slice(i),
        );
      const text = match?.[0] ?? c;
      const clean = text.replaceAll('_', '');
      const value = /^0[oO]/.test(clean)
        ? Number.parseInt(clean.slice(2), 8)
        : /^0[bB]/.test(clean)
          ? Number.parseInt(clean.slice(2), 2)
          : Number(clean);
      tokens.push({ kind: 'number', value: text, literal: value, pos: start });
      i += text.length;
      continue;
    }
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      for (;;) {
        const ch = code[i];
        if (ch === undefined || ch === '\n') throw new ExprError('literal not terminated');
        if (ch === c) break;
        if (ch === '\\') {
          const decoded = decodeEscape(code, i);
          value += decoded.char;
          i += decoded.length;
          continue;
        }
        value += ch;
        i++;
      }
      i++;
      tokens.push({ kind: 'string', value: code.slice(start, i), literal: value, pos: start });
      continue;
    }
    if (c === '`') {
      const end = code.indexOf('`', i + 1);
      if (end < 0) throw new ExprError('literal not terminated');
      tokens.push({
        kind: 'string',
        value: code.slice(i, end + 1),
        literal: code.slice(i + 1, end),
        pos: start,
      });
      i = end + 1;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const name = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(code.slice(i))?.[0] ?? c;
      tokens.push({ kind: WORD_OPERATORS.has(name) ? 'op' : 'ident', value: name, pos: start });
      i += name.length;
      continue;
    }
    if ('()[]{}'.includes(c)) {
      tokens.push({ kind: 'bracket', value: c, pos: start });
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => code.startsWith(o, i));
    if (op === undefined) throw new ExprError(`unexpected character ${JSON.stringify(c)}`);
    tokens.push({ kind: 'op', value: op, pos: start });
    i += op.length;
  }
  tokens.push({ kind: 'eof', value: '', pos: code.length });
  return tokens;
}

// ---------------------------------------------------------------------------------------------------------
// Parser (precedence climbing, as expr-lang's parser/parser.go parseExpression)

/** A parsed expression. */
export type ExprNode =
  | { readonly type: 'literal'; readonly value: string | number | boolean | null }
  | { readonly type: 'name'; readonly name: string }
  | { readonly type: 'member'; readonly object: ExprNode; readonly key: ExprNode; readonly optional: boolean }
  | {
      readonly type: 'slice';
      readonly object: ExprNode;
      readonly from: ExprNode | undefined;
      readonly to: ExprNode | undefined;
    }
  | { readonly type: 'call'; readonly name: string; readonly args: readonly ExprNode[] }
  | { readonly type: 'unary'; readonly operator: string; readonly operand: ExprNode }
  | { readonly type: 'binary'; readonly operator: string; readonly left: ExprNode; readonly right: ExprNode }
  | {
      readonly type: 'conditional';
      readonly test: ExprNode;
      readonly then: ExprNode;
      readonly otherwise: ExprNode;
    }
  | { readonly type: 'array'; readonly items: readonly ExprNode[] }
  | { readonly type: 'map'; readonly entries: readonly (readonly [ExprNode, ExprNode])[] };

const UNARY: Record<string, number> = { not: 50, '!': 50, '-': 90, '+': 90 };
const BINARY: Record<string, { readonly precedence: number; readonly right?: true }> = {
  '|': { precedence: 0 },
  or: { precedence: 10 },
  '||': { precedence: 10 },
  and: { precedence: 15 },
  '&&': { precedence: 15 },
  '==': { precedence: 20 },
  '!=': { precedence: 20 },
  '<': { precedence: 20 },
  '>': { precedence: 20 },
  '>=': { precedence: 20 },
  '<=': { precedence: 20 },
  in: { precedence: 20 },
  matches: { precedence: 20 },
  contains: { precedence: 20 },
  startsWith: { precedence: 20 },
  endsWith: { precedence: 20 },
  '..': { precedence: 25 },
  '+': { precedence: 30 },
  '-': { precedence: 30 },
  '*': { precedence: 60 },
  '/': { precedence: 60 },
  '%': { precedence: 60 },
  '**': { precedence: 100, right: true },
  '^': { precedence: 100, right: true },
  '??': { precedence: 500 },
};
const NEGATABLE = new Set(['contains', 'matches', 'startsWith', 'endsWith', 'in']);
/** expr-lang built-ins taking a predicate (a closure): not modelled. */
const PREDICATES = new Set([
  'all',
  'none',
  'any',
  'one',
  'filter',
  'map',
  'count',
  'sum',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'groupBy',
  'sortBy',
  'reduce',
]);

class Parser {
  private index = 0;
  public constructor(private readonly tokens: readonly Token[]) {}

  private get current(): Token {
    return this.tokens[this.index] as Token;
  }

  private is(kind: TokenKind, value?: string): boolean {
    return this.current.kind === kind && (value === undefined || this.current.value === value);
  }

  private next(): Token {
    const token = this.current;
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private expect(kind: TokenKind, value: string, what: string): void {
    if (!this.is(kind, value)) {
      throw new ExprError(
        this.is('eof')
          ? `${what}: unexpected end of expression`
          : `${what}: unexpected token "${this.current.value}"`,
      );
    }
    this.next();
  }

  public parse(): ExprNode {
    if (this.is('eof')) throw new ExprError('unexpected end of expression (the expression is empty)');
    const node = this.expression(0);
    if (this.is('op', ';')) throw new Unsupported('sequences (a; b)');
    if (!this.is('eof')) throw new ExprError(`unexpected token "${this.current.value}"`);
    return node;
  }

  private expression(precedence: number): ExprNode {
    if (precedence === 0 && (this.is('op', 'let') || this.is('op', 'if'))) {
      throw new Unsupported(`"${this.current.value}" expressions`);
    }
    let left = this.primary();
    let previous = '';
    for (;;) {
      let token = this.current;
      if (token.kind !== 'op') break;
      let negate = false;
      if (token.value === 'not') {
        const after = this.tokens[this.index + 1];
        if (after === undefined || !NEGATABLE.has(after.value)) break;
        if ((BINARY[after.value]?.precedence ?? -1) < precedence) break;
        this.next();
        negate = true;
        token = this.current;
      }
      const op = BINARY[token.value];
      if (op === undefined || op.precedence < precedence) break;
      if (previous === '??' && token.value !== '??') {
        throw new ExprError(
          `Operator (${token.value}) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.`,
        );
      }
      previous = token.value;
      this.next();
      if (token.value === '|') {
        const name = this.next();
        if (name.kind !== 'ident') throw new ExprError('a pipe must be followed by a function call');
        left = this.call(name.value, [left]);
        continue;
      }
      const right = this.expression(op.right ? op.precedence : op.precedence + 1);
      left = { type: 'binary', operator: token.value, left, right };
      if (negate) left = { type: 'unary', operator: 'not', operand: left };
    }
    if (precedence === 0 && this.is('op', '?')) {
      this.next();
      const then = this.expression(0);
      this.expect('op', ':', 'a conditional');
      const otherwise = this.expression(0);
      return { type: 'conditional', test: left, then, otherwise };
    }
    return left;
  }

  private primary(): ExprNode {
    const token = this.current;
    if (token.kind === 'op' && UNARY[token.value] !== undefined) {
      this.next();
      const operand = this.expression(UNARY[token.value] as number);
      return this.postfix({ type: 'unary', operator: token.value, operand });
    }
    if (token.kind === 'bracket' && token.value === '(') {
      this.next();
      const inner = this.expression(0);
      if (this.is('op', ';')) throw new Unsupported('sequences (a; b)');
      this.expect('bracket', ')', 'an opened parenthesis is not balanced');
      return this.postfix(inner);
    }
    return this.postfix(this.secondary());
  }

  private secondary(): ExprNode {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return { type: 'literal', value: token.literal as number };
      case 'string':
        return { type: 'literal', value: token.literal as string };
      case 'ident':
        if (token.value === 'true' || token.value === 'false')
          return { type: 'literal', value: token.value === 'true' };
        if (token.value === 'nil') return { type: 'literal', value: null };
        if (this.is('bracket', '(')) return this.call(token.value, []);
        return { type: 'name', name: token.value };
      case 'bracket':
        if (token.value === '[') return this.arrayLiteral();
        if (token.value === '{') return this.mapLiteral();
        break;
      case 'op':
        if (token.value === '#' || token.value === '.') throw new Unsupported('closures and predicates');
        break;
      case 'eof':
        throw new ExprError('unexpected end of expression');
    }
    throw new ExprError(`unexpected token "${token.value}"`);
  }

  private call(name: string, leading: readonly ExprNode[]): ExprNode {
    if (PREDICATES.has(name)) throw new Unsupported(`the predicate function ${name}()`);
    this.expect('bracket', '(', `a call of ${name}`);
    const args = [...leading];
    while (!this.is('bracket', ')')) {
      args.push(this.expression(0));
      if (!this.is('op', ',')) break;
      this.next();
    }
    this.expect('bracket', ')', `the arguments of ${name}()`);
    return { type: 'call', name, args };
  }

  private arrayLiteral(): ExprNode {
    const items: ExprNode[] = [];
    while (!this.is('bracket', ']')) {
      items.push(this.expression(0));
      if (!this.is('op', ',')) break;
      this.next();
    }
    this.expect('bracket', ']', 'an array literal');
    return { type: 'array', items };
  }

  private mapLiteral(): ExprNode {
    const entries: (readonly [ExprNode, ExprNode])[] = [];
    while (!this.is('bracket', '}')) {
      const token = this.current;
      let key: ExprNode;
      if (token.kind === 'ident' || token.kind === 'op') {
        this.next();
        key = { type: 'literal', value: token.value };
      } else if (token.kind === 'string' || token.kind === 'number') {
        this.next();
        key = { type: 'literal', value: String(token.literal) };
      } else if (token.kind === 'bracket' && token.value === '(') {
        key = this.primary();
      } else {
        throw new ExprError(`a map key is expected, got "${token.value}"`);
      }
      this.expect('op', ':', 'a map literal');
      entries.push([key, this.expression(0)]);
      if (!this.is('op', ',')) break;
      this.next();
    }
    this.expect('bracket', '}', 'a map literal');
    return { type: 'map', entries };
  }

  private postfix(start: ExprNode): ExprNode {
    let node = start;
    for (;;) {
      if (this.is('op', '.') || this.is('op', '?.')) {
        const optional = this.next().value === '?.';
        if (optional && this.is('bracket', '[')) {
          this.next();
          node = { type: 'member', object: node, key: this.expression(0), optional };
          this.expect('bracket', ']', 'an index');
          continue;
        }
        const name = this.next();
        if (name.kind !== 'ident' && name.kind !== 'op') {
          throw new ExprError(`a member name is expected after ".", got "${name.value}"`);
        }
        if (this.is('bracket', '(')) throw new Unsupported(`method calls (.${name.value}())`);
        node = { type: 'member', object: node, key: { type: 'literal', value: name.value }, optional };
        continue;
      }
      if (this.is('bracket', '[')) {
        this.next();
        let from: ExprNode | undefined;
        if (!this.is('op', ':')) from = this.expression(0);
        if (this.is('op', ':')) {
          this.next();
          const to = this.is('bracket', ']') ? undefined : this.expression(0);
          this.expect('bracket', ']', 'a slice');
          node = { type: 'slice', object: node, from, to };
          continue;
        }
        this.expect('bracket', ']', 'an index');
        node = { type: 'member', object: node, key: from as ExprNode, optional: false };
        continue;
      }
      return node;
    }
  }
}

/**
 * Parses expr-lang code. Returns the syntax tree, or `undefined` when it uses syntax the model does not
 * evaluate (closures, `let`, method calls …).
 *
 * @throws ExprError for code expr-lang would reject as well (unterminated string, unbalanced
 *   brackets, an empty expression, an unexpected token).
 */
export function parseExpression(code: string): ExprNode | undefined {
  try {
    return new Parser(tokenize(code)).parse();
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Evaluation

function isNil(value: unknown): boolean {
  return value === null || value === undefined;
}

function member(object: unknown, key: unknown, optional: boolean): unknown {
  if (isUnknown(object)) return object;
  if (isUnknown(key)) return key;
  if (isNil(object)) {
    if (optional) return null;
    throw new RuntimeFailure(`cannot fetch ${String(key)} from nil`);
  }
  if (object instanceof LookupMap) return object.get(String(key));
  if (object instanceof GoStruct) {
    if (typeof key !== 'string' || !object.has(key)) {
      // Kargo declares the result types of its functions (e.g. `kargoapi.Image` for imageFrom), so expr-lang's
      // checker rejects an unknown field at compile time (pkg/expressions/function/functions.go).
      throw new ExprError(
        `type ${object.type} has no field ${String(key)} (fields: ${object.fields.map((f) => f.name).join(', ')})`,
      );
    }
    return object.values[key];
  }
  if (Array.isArray(object) || typeof object === 'string') {
    if (typeof key !== 'number' || !Number.isInteger(key)) throw new RuntimeFailure('non-integer index');
    const index = key < 0 ? object.length + key : key;
    if (index < 0 || index >= object.length) throw new RuntimeFailure(`index out of range: ${key}`);
    if (typeof object === 'string') throw new RuntimeFailure('string index (a byte) is not modelled');
    return object[index];
  }
  if (typeof object === 'object') {
    const record = object as Record<string, unknown>;
    const name = String(key);
    // A missing key of a map[string]any is nil (expr-lang vm/runtime Fetch: the map's zero value).
    return Object.hasOwn(record, name) ? record[name] : null;
  }
  throw new RuntimeFailure(`cannot fetch ${String(key)} from ${typeof object}`);
}

function equal(a: unknown, b: unknown): boolean | Unknown {
  if (isNil(a) || isNil(b)) return isNil(a) && isNil(b);
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  const inside = findUnknown(a) ?? findUnknown(b);
  if (inside !== undefined) return inside;
  try {
    return marshalGoJson(a) === marshalGoJson(b);
  } catch (error) {
    if (error instanceof GoMarshalError) throw new RuntimeFailure(error.message);
    throw error;
  }
}

function asNumber(value: unknown, operator: string): number {
  if (typeof value !== 'number')
    throw new RuntimeFailure(`invalid operation: ${operator} on ${typeof value}`);
  return value;
}

function asString(value: unknown, operator: string): string {
  if (typeof value !== 'string')
    throw new RuntimeFailure(`invalid operation: ${operator} on ${typeof value}`);
  return value;
}

function asBool(value: unknown, operator: string): boolean {
  if (typeof value !== 'boolean')
    throw new RuntimeFailure(`invalid operation: ${operator} on ${typeof value}`);
  return value;
}

function binary(operator: string, left: unknown, right: unknown): unknown {
  if (isUnknown(left)) return left;
  if (isUnknown(right)) return right;
  switch (operator) {
    case '==':
      return equal(left, right);
    case '!=': {
      const same = equal(left, right);
      return isUnknown(same) ? same : !same;
    }
    case '+':
      if (typeof left === 'string' && typeof right === 'string') return left + right;
      if (Array.isArray(left) && Array.isArray(right)) return [...left, ...right];
      return asNumber(left, operator) + asNumber(right, operator);
    case '-':
      return asNumber(left, operator) - asNumber(right, operator);
    case '*':
      return asNumber(left, operator) * asNumber(right, operator);
    case '/':
      return asNumber(left, operator) / asNumber(right, operator);
    case '%': {
      const divisor = asNumber(right, operator);
      if (divisor === 0) throw new RuntimeFailure('integer divide by zero');
      return asNumber(left, operator) % divisor;
    }
    case '**':
    case '^':
      return asNumber(left, operator) ** asNumber(right, operator);
    case '<':
    case '>':
    case '<=':
    case '>=': {
      const [a, b] =
        typeof left === 'string' && typeof right === 'string'
          ? [left, right]
          : [asNumber(left, operator), asNumber(right, operator)];
      if (operator === '<') return a < b;
      if (operator === '>') return a > b;
      if (operator === '<=') return a <= b;
      return a >= b;
    }
    case 'contains':
      return asString(left, operator).includes(asString(right, operator));
    case 'startsWith':
      return asString(left, operator).startsWith(asString(right, operator));
    case 'endsWith':
      return asString(left, operator).endsWith(asString(right, operator));
    case 'matches':
      return new RegExp(asString(right, operator)).test(asString(left, operator));
    case 'in':
      if (Array.isArray(right)) {
        let unknown: Unknown | undefined;
        for (const item of right) {
          const same = equal(item, left);
          if (same === true) return true;
          if (isUnknown(same)) unknown ??= same;
        }
        return unknown ?? false;
      }
      if (right instanceof GoStruct) return typeof left === 'string' && right.has(left);
      if (typeof right === 'object' && right !== null && !(right instanceof LookupMap)) {
        return Object.hasOwn(right, String(left));
      }
      throw new RuntimeFailure(`invalid operation: in on ${typeof right}`);
    case '..': {
      const from = asNumber(left, operator);
      const to = asNumber(right, operator);
      return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
    }
  }
  throw new RuntimeFailure(`operator ${operator} is not modelled`);
}

/** `fmt.Sprintf("%v", x)`, as expr-lang's `string()` renders a value. */
function goString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isNil(value)) return '<nil>';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new RuntimeFailure('string() of a collection is not modelled');
}

/** The expr-lang built-ins the model evaluates (builtin/builtin.go); others give an unknown value. */
const BUILTINS: Record<string, ExprFunction> = {
  len: ([v]) => {
    if (typeof v === 'string') return new TextEncoder().encode(v).length;
    if (Array.isArray(v)) return v.length;
    if (typeof v === 'object' && v !== null && !(v instanceof LookupMap) && !(v instanceof GoStruct)) {
      return Object.keys(v).length;
    }
    throw new RuntimeFailure('invalid argument for len');
  },
  string: ([v]) => goString(v),
  upper: ([v]) => asString(v, 'upper').toUpperCase(),
  lower: ([v]) => asString(v, 'lower').toLowerCase(),
  trim: ([v, cut]) => {
    const s = asString(v, 'trim');
    if (cut === undefined) return s.trim();
    const chars = new Set(asString(cut, 'trim'));
    let start = 0;
    let end = s.length;
    while (start < end && chars.has(s.charAt(start))) start++;
    while (end > start && chars.has(s.charAt(end - 1))) end--;
    return s.slice(start, end);
  },
  trimPrefix: ([v, p]) => {
    const s = asString(v, 'trimPrefix');
    const prefix = asString(p ?? ' ', 'trimPrefix');
    return s.startsWith(prefix) ? s.slice(prefix.length) : s;
  },
  trimSuffix: ([v, p]) => {
    const s = asString(v, 'trimSuffix');
    const suffix = asString(p ?? ' ', 'trimSuffix');
    return suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s;
  },
  replace: ([v, from, to]) =>
    asString(v, 'replace').replaceAll(asString(from, 'replace'), asString(to, 'replace')),
  repeat: ([v, n]) => asString(v, 'repeat').repeat(asNumber(n, 'repeat')),
  split: ([v, sep]) => asString(v, 'split').split(asString(sep, 'split')),
  join: ([v, sep]) => {
    if (!Array.isArray(v)) throw new RuntimeFailure('join of a non-array');
    return v.map((item) => asString(item, 'join')).join(sep === undefined ? '' : asString(sep, 'join'));
  },
  hasPrefix: ([v, p]) => asString(v, 'hasPrefix').startsWith(asString(p, 'hasPrefix')),
  hasSuffix: ([v, p]) => asString(v, 'hasSuffix').endsWith(asString(p, 'hasSuffix')),
  indexOf: ([v, s]) => asString(v, 'indexOf').indexOf(asString(s, 'indexOf')),
  lastIndexOf: ([v, s]) => asString(v, 'lastIndexOf').lastIndexOf(asString(s, 'lastIndexOf')),
  abs: ([v]) => Math.abs(asNumber(v, 'abs')),
  ceil: ([v]) => Math.ceil(asNumber(v, 'ceil')),
  floor: ([v]) => Math.floor(asNumber(v, 'floor')),
  round: ([v]) => Math.round(asNumber(v, 'round')),
  int: ([v]) => {
    if (typeof v === 'number') return Math.trunc(v);
    const n = Number.parseInt(asString(v, 'int'), 10);
    if (!/^[+-]?\d+$/.test(asString(v, 'int'))) throw new RuntimeFailure('invalid int');
    return n;
  },
  float: ([v]) => {
    if (typeof v === 'number') return v;
    const n = Number(asString(v, 'float'));
    if (Number.isNaN(n)) throw new RuntimeFailure('invalid float');
    return n;
  },
  toJSON: ([v]) => {
    const inside = findUnknown(v);
    if (inside !== undefined) return inside;
    try {
      return marshalGoJson(v, '  ');
    } catch (error) {
      if (error instanceof GoMarshalError) throw new RuntimeFailure(error.message);
      throw error;
    }
  },
  fromJSON: ([v]) => {
    try {
      return JSON.parse(asString(v, 'fromJSON')) as unknown;
    } catch {
      throw new RuntimeFailure('fromJSON of invalid JSON');
    }
  },
  toBase64: ([v]) => Buffer.from(asString(v, 'toBase64'), 'utf8').toString('base64'),
  fromBase64: ([v]) => Buffer.from(asString(v, 'fromBase64'), 'base64').toString('utf8'),
  first: ([v]) => (Array.isArray(v) ? (v.length > 0 ? v[0] : null) : null),
  last: ([v]) => (Array.isArray(v) ? (v.length > 0 ? v[v.length - 1] : null) : null),
  keys: ([v]) => {
    if (
      typeof v !== 'object' ||
      v === null ||
      Array.isArray(v) ||
      v instanceof LookupMap ||
      v instanceof GoStruct
    ) {
      throw new RuntimeFailure('keys of a non-map');
    }
    return Object.keys(v);
  },
  values: ([v]) => {
    if (
      typeof v !== 'object' ||
      v === null ||
      Array.isArray(v) ||
      v instanceof LookupMap ||
      v instanceof GoStruct
    ) {
      throw new RuntimeFailure('values of a non-map');
    }
    return Object.values(v);
  },
};

function evaluateNode(node: ExprNode, env: ExprEnvironment): unknown {
  switch (node.type) {
    case 'literal':
      return node.value;
    case 'name':
      return Object.hasOwn(env.variables, node.name) ? env.variables[node.name] : null;
    case 'member':
      return member(evaluateNode(node.object, env), evaluateNode(node.key, env), node.optional);
    case 'slice': {
      const object = evaluateNode(node.object, env);
      if (isUnknown(object)) return object;
      if (!Array.isArray(object) && typeof object !== 'string')
        throw new RuntimeFailure('slice of a non-array');
      const from = node.from === undefined ? 0 : asNumber(evaluateNode(node.from, env), 'slice');
      const to = node.to === undefined ? object.length : asNumber(evaluateNode(node.to, env), 'slice');
      return object.slice(from, to);
    }
    case 'call': {
      const args = node.args.map((arg) => evaluateNode(arg, env));
      const fn = env.functions[node.name] ?? BUILTINS[node.name];
      if (fn === undefined) return new Unknown(`the function ${node.name}() is not modelled`);
      // Kargo's and expr-lang's functions are not called on unknown arguments, except quote()-like ones that
      // know their result type (they handle Unknown themselves).
      if (env.functions[node.name] === undefined) {
        const unknown = args.find(isUnknown);
        if (unknown !== undefined) return unknown;
      }
      return fn(args);
    }
    case 'unary': {
      const operand = evaluateNode(node.operand, env);
      if (isUnknown(operand)) return operand;
      if (node.operator === 'not' || node.operator === '!') return !asBool(operand, node.operator);
      if (node.operator === '-') return -asNumber(operand, '-');
      return asNumber(operand, '+');
    }
    case 'binary': {
      const left = evaluateNode(node.left, env);
      switch (node.operator) {
        case 'and':
        case '&&':
          if (left === false) return false;
          if (isUnknown(left)) return left;
          return asBool(evaluateNode(node.right, env), node.operator) && asBool(left, node.operator);
        case 'or':
        case '||':
          if (left === true) return true;
          if (isUnknown(left)) return left;
          return asBool(evaluateNode(node.right, env), node.operator) || asBool(left, node.operator);
        case '??':
          if (isUnknown(left)) return left;
          return isNil(left) ? evaluateNode(node.right, env) : left;
      }
      return binary(node.operator, left, evaluateNode(node.right, env));
    }
    case 'conditional': {
      const test = evaluateNode(node.test, env);
      if (isUnknown(test)) return test;
      return asBool(test, '?:') ? evaluateNode(node.then, env) : evaluateNode(node.otherwise, env);
    }
    case 'array':
      return node.items.map((item) => evaluateNode(item, env));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [keyNode, valueNode] of node.entries) {
        const key = evaluateNode(keyNode, env);
        if (isUnknown(key)) return key;
        out[String(key)] = evaluateNode(valueNode, env);
      }
      return out;
    }
  }
}

/**
 * Evaluates expr-lang code in an environment, as Kargo's `evaluateExpression` runs it (without the
 * delimiters). Returns a Go value (see values.ts), an {@link Unknown} when the code uses syntax the model
 * does not evaluate, calls a function it does not know, reads an unknown value, or would fail at runtime.
 *
 * @throws ExprError for code expr-lang would reject when compiling it.
 */
export function evaluateExpression(code: string, env: ExprEnvironment): unknown {
  const tree = parseExpression(code);
  if (tree === undefined)
    return new Unknown(`the expression "${code.trim()}" uses syntax the model does not evaluate`);
  try {
    return evaluateNode(tree, env);
  } catch (error) {
    if (error instanceof RuntimeFailure)
      return new Unknown(`the expression "${code.trim()}" fails: ${error.message}`);
    throw error;
  }
}
