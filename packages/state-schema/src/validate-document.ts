import type * as z from 'zod';
import type { StateProblem, StateProblemCode } from './model.js';
import { didYouMean, fieldPath, problem, sortProblems } from './problems.js';
import { ruleFor } from './schema/fields.js';
import type { YamlSource } from './yaml-source.js';

/** How to describe and position problems of one document (or one images.yaml entry). */
export interface DocumentContext {
  readonly source: YamlSource;
  /** Path of the validated value inside the document (e.g. `[3]` for the 4th images.yaml entry). */
  readonly basePath: readonly (string | number)[];
  /** Prefix of every message, e.g. `image "backstage": `; empty for whole files. */
  readonly subject: string;
  /** Extra hints for unknown fields, by field name (e.g. fields of the other entry kind). */
  readonly unknownFieldHints?: Readonly<Record<string, string>>;
}

/** Validates `data` against `schema`, returning the output or every problem, positioned in the YAML. */
export function validateDocument<S extends z.ZodType>(
  schema: S,
  data: unknown,
  ctx: DocumentContext,
): { ok: true; value: z.output<S> } | { ok: false; problems: StateProblem[] } {
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, value: result.data };
  const problems: StateProblem[] = [];
  const seen = new Set<string>();
  for (const issue of result.error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(schema, path);
      for (const key of issue.keys) {
        const full = [...path, key];
        const hint =
          ctx.unknownFieldHints?.[key] ??
          suggestion(key, allowed) ??
          (allowed.length > 0 ? `allowed fields here: ${allowed.join(', ')}` : undefined);
        problems.push(
          problem(
            'error',
            'unknown-field',
            ctx.source.locate([...ctx.basePath, ...full], 'key'),
            [...ctx.basePath, ...full],
            `${ctx.subject}unknown field "${fieldPath(full)}"`,
            hint,
          ),
        );
      }
      continue;
    }
    const key = JSON.stringify(path);
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(describeIssue(issue, path, data, ctx));
  }
  return { ok: false, problems: sortProblems(problems) };
}

function describeIssue(
  issue: z.core.$ZodIssue,
  path: (string | number)[],
  data: unknown,
  ctx: DocumentContext,
): StateProblem {
  const value = valueAt(data, path);
  const fullPath = [...ctx.basePath, ...path];
  const got = () =>
    typeof value === 'string'
      ? describeValue(value)
      : (ctx.source.sourceText(fullPath) ?? describeValue(value));
  const field = path.length > 0 ? fieldPath(path) : 'the document';
  const report = (code: StateProblemCode, message: string, hint?: string, at = ctx.source.locate(fullPath)) =>
    problem('error', code, at, fullPath, `${ctx.subject}${message}`, hint);

  if (issue.code === 'invalid_type') {
    if (value === undefined) {
      return report(
        'missing-field',
        `${field} is required`,
        path.length > 1
          ? `add "${String(path.at(-1))}:" under "${fieldPath(path.slice(0, -1))}"`
          : `add a "${String(path.at(-1))}:" field`,
        ctx.source.locate(fullPath.slice(0, -1)),
      );
    }
    const expected = describeExpected(issue.expected);
    let hint: string | undefined;
    if (issue.expected === 'boolean' && typeof value === 'string') {
      hint = 'write true or false (YAML 1.2 reads yes, no, on and off as text)';
    }
    if (issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
      const written = ctx.source.sourceText(fullPath) ?? String(value);
      hint = `YAML reads ${written} as a ${typeof value}: quote it, e.g. "${written}"`;
    }
    return report('invalid-type', `${field} must be ${expected} (got ${got()})`, hint);
  }
  if (issue.code === 'invalid_value') {
    const values = issue.values.map(String);
    const hint = typeof value === 'string' ? suggestion(value, values) : undefined;
    const code: StateProblemCode =
      path.at(-1) === 'imageSelectionStrategy' ? 'invalid-strategy' : 'invalid-value';
    return report(code, `${field} must be one of ${values.join(', ')} (got ${got()})`, hint);
  }
  const rule = ruleFor(issue.message);
  if (rule) return report(rule.code, `${field} ${rule.message} (got ${got()})`, rule.hint);
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    const bound = issue.code === 'too_big' ? `at most ${issue.maximum}` : `at least ${issue.minimum}`;
    const unit =
      issue.origin === 'string' ? ' characters long' : issue.origin === 'array' ? ' items long' : '';
    return report('invalid-value', `${field} must be ${bound}${unit} (got ${got()})`);
  }
  return report('invalid-value', `${field}: ${lowerFirst(issue.message)}`);
}

function suggestion(input: string, candidates: readonly string[]): string | undefined {
  const match = didYouMean(input, candidates);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'object':
      return 'a map of fields';
    case 'array':
      return 'a list';
    case 'int':
      return 'a whole number';
    default:
      return `a ${expected}`;
  }
}

/** A short, quoted rendering of a value for messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  return String(value);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** The field names the schema allows for the object at `path` (wrappers unwrapped). */
export function allowedKeys(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  let current: unknown = schema;
  for (const segment of [...path, null]) {
    current = unwrap(current);
    if (segment === null) break;
    const def = defOf(current);
    if (def?.type === 'array') current = def.element;
    else if (def?.type === 'object') current = (def.shape as Record<string, unknown>)[String(segment)];
    else if (def?.type === 'record') current = def.valueType;
    else return [];
  }
  const def = defOf(current);
  return def?.type === 'object' ? Object.keys(def.shape as object).sort() : [];
}

function defOf(schema: unknown): Record<string, unknown> | undefined {
  return (schema as { _zod?: { def?: Record<string, unknown> } } | undefined)?._zod?.def;
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (
      def &&
      'innerType' in def &&
      ['optional', 'nullable', 'default', 'prefault'].includes(String(def.type))
    ) {
      current = def.innerType;
    } else {
      return current;
    }
  }
}
