/**
 * expr-lang code composed safely, and its rendering as a Kargo expression (`${{ … }}`).
 *
 * Every string passed where a value is expected is rendered as an expr-lang string literal: quotes and
 * backslashes are escaped, control characters and braces are written as `\uXXXX` escapes (Kargo ends an
 * expression at the first `}}`), so data can never end the expression early or inject code.
 *
 * @see https://docs.kargo.io/user-guide/reference-docs/expressions
 */

/** A rendered Kargo expression: `${{ code }}` (or `${% code %}` when the code contains `}}`). */
export type Expression = `\${{ ${string} }}` | `\${% ${string} %}`;

/** A value usable as an argument in an expression: code ({@link Expr}) or a literal. */
export type ExprValue = Expr | string | number | boolean | null;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** expr-lang words that cannot follow a `.` as a member name. */
const RESERVED_WORDS = new Set([
  'true',
  'false',
  'nil',
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
const TEMPLATE_START = /\$\{[{%]/;

/** Renders `value` as an expr-lang double-quoted string literal that is safe inside `${{ }}`. */
function stringLiteral(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '{' || ch === '}' || code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

function assertIdentifier(kind: string, name: string): void {
  if (!IDENTIFIER.test(name)) {
    throw new Error(
      `${kind} ${JSON.stringify(name)} is not a valid identifier (expected /^[A-Za-z_][A-Za-z0-9_]*$/)`,
    );
  }
}

function member(code: string, key: string | number): string {
  if (typeof key === 'number') {
    if (!Number.isInteger(key)) throw new Error(`expression index must be an integer, got ${key}`);
    return `${code}[${key}]`;
  }
  return IDENTIFIER.test(key) && !RESERVED_WORDS.has(key)
    ? `${code}.${key}`
    : `${code}[${stringLiteral(key)}]`;
}

/**
 * A piece of expr-lang code, composed safely. Render it with {@link Expr.render} (or in a template
 * string) to get the `${{ … }}` form Kargo evaluates.
 *
 * @example
 * Expr.call('imageFrom', 'ghcr.io/acme/app').get('Tag').render() // '${{ imageFrom("ghcr.io/acme/app").Tag }}'
 */
export class Expr {
  /**
   * Trusted expr-lang code, used as written (e.g. `'ctx.stage + "-" + vars.suffix'`).
   * Never pass user data here: use {@link Expr.literal} or {@link Expr.of} for values.
   */
  public static raw(code: string): Expr {
    if (code.trim().length === 0) throw new Error('Expr.raw: expression code must not be empty');
    return new Expr(code.trim());
  }

  /** A literal value: strings are quoted and escaped, numbers/booleans/null rendered as such. */
  public static literal(value: string | number | boolean | null): Expr {
    if (value === null) return new Expr('nil');
    if (typeof value === 'string') return new Expr(stringLiteral(value));
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new Error(`Expr.literal: ${value} is not a finite number`);
      return new Expr(String(value));
    }
    return new Expr(value ? 'true' : 'false');
  }

  /**
   * `value` as code: an {@link Expr} is used as is, anything else becomes a literal. A string that
   * contains `${{` or `${%` is rejected: it is almost certainly a rendered expression passed where
   * a value was expected (use the {@link Expr} form, e.g. `Expr.vars('repo')`, to reference it).
   */
  public static of(value: ExprValue): Expr {
    if (value instanceof Expr) return value;
    if (typeof value === 'string' && TEMPLATE_START.test(value)) {
      throw new Error(
        `${JSON.stringify(value)} looks like a rendered expression, but a literal value is expected here; ` +
          'to reference a value inside an expression pass an Expr (e.g. Expr.vars("name"), Expr.raw("ctx.stage"))',
      );
    }
    return Expr.literal(value);
  }

  /** A call of a Kargo/expr-lang function, e.g. `Expr.call('secret', 'gh')` → `secret("gh")`. */
  public static call(fn: string, ...args: readonly ExprValue[]): Expr {
    assertIdentifier('function name', fn);
    return new Expr(`${fn}(${args.map((a) => Expr.of(a).code).join(', ')})`);
  }

  /** `vars.<name>`: a promotion variable. */
  public static vars(name: string): Expr {
    assertIdentifier('variable name', name);
    return new Expr(`vars.${name}`);
  }

  /** `ctx` (or `ctx.<path…>`): the promotion context (`project`, `stage`, `targetFreight` …). */
  public static ctx(...path: readonly string[]): Expr {
    return new Expr('ctx').get(...path);
  }

  /** `outputs[<alias>]` (or a path below it): outputs of an earlier step in a promotion template. */
  public static outputs(alias: string, ...path: readonly (string | number)[]): Expr {
    return new Expr('outputs').get(alias, ...path);
  }

  /** `task.outputs[<alias>]` (or a path below it): outputs of an earlier step inside a PromotionTask. */
  public static taskOutputs(alias: string, ...path: readonly (string | number)[]): Expr {
    return new Expr('task.outputs').get(alias, ...path);
  }

  /**
   * An expr-lang map literal, `{"key": value, …}` (keys are always string literals; values are code or
   * literals). Inside `quote()` it is how a JSON document with evaluated values is built:
   * `quote(Expr.map({ref: 'main', reason: Expr.ctx('promotion')}))` evaluates to the JSON text
   * `{"reason":"…","ref":"main"}` (json.Marshal sorts keys), and Kargo keeps it a string.
   */
  public static map(entries: Readonly<Record<string, ExprValue>>): Expr {
    const members = Object.entries(entries).map(
      ([key, value]) => `${stringLiteral(key)}: ${Expr.of(value).code}`,
    );
    return new Expr(`{${members.join(', ')}}`);
  }

  /** An expr-lang array literal, `[a, b, …]` (items are code or literals). */
  public static list(items: readonly ExprValue[]): Expr {
    return new Expr(`[${items.map((item) => Expr.of(item).code).join(', ')}]`);
  }

  /** `(a + b + …)`: string concatenation of code and literals, e.g. `Expr.concat('base ', Expr.ctx('stage'))`. */
  public static concat(...parts: readonly ExprValue[]): Expr {
    const [only, ...rest] = parts;
    if (only === undefined) return Expr.literal('');
    if (rest.length === 0) return Expr.of(only);
    return new Expr(`(${parts.map((p) => Expr.of(p).code).join(' + ')})`);
  }

  /** `warehouse("<name>")`: a Freight origin for the `*From` functions. */
  public static warehouse(name: string | { readonly warehouseName: string }): Expr {
    return Expr.call('warehouse', typeof name === 'string' ? name : name.warehouseName);
  }

  /** The expr-lang code (without `${{ }}`). */
  public readonly code: string;

  private constructor(code: string) {
    this.code = code;
  }

  /** Member access: `.name` for identifiers, `["name"]` otherwise, `[n]` for numbers. */
  public get(...path: readonly (string | number)[]): Expr {
    return new Expr(path.reduce<string>((code, key) => member(code, key), this.code));
  }

  /** `(this ?? fallback)`: a default for `nil` (the `*From` functions return nil when nothing matches). */
  public orElse(fallback: ExprValue): Expr {
    return new Expr(`(${this.code} ?? ${Expr.of(fallback).code})`);
  }

  /** The rendered `${{ code }}` string (`${% code %}` if the code itself contains `}}`). */
  public render(): Expression {
    if (!this.code.includes('}}')) return `\${{ ${this.code} }}`;
    if (!this.code.includes('%}')) return `\${% ${this.code} %}`;
    throw new Error(`expression code contains both "}}" and "%}" and cannot be delimited: ${this.code}`);
  }

  /** Same as {@link Expr.render}, so `${expr}` in a template string works. */
  public toString(): string {
    return this.render();
  }

  /** Same as {@link Expr.render}, so an Expr serializes as its rendered string. */
  public toJSON(): string {
    return this.render();
  }
}

/** Renders trusted expr-lang code as `${{ code }}`: `expr('ctx.stage')` → `'${{ ctx.stage }}'`. */
export function expr(code: string | Expr): Expression {
  return (typeof code === 'string' ? Expr.raw(code) : code).render();
}

/**
 * `${{ quote(value) }}`: forces a string result. Kargo parses a *whole-value* expression result
 * that looks like a number, boolean or JSON (`1.20`, `true`, `{…}`) as that type; wrap values such
 * as image tags used as a whole config value in `quote()` when a string is required.
 */
export function quote(value: ExprValue): Expression {
  return Expr.call('quote', value).render();
}

/** `${{ status("alias") }}`: the status of an earlier step, for `if` conditions. */
export function stepStatus(alias: string): Expression {
  return Expr.call('status', alias).render();
}

/** `${{ always() }}`: run a step even after an earlier step failed. */
export function always(): Expression {
  return Expr.call('always').render();
}

/** `${{ failure() }}`: run a step only when an earlier step failed. */
export function failure(): Expression {
  return Expr.call('failure').render();
}

/** `${{ success() }}`: run a step only when all earlier steps succeeded (Kargo's default). */
export function success(): Expression {
  return Expr.call('success').render();
}

/**
 * Whether `value` contains a Kargo expression (`${{` or `${%`). Such strings are only evaluated at
 * promotion time, so static schema checks accept them where a typed value is expected.
 */
export function containsExpression(value: string): boolean {
  return TEMPLATE_START.test(value);
}

/**
 * `{{args.<name>}}`: an Argo Rollouts analysis argument reference, for AnalysisTemplate job specs
 * (not a Kargo expression).
 */
export function analysisArg(name: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new Error(`analysis argument name ${JSON.stringify(name)} must match /^[A-Za-z0-9_.-]+$/`);
  }
  return `{{args.${name}}}`;
}
