// JSON Schema (draft 2020-12) validation of Kargo's subscription and step-config schemas with ajv, plus the
// translation of ajv errors into precise ValidationIssues.
//
// Expression awareness (step configs): Kargo evaluates `${{ ... }}` / `${% ... %}` expressions in a step's
// config before it validates the config against the step's schema, so a string holding an expression must be
// accepted wherever the schema expects something else (a boolean, an integer, an object, an enum value, a
// pattern or a format). Each value position of the schema is therefore rewritten (on a copy, once) to
//   { if: <string containing an expression>, then: true, else: <original> }.
// Inside constraint-only `oneOf`/`anyOf` branches (e.g. "exactly one of branch/commit/tag") an expression is
// treated as a value that is *set*: a branch property that only allows "unset" values (null, "", false) still
// rejects it, every other branch constraint accepts it. So `branch: ${{ vars.b }}` picks the "branch set"
// combination instead of matching several.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { loadJson } from './data.js';
import {
  childPath,
  didYouMean,
  indexPath,
  isObject,
  jsonType,
  show,
  type ValidationIssue,
} from './issues.js';

/** Matches a string that holds a Kargo expression. */
export const EXPRESSION_PATTERN = '\\$\\{\\{[\\s\\S]*?\\}\\}|\\$\\{%[\\s\\S]*?%\\}';
const EXPRESSION_RE = new RegExp(EXPRESSION_PATTERN);

/** True when `value` is a string holding a `${{ ... }}` (or `${% ... %}`) expression. */
export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && EXPRESSION_RE.test(value);
}

type Json = Record<string, unknown>;

let ajvInstance: Ajv2020 | undefined;
function ajv(): Ajv2020 {
  if (!ajvInstance) {
    ajvInstance = new Ajv2020({ allErrors: true, strict: false, verbose: true, validateFormats: true });
    addFormats.default(ajvInstance);
  }
  return ajvInstance;
}

const clone = <T>(value: T): T => structuredClone(value);

/** Copies definitions that `$ref` another vendored file into the schema's own `definitions`. */
function inlineExternalRefs(schema: Json, dir: string): void {
  const defs = (isObject(schema.definitions) ? schema.definitions : {}) as Json;
  schema.definitions = defs;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!isObject(node)) return;
    const ref = node.$ref;
    if (typeof ref === 'string' && !ref.startsWith('#')) {
      const [file = '', pointer = ''] = ref.split('#');
      const name = /^\/definitions\/([^/]+)$/.exec(pointer)?.[1];
      const external = loadJson(`${dir}/${file}`) as Json;
      const target = name && isObject(external.definitions) ? external.definitions[name] : undefined;
      if (!name || target === undefined) throw new Error(`vendored schema: unresolvable $ref ${ref}`);
      defs[name] = clone(target);
      node.$ref = `#/definitions/${name}`;
      visit(defs[name]);
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(schema);
}

const FALSY = new Set<unknown>([null, '', false]);
function onlyUnset(node: Json): boolean {
  if (Array.isArray(node.enum)) return node.enum.every((v) => FALSY.has(v));
  return 'const' in node && FALSY.has(node.const);
}

function acceptExpression(node: unknown): unknown {
  // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword of if/then/else
  return { if: { type: 'string', pattern: EXPRESSION_PATTERN }, then: true, else: node };
}

/** Rewrites the children of `node` for expression awareness (see the header comment). */
function rewriteChildren(node: Json): void {
  if (isObject(node.properties)) {
    for (const [key, child] of Object.entries(node.properties)) node.properties[key] = rewrite(child, false);
  }
  if (isObject(node.items)) node.items = rewrite(node.items, false);
  if (isObject(node.additionalProperties))
    node.additionalProperties = rewrite(node.additionalProperties, false);
  if (isObject(node.definitions)) {
    for (const def of Object.values(node.definitions)) if (isObject(def)) rewriteChildren(def);
  }
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    const branches = node[key];
    if (!Array.isArray(branches)) continue;
    for (const branch of branches) {
      if (!isObject(branch)) continue;
      if (isObject(branch.properties)) {
        for (const [prop, child] of Object.entries(branch.properties)) {
          branch.properties[prop] = rewrite(child, true);
        }
      }
    }
  }
}

function rewrite(node: unknown, inBranch: boolean): unknown {
  if (!isObject(node)) return node;
  rewriteChildren(node);
  if (inBranch && onlyUnset(node)) return node;
  return acceptExpression(node);
}

/** Options of a compiled validator. */
interface CompileOptions {
  readonly expressions: boolean;
}

const validators = new Map<string, ValidateFunction>();
/** Compiles (once) the vendored schema `relative` (e.g. `step-schemas/http-config.json`). */
export function compiled(relative: string, options: CompileOptions): ValidateFunction {
  const key = `${relative}|${options.expressions}`;
  let validate = validators.get(key);
  if (!validate) {
    const schema = clone(loadJson(relative)) as Json;
    // One vendored schema (git-tag) declares draft-07; it uses no keyword whose meaning differs in 2020-12.
    delete schema.$schema;
    inlineExternalRefs(schema, relative.slice(0, relative.lastIndexOf('/')));
    if (options.expressions) rewriteChildren(schema);
    validate = ajv().compile(schema);
    validators.set(key, validate);
  }
  return validate;
}

/** `/a/0/b~1c` -> `a[0].b/c` appended to `base`. */
function pointerToPath(base: string, pointer: string): string {
  let path = base;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment)) path = indexPath(path, segment);
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) path = childPath(path, segment);
    else path = indexPath(path, segment);
  }
  return path;
}

/** Describes one constraint-only combinator branch: `` `branch` set, `commit`, `tag` unset ``. */
function describeBranch(branch: unknown): string {
  if (!isObject(branch)) return 'any value';
  const set = Array.isArray(branch.required) ? branch.required.map(String) : [];
  const props = isObject(branch.properties) ? branch.properties : {};
  const unset = Object.entries(props)
    .filter(([, s]) => {
      const inner = isObject(s) && isObject(s.else) ? s.else : s;
      return isObject(inner) && onlyUnset(inner);
    })
    .map(([p]) => p);
  const parts: string[] = [];
  if (set.length) parts.push(`${set.join(' and ')} set`);
  if (unset.length) parts.push(`${unset.join(', ')} unset`);
  return parts.join(' with ') || 'no constraint';
}

function combinatorMessage(error: ErrorObject): string {
  const branches = Array.isArray(error.schema) ? error.schema : [];
  const data = isObject(error.data) ? error.data : {};
  const mentioned = new Set<string>();
  for (const b of branches) {
    if (!isObject(b)) continue;
    if (Array.isArray(b.required)) for (const r of b.required) mentioned.add(String(r));
    if (isObject(b.properties)) for (const p of Object.keys(b.properties)) mentioned.add(p);
  }
  const fields = [...mentioned].sort();
  const present = fields.filter((p) => data[p] !== undefined && !FALSY.has(data[p]));
  const got = present.length ? `${present.join(', ')} set` : `none of ${fields.join(', ')} set`;
  const options = branches.map((b, i) => `(${i + 1}) ${describeBranch(b)}`).join('; ');
  const passing = (error.params as { passingSchemas?: number[] | null }).passingSchemas;
  const verdict =
    error.keyword === 'oneOf' && Array.isArray(passing) && passing.length > 1
      ? 'matches more than one allowed combination'
      : 'matches none of the allowed combinations';
  const which = error.keyword === 'oneOf' ? 'exactly one' : 'at least one';
  return `${verdict} (got ${got}); ${which} of these must hold: ${options}`;
}

function issueFor(error: ErrorObject, base: string): ValidationIssue | undefined {
  const at = pointerToPath(base, error.instancePath);
  const params = error.params as Record<string, unknown>;
  const value = error.data;
  switch (error.keyword) {
    case 'if':
      return undefined;
    case 'required': {
      const name = String(params.missingProperty);
      return { path: childPath(at, name), message: `required field "${name}" is missing`, rule: 'required' };
    }
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const known = Object.keys(parent?.properties ?? {});
      const list = known.length ? `; known fields: ${known.join(', ')}` : '';
      return {
        path: childPath(at, name),
        message: `unknown field "${name}"${didYouMean(name, known)}${list}`,
        rule: 'unknown-field',
      };
    }
    case 'type': {
      const expected = String(params.type);
      const a = /^[aeiou]/.test(expected) ? 'an' : 'a';
      return {
        path: at,
        message: `expected ${a} ${expected}, got ${value === null ? 'null' : `${jsonType(value)} ${show(value)}`}`,
        rule: 'type',
      };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      const hint =
        typeof value === 'string'
          ? didYouMean(value, allowed.filter((v) => typeof v === 'string') as string[])
          : '';
      return {
        path: at,
        message: `unsupported value ${show(value)}${hint}; supported values: ${allowed.map((v) => show(v)).join(', ')}`,
        rule: 'enum',
      };
    }
    case 'const':
      return {
        path: at,
        message: `invalid value ${show(value)}: must be ${show(params.allowedValue)}`,
        rule: 'const',
      };
    case 'pattern':
      return {
        path: at,
        message: `invalid value ${show(value)}: must match the pattern ${String(params.pattern)}`,
        rule: 'pattern',
      };
    case 'format':
      return {
        path: at,
        message: `invalid value ${show(value)}: expected format ${String(params.format)}`,
        rule: 'format',
      };
    case 'minLength':
      return {
        path: at,
        message:
          params.limit === 1
            ? `invalid value ${show(value)}: must not be empty`
            : `invalid value ${show(value)}: must be at least ${String(params.limit)} characters long`,
        rule: 'minLength',
      };
    case 'maxLength':
      return {
        path: at,
        message: `invalid value ${show(value)}: must be at most ${String(params.limit)} characters long`,
        rule: 'maxLength',
      };
    case 'minItems':
      return {
        path: at,
        message: `must have at least ${String(params.limit)} item(s), got ${Array.isArray(value) ? value.length : 0}`,
        rule: 'minItems',
      };
    case 'maxItems':
      return {
        path: at,
        message: `must have at most ${String(params.limit)} item(s), got ${Array.isArray(value) ? value.length : 0}`,
        rule: 'maxItems',
      };
    case 'minProperties':
      return {
        path: at,
        message: `must have at least ${String(params.limit)} field(s)`,
        rule: 'minProperties',
      };
    case 'maxProperties':
      return {
        path: at,
        message: `must have at most ${String(params.limit)} field(s)`,
        rule: 'maxProperties',
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        path: at,
        message: `invalid value ${show(value)}: must be ${String(params.comparison)} ${String(params.limit)}`,
        rule: error.keyword,
      };
    case 'oneOf':
    case 'anyOf':
      return { path: at, message: combinatorMessage(error), rule: error.keyword };
    default:
      return {
        path: at,
        message: `invalid value ${show(value)}: ${error.message ?? error.keyword}`,
        rule: error.keyword,
      };
  }
}

/**
 * Validates `data` with a compiled validator and maps the errors. Errors inside a failed `oneOf`/`anyOf`
 * branch are folded into one message for the combinator; duplicate messages are dropped.
 */
export function runValidator(validate: ValidateFunction, data: unknown, base: string): ValidationIssue[] {
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const combinators = errors
    .filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')
    .map((e) => `${e.schemaPath}/`);
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (combinators.some((prefix) => error.schemaPath.startsWith(prefix))) continue;
    const issue = issueFor(error, base);
    if (!issue) continue;
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}
