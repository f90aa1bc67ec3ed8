// A faithful model of Kargo v1.11.2's template evaluation, `pkg/expressions/json_templates.go`:
//
// - `EvaluateTemplate` (one string): a string without `${{` or `${%` is returned as is; otherwise every
//   expression between `${{ }}` or `${% %}` is evaluated (a string result is written as is, any other result
//   as JSON) and the text around them is kept; then the result is *re-typed*: one trailing newline is set
//   aside; a result of two or more characters enclosed in double quotes becomes the string between them (plus
//   the newline); otherwise a result Go's `strconv.ParseFloat` accepts becomes a number, one
//   `strconv.ParseBool` accepts a bool, valid JSON its value; anything else stays a string (plus the newline).
// - `EvaluateJSONTemplate` (a step config): every string *value* of the JSON document, at any depth, goes
//   through `EvaluateTemplate`; keys are never evaluated.
//
// Expressions themselves are evaluated by a resolver (see expr-lang.ts for the model of expr-lang used at
// synth time); this module only knows the template mechanics, so other models (e.g. a freight-flow
// simulation with real Freight) can reuse it with their own resolver.
import { GoMarshalError, marshalGoJson, parseGoBool, parseGoFloat, unmarshalGoJson } from './go.js';
import { findUnknown, isUnknown, Unknown } from './values.js';

/** Evaluates the expr-lang code of one expression (without delimiters) to a Go value (see values.ts). */
export type ExpressionResolver = (code: string) => unknown;

/** A template Kargo cannot evaluate (an unclosed expression, a result json.Marshal refuses). */
export class TemplateError extends Error {
  public override readonly name = 'TemplateError';
}

/** The delimiters Kargo accepts, in the order `nextExpression` tries them (json_templates.go `supportedDelimiters`). */
export const TEMPLATE_DELIMITERS = [
  { start: '${{', end: '}}' },
  { start: '${%', end: '%}' },
] as const;

/** One piece of a template: literal text, or the code of one expression. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'expression'; readonly code: string; readonly delimiter: '${{' | '${%' };

/**
 * Whether Kargo evaluates `value` at all: it contains `${{` or `${%` (json_templates.go `EvaluateTemplate`,
 * the `hasDelim` check). Such a string is evaluated even if the delimiter is never closed (an error).
 */
export function isTemplate(value: string): boolean {
  return TEMPLATE_DELIMITERS.some((d) => value.includes(d.start));
}

/**
 * Splits a template into text and expressions as Kargo's `nextExpression` does: the earliest opening
 * delimiter wins, and the expression ends at the first matching closing delimiter after it (so `}}` cannot
 * appear inside a `${{ }}` expression — use `${% %}` for code containing `}}`).
 *
 * @throws TemplateError for an opening delimiter that is never closed.
 */
export function splitTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let rest = template;
  for (;;) {
    let found: (typeof TEMPLATE_DELIMITERS)[number] | undefined;
    let at = -1;
    for (const d of TEMPLATE_DELIMITERS) {
      const i = rest.indexOf(d.start);
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
        found = d;
      }
    }
    if (found === undefined) {
      if (rest !== '') parts.push({ kind: 'text', text: rest });
      return parts;
    }
    const codeStart = at + found.start.length;
    const end = rest.indexOf(found.end, codeStart);
    if (end < 0) {
      throw new TemplateError(`unclosed expression: expected "${found.end}" but reached end of template`);
    }
    if (at > 0) parts.push({ kind: 'text', text: rest.slice(0, at) });
    parts.push({ kind: 'expression', code: rest.slice(codeStart, end), delimiter: found.start });
    rest = rest.slice(end + found.end.length);
  }
}

/** Which of Kargo's re-typing rules applies to an evaluated text (see {@link retypeTemplateResult}). */
export type RetypingRule = 'quoted' | 'number' | 'boolean' | 'json' | 'string';

/**
 * The rule `EvaluateTemplate` applies to the text an evaluated template produced: `quoted` (enclosed in
 * double quotes: the string inside), `number` (strconv.ParseFloat accepts it), `boolean`
 * (strconv.ParseBool accepts it), `json` (valid JSON) or `string` (none of these: the text itself).
 */
export function retypingRule(text: string): RetypingRule {
  const result = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (result.length > 1 && result.startsWith('"') && result.endsWith('"')) return 'quoted';
  if (parseGoFloat(result) !== undefined) return 'number';
  if (parseGoBool(result) !== undefined) return 'boolean';
  if (unmarshalGoJson(result).ok) return 'json';
  return 'string';
}

/**
 * The re-typing Kargo applies to the text an evaluated template produced (json_templates.go
 * `EvaluateTemplate`, after `evaluateTemplate`): one trailing newline is set aside; a text of two or more
 * characters enclosed in double quotes becomes the string between them (newline restored); otherwise
 * ParseFloat (before ParseBool, so that "0" and "1" are numbers), ParseBool, then JSON; else the text
 * (newline restored).
 */
export function retypeTemplateResult(text: string): unknown {
  const removedNewline = text.endsWith('\n');
  const result = removedNewline ? text.slice(0, -1) : text;
  switch (retypingRule(text)) {
    case 'quoted':
      return result.slice(1, -1) + (removedNewline ? '\n' : '');
    case 'number':
      return parseGoFloat(result);
    case 'boolean':
      return parseGoBool(result);
    case 'json': {
      const json = unmarshalGoJson(result);
      return json.ok ? json.value : result;
    }
    case 'string':
      return result + (removedNewline ? '\n' : '');
  }
}

/**
 * The text a template evaluates to *before* re-typing (json_templates.go `evaluateTemplate`): the text
 * around expressions kept, each expression replaced by its result (a string as is, anything else as JSON).
 * An {@link Unknown} when any expression's value is unknown.
 *
 * @throws TemplateError when Kargo would fail (unclosed expression, a result json.Marshal refuses).
 */
export function renderTemplate(template: string, resolve: ExpressionResolver): string | Unknown {
  let text = '';
  const unknown: string[] = [];
  const parts = splitTemplate(template);
  // A template that is one quote()d expression of an unknown value still evaluates to a string.
  let quotedAlone = false;
  for (const part of parts) {
    if (part.kind === 'text') {
      text += part.text;
      continue;
    }
    const value = resolve(part.code);
    if (isUnknown(value)) {
      unknown.push(value.reason);
      quotedAlone = parts.length === 1 && value.kind === 'quoted';
      continue;
    }
    // A list, map or struct holding an unknown value (e.g. an image annotation) has unknown JSON text.
    const inside = findUnknown(value);
    if (inside !== undefined) {
      unknown.push(inside.reason);
      continue;
    }
    if (typeof value === 'string') {
      text += value;
      continue;
    }
    try {
      text += marshalGoJson(value);
    } catch (error) {
      if (error instanceof GoMarshalError) throw new TemplateError(error.message, { cause: error });
      throw error;
    }
  }
  if (unknown.length > 0)
    return new Unknown([...new Set(unknown)].join('; '), quotedAlone ? 'string' : 'any');
  return text;
}

/**
 * Kargo's `EvaluateTemplate`: the value a string of a step config (or a verification argument, a step
 * `if`, a variable) has after Kargo evaluated it. Returns the string itself when it holds no expression,
 * an {@link Unknown} when the resolver returned one for any of its expressions (the result cannot be
 * known), and otherwise the re-typed result: a string, number, boolean, null, array or object.
 *
 * @param template the string as written in the manifest.
 * @param resolve evaluates one expression's code to its Go value.
 * @throws TemplateError when Kargo would fail (unclosed expression, a result json.Marshal refuses); the
 *   resolver's own errors propagate.
 * @see https://github.com/akuity/kargo/blob/v1.11.2/pkg/expressions/json_templates.go
 */
export function evaluateTemplate(template: string, resolve: ExpressionResolver): unknown {
  if (!isTemplate(template)) return template;
  const text = renderTemplate(template, resolve);
  return isUnknown(text) ? text : retypeTemplateResult(text);
}

/**
 * Kargo's `EvaluateJSONTemplate` on a decoded config: a copy in which every string value (in objects and
 * arrays, at any depth; never keys) is replaced by {@link evaluateTemplate}'s result. Unknown results stay
 * {@link Unknown} instances.
 */
export function evaluateJsonTemplate(config: unknown, resolve: ExpressionResolver): unknown {
  if (typeof config === 'string') return evaluateTemplate(config, resolve);
  if (Array.isArray(config)) return config.map((item) => evaluateJsonTemplate(item, resolve));
  if (typeof config === 'object' && config !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) out[key] = evaluateJsonTemplate(value, resolve);
    return out;
  }
  return config;
}
