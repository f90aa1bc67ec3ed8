// Validation and defaulting of values against a CRD's structural `openAPIV3Schema`, the way the Kubernetes
// API server does it for a create with `fieldValidation=Strict` (kubectl's default).
//
// Why a small walker instead of ajv: a structural schema is OpenAPI v3 with Kubernetes extensions that change
// its meaning — `x-kubernetes-preserve-unknown-fields` (open object), `x-kubernetes-int-or-string`,
// `x-kubernetes-list-type: set|map` (uniqueness), `nullable`, boolean `exclusiveMinimum`, "no additionalProperties
// means closed" — and it carries CEL rules (`x-kubernetes-validations`) that must see each node's value as
// `self`. Converting all of that into JSON Schema for ajv and mapping ajv's errors back is more code than
// walking the schema directly, and the walker can report apiserver-like, field-precise messages and apply
// defaults in the same pass order the apiserver uses (prune non-nullable nulls, default, then validate).
import { evaluateRule } from './cel.js';
import {
  childPath,
  didYouMean,
  indexPath,
  isObject,
  jsonType,
  show,
  type ValidationIssue,
} from './issues.js';

/** A CEL rule of `x-kubernetes-validations`. */
export interface CelRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly fieldPath?: string;
  readonly reason?: string;
}

/** The subset of a Kubernetes structural schema (OpenAPI v3 + extensions) that the walker understands. */
export interface StructuralSchema {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly description?: string;
  readonly properties?: Readonly<Record<string, StructuralSchema>>;
  readonly additionalProperties?: StructuralSchema | boolean;
  readonly items?: StructuralSchema;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly format?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: boolean;
  readonly exclusiveMaximum?: boolean;
  readonly multipleOf?: number;
  readonly uniqueItems?: boolean;
  readonly nullable?: boolean;
  readonly default?: unknown;
  readonly anyOf?: readonly StructuralSchema[];
  readonly oneOf?: readonly StructuralSchema[];
  readonly allOf?: readonly StructuralSchema[];
  readonly not?: StructuralSchema;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
  readonly 'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  readonly 'x-kubernetes-map-type'?: string;
  readonly 'x-kubernetes-validations'?: readonly CelRule[];
  /**
   * Library extension, used only by the hand-written core-kind schemas: a pattern every key of a map
   * (`additionalProperties`) must match, with a description for the message.
   */
  readonly 'x-key-pattern'?: { readonly pattern: string; readonly description: string };
}

const regexCache = new Map<string, RegExp>();
/** Go RE2 patterns of the CRDs are compiled without the `u` flag (RE2 allows escapes like `\_`). */
function regex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern);
    regexCache.set(pattern, re);
  }
  return re;
}

/** Plain-language reading of patterns that occur in the vendored CRDs, appended to pattern messages. */
const PATTERN_HINTS: Readonly<Record<string, string>> = {
  '^([0-9]+(\\.[0-9]+)?(s|m|h))+$': 'a duration such as "5m0s", "90s" or "1h30m" with units s, m and h only',
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$':
    'a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
  '^[a-zA-Z_]\\w*$': 'an identifier: a letter or "_" followed by letters, digits or "_"',
};

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** String formats the apiserver checks (others, e.g. int32/int64 on integers, are not string formats). */
const FORMATS: Readonly<
  Record<string, { readonly test: (s: string) => boolean; readonly expected: string }>
> = {
  'date-time': {
    test: (s) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)),
    expected: 'an RFC 3339 date-time such as "2025-01-31T12:00:00Z"',
  },
  email: { test: (s) => EMAIL.test(s), expected: 'an email address such as "bot@example.com"' },
  byte: { test: (s) => BASE64.test(s), expected: 'base64-encoded data' },
};

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function childSchema(schema: StructuralSchema, key: string): StructuralSchema | undefined {
  const own = schema.properties?.[key];
  if (own) return own;
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}

/**
 * Returns a defaulted copy of `value` (the input is not modified), as the apiserver does on create:
 * `null` in a non-nullable field is pruned, then absent fields with a `default` get it (recursively, so
 * defaults inside a defaulted object apply too), in arrays and maps as well.
 */
export function defaultValue(value: unknown, schema: StructuralSchema): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => (schema.items ? defaultValue(item, schema.items) : clone(item)));
  }
  if (!isObject(value)) return clone(value);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const sub = childSchema(schema, key);
    if (child === null && sub && !sub.nullable) continue;
    out[key] = sub ? defaultValue(child, sub) : clone(child);
  }
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    if (!(key in out) && sub.default !== undefined) out[key] = defaultValue(clone(sub.default), sub);
  }
  return out;
}

/** Options of {@link validateValue}. */
export interface WalkOptions {
  /** Report fields that the schema does not declare (strict field validation). @default true */
  readonly unknownFields?: boolean;
  /** Evaluate `x-kubernetes-validations` CEL rules. @default true */
  readonly cel?: boolean;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function typeMatches(type: NonNullable<StructuralSchema['type']>, value: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
  }
}

const article = (type: string): string => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

class Walker {
  constructor(
    private readonly issues: ValidationIssue[],
    private readonly options: Required<WalkOptions>,
  ) {}

  private add(path: string, message: string, rule: string): void {
    this.issues.push({ path, message, rule });
  }

  /** True when `value` satisfies `schema` (used for anyOf/oneOf/allOf/not; no unknown-field or CEL checks). */
  private matches(value: unknown, schema: StructuralSchema): boolean {
    const scratch: ValidationIssue[] = [];
    new Walker(scratch, { unknownFields: false, cel: false }).value(value, schema, '');
    return scratch.length === 0;
  }

  value(value: unknown, schema: StructuralSchema, path: string): void {
    if (value === null) {
      if (schema.nullable) return;
      if (schema.type || schema['x-kubernetes-int-or-string']) {
        const expected = schema['x-kubernetes-int-or-string']
          ? 'an integer or a string'
          : article(schema.type ?? '');
        this.add(path, `expected ${expected}, got null; remove the field or set a value`, 'type');
      }
      return;
    }
    if (schema['x-kubernetes-int-or-string']) {
      if (!(typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)))) {
        this.add(path, `expected an integer or a string, got ${jsonType(value)} ${show(value)}`, 'type');
        return;
      }
    } else if (schema.type && !typeMatches(schema.type, value)) {
      this.add(path, `expected ${article(schema.type)}, got ${jsonType(value)} ${show(value)}`, 'type');
      return;
    }
    if (schema.enum && !schema.enum.some((allowed) => deepEqual(allowed, value))) {
      const supported = schema.enum.map((v) => show(v)).join(', ');
      const hint = typeof value === 'string' ? didYouMean(value, schema.enum.map(String)) : '';
      this.add(path, `unsupported value ${show(value)}${hint}; supported values: ${supported}`, 'enum');
    }
    if (typeof value === 'string') this.string(value, schema, path);
    else if (typeof value === 'number') this.number(value, schema, path);
    else if (Array.isArray(value)) this.array(value, schema, path);
    else if (isObject(value)) this.object(value, schema, path);
    this.combinators(value, schema, path);
    // Like the apiserver, rules run whenever the node itself has the declared type, even when a child failed.
    if (this.options.cel) this.celRules(value, schema, path);
  }

  private string(value: string, schema: StructuralSchema, path: string): void {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) {
      const what =
        schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters long`;
      this.add(path, `invalid value ${show(value)}: ${what}`, 'minLength');
    }
    if (schema.maxLength !== undefined && length > schema.maxLength) {
      this.add(
        path,
        `invalid value ${show(value)}: must be at most ${schema.maxLength} characters long (it has ${length})`,
        'maxLength',
      );
    }
    if (schema.pattern !== undefined && !regex(schema.pattern).test(value)) {
      const hint = PATTERN_HINTS[schema.pattern];
      const expected = hint
        ? `must be ${hint} (pattern ${schema.pattern})`
        : `must match the pattern ${schema.pattern}`;
      this.add(path, `invalid value ${show(value)}: ${expected}`, 'pattern');
    }
    const format = schema.format ? FORMATS[schema.format] : undefined;
    if (format && !format.test(value)) {
      this.add(
        path,
        `invalid value ${show(value)}: expected ${format.expected} (format ${schema.format})`,
        'format',
      );
    }
  }

  private number(value: number, schema: StructuralSchema, path: string): void {
    if (schema.minimum !== undefined) {
      const ok = schema.exclusiveMinimum ? value > schema.minimum : value >= schema.minimum;
      if (!ok) {
        this.add(
          path,
          `invalid value ${value}: must be ${schema.exclusiveMinimum ? '>' : '>='} ${schema.minimum}`,
          'minimum',
        );
      }
    }
    if (schema.maximum !== undefined) {
      const ok = schema.exclusiveMaximum ? value < schema.maximum : value <= schema.maximum;
      if (!ok) {
        this.add(
          path,
          `invalid value ${value}: must be ${schema.exclusiveMaximum ? '<' : '<='} ${schema.maximum}`,
          'maximum',
        );
      }
    }
    if (schema.multipleOf !== undefined && value % schema.multipleOf !== 0) {
      this.add(path, `invalid value ${value}: must be a multiple of ${schema.multipleOf}`, 'multipleOf');
    }
  }

  private array(value: readonly unknown[], schema: StructuralSchema, path: string): void {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      this.add(path, `must have at least ${schema.minItems} item(s), got ${value.length}`, 'minItems');
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      this.add(path, `must have at most ${schema.maxItems} item(s), got ${value.length}`, 'maxItems');
    }
    const listType = schema['x-kubernetes-list-type'];
    if (listType === 'set' || schema.uniqueItems) {
      const seen = new Set<string>();
      value.forEach((item, i) => {
        const key = JSON.stringify(item);
        if (seen.has(key)) {
          this.add(
            indexPath(path, i),
            `duplicate value ${show(item)}: the items of this list must be unique`,
            'list-type-set',
          );
        }
        seen.add(key);
      });
    } else if (listType === 'map') {
      const keys = schema['x-kubernetes-list-map-keys'] ?? [];
      const seen = new Set<string>();
      value.forEach((item, i) => {
        if (!isObject(item)) return;
        const tuple = keys
          .map((k) => `${k}=${show(item[k] ?? schema.items?.properties?.[k]?.default)}`)
          .join(', ');
        if (seen.has(tuple)) {
          this.add(
            indexPath(path, i),
            `duplicate entry with ${tuple}: entries of this list must be unique by ${keys.join(', ')}`,
            'list-type-map',
          );
        }
        seen.add(tuple);
      });
    }
    if (schema.items) {
      const items = schema.items;
      value.forEach((item, i) => {
        this.value(item, items, indexPath(path, i));
      });
    }
  }

  private object(value: Readonly<Record<string, unknown>>, schema: StructuralSchema, path: string): void {
    for (const name of schema.required ?? []) {
      if (value[name] === undefined) {
        this.add(childPath(path, name), `required field "${name}" is missing`, 'required');
      }
    }
    const keys = Object.keys(value);
    if (schema.minProperties !== undefined && keys.length < schema.minProperties) {
      this.add(
        path,
        `must have at least ${schema.minProperties} field(s), got ${keys.length}`,
        'minProperties',
      );
    }
    if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
      this.add(
        path,
        `must have at most ${schema.maxProperties} field(s), got ${keys.length}`,
        'maxProperties',
      );
    }
    const declared = Object.keys(schema.properties ?? {});
    const keyPattern = schema['x-key-pattern'];
    for (const key of keys) {
      const child = value[key];
      if (child === undefined) continue;
      const own = schema.properties?.[key];
      if (own) {
        this.value(child, own, childPath(path, key));
        continue;
      }
      const extra = schema.additionalProperties;
      if (typeof extra === 'object' || extra === true) {
        const mapPath = indexPath(path, key);
        if (keyPattern && !regex(keyPattern.pattern).test(key)) {
          this.add(mapPath, `invalid key ${show(key)}: must be ${keyPattern.description}`, 'key-pattern');
        }
        if (typeof extra === 'object') this.value(child, extra, mapPath);
        continue;
      }
      if (schema['x-kubernetes-preserve-unknown-fields'] || !this.options.unknownFields) continue;
      const known = declared.length
        ? `; known fields: ${declared.join(', ')}`
        : '; this object takes no fields';
      this.add(
        childPath(path, key),
        `unknown field "${key}"${didYouMean(key, declared)}${known}`,
        'unknown-field',
      );
    }
  }

  private combinators(value: unknown, schema: StructuralSchema, path: string): void {
    if (schema.allOf) {
      schema.allOf.forEach((sub, i) => {
        if (!this.matches(value, sub))
          this.add(path, `invalid value ${show(value)}: must satisfy allOf[${i}]`, 'allOf');
      });
    }
    if (schema.anyOf && !schema.anyOf.some((sub) => this.matches(value, sub))) {
      const types = schema.anyOf.map((s) => s.type).filter(Boolean);
      const expected =
        types.length === schema.anyOf.length
          ? `one of the types ${types.join(', ')}`
          : 'one of the anyOf schemas';
      this.add(path, `invalid value ${show(value)}: expected ${expected}`, 'anyOf');
    }
    if (schema.oneOf) {
      const count = schema.oneOf.filter((sub) => this.matches(value, sub)).length;
      if (count !== 1) {
        this.add(
          path,
          `invalid value ${show(value)}: must match exactly one oneOf schema, matches ${count}`,
          'oneOf',
        );
      }
    }
    if (schema.not && this.matches(value, schema.not)) {
      this.add(path, `invalid value ${show(value)}: must not match the "not" schema`, 'not');
    }
  }

  private celRules(value: unknown, schema: StructuralSchema, path: string): void {
    for (const rule of schema['x-kubernetes-validations'] ?? []) {
      const result = evaluateRule(rule.rule, value, schema);
      const at = rule.fieldPath
        ? `${path}${rule.fieldPath.startsWith('[') ? '' : '.'}${rule.fieldPath.replace(/^\./, '')}`
        : path;
      if (result instanceof Error) {
        this.add(at, `cannot evaluate the CEL rule \`${rule.rule}\`: ${result.message}`, rule.rule);
      } else if (!result) {
        this.add(at, rule.message ?? `failed rule: ${rule.rule}`, rule.rule);
      }
    }
  }
}

/**
 * Validates `value` against a structural schema and appends the problems to `issues`. Paths are prefixed
 * with `path`. Apply {@link defaultValue} first to get the apiserver's behaviour.
 */
export function validateValue(
  value: unknown,
  schema: StructuralSchema,
  path: string,
  issues: ValidationIssue[],
  options: WalkOptions = {},
): void {
  new Walker(issues, { unknownFields: options.unknownFields ?? true, cel: options.cel ?? true }).value(
    value,
    schema,
    path,
  );
}
