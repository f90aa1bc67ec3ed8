#!/usr/bin/env node
// Generates TypeScript types for Warehouse subscriptions and built-in promotion step configs from the
// vendored Kargo JSON schemas (crds/subscription-schemas, crds/step-schemas), with json-schema-to-typescript.
//
// Usage: node scripts/gen-types.mjs [--out <dir>]   (default: src/generated)
// Writes <dir>/subscriptions.ts and <dir>/step-configs.ts (atomically). Deterministic: inputs are read in
// sorted order and no timestamps are emitted. test/generated.test.ts reruns it into a temp dir and compares.
//
// The schemas are pre-processed (on a copy) before json-schema-to-typescript sees them:
// - relative `$ref`s into other files (`argocd-common.json#/definitions/x`) are copied into the local
//   `definitions` so every declaration is generated once; identical declarations from several schemas are
//   then de-duplicated (a differing duplicate is an error);
// - constraint-only `oneOf`/`anyOf` (branches that only restate `required`/value constraints of existing
//   properties, e.g. "exactly one of branch/commit/tag") are dropped for typing — validateStepConfig checks
//   them — and summarised in the TSDoc instead;
// - a `$ref`'s sibling description is dropped (the shared definition keeps its own);
// - every nested object gets a stable name (`GitCloneCheckout`, `KustomizeSetImageImage`) instead of an
//   anonymous inline type; `default` becomes `@default`, "Deprecated:" descriptions become `@deprecated`;
// - step configs only: boolean/integer/number leaves and string enums also accept `KargoExpression`
//   (a string holding `${{ ... }}` or `${% ... %}`), because Kargo evaluates expressions before it checks
//   the config against the schema. Warehouse subscriptions are never expression-evaluated, so they keep
//   their plain types.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compile } from 'json-schema-to-typescript';

const pkgDir = resolve(import.meta.dirname, '..');
const stepDir = join(pkgDir, 'crds', 'step-schemas');
const subDir = join(pkgDir, 'crds', 'subscription-schemas');
const kargoVersion = readFileSync(join(pkgDir, 'crds', 'KARGO_VERSION'), 'utf8').trim();

/** Definition names that would be too generic on their own. */
const DEFINITION_NAMES = { setValues: 'HelmTemplateSetValues' };
const ACRONYMS = ['argoCD', 'http', 'json', 'yaml', 'toml', 'oci', 'pr'];

const STYLE = {
  singleQuote: true,
  printWidth: 110,
  trailingComma: 'all',
  semi: true,
  tabWidth: 2,
  bracketSpacing: true,
  arrowParens: 'always',
};

/** @param {string} s */
function pascal(s) {
  const acronym = ACRONYMS.find((a) => s.startsWith(a) && a !== 'argoCD' && a !== 'pr');
  if (s.startsWith('argoCD')) return `ArgoCD${s.slice(6)}`;
  if (acronym) return acronym.toUpperCase() + s.slice(acronym.length);
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** @param {string} s */
function singular(s) {
  if (s.endsWith('ies')) return `${s.slice(0, -3)}y`;
  if (s.endsWith('s') && !s.endsWith('ss')) return s.slice(0, -1);
  return s;
}

/** @param {unknown} v @returns {any} */
const clone = (v) => structuredClone(v);

/** Reads a JSON schema file. @param {string} file */
function readSchema(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * Copies definitions referenced from other files into `schema.definitions` and rewrites the `$ref`s.
 * @param {any} schema @param {string} dir
 */
function inlineExternalRefs(schema, dir) {
  schema.definitions ??= {};
  const defs = schema.definitions;
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    if (typeof node.$ref === 'string' && !node.$ref.startsWith('#')) {
      const [file, pointer = ''] = node.$ref.split('#');
      const match = /^\/definitions\/([^/]+)$/.exec(pointer);
      if (!match) throw new Error(`unsupported $ref ${node.$ref}`);
      const name = match[1];
      const target = readSchema(join(dir, file)).definitions?.[name];
      if (!target) throw new Error(`$ref ${node.$ref} does not resolve`);
      if (defs[name] && JSON.stringify(defs[name]) !== JSON.stringify(target)) {
        throw new Error(`definition ${name} from ${file} collides with a local definition`);
      }
      defs[name] = clone(target);
      node.$ref = `#/definitions/${name}`;
      visit(defs[name]);
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(schema);
}

/** True when a oneOf/anyOf branch adds no type information (only required/constraints on known props). */
function isConstraintOnly(branch, parent) {
  const allowed = new Set(['required', 'properties']);
  if (!Object.keys(branch).every((k) => allowed.has(k))) return false;
  return Object.keys(branch.properties ?? {}).every((p) => parent.properties && p in parent.properties);
}

/** Human summary of one constraint branch: which properties must be set / unset. */
function describeBranch(branch) {
  const set = [...(branch.required ?? [])];
  const unset = Object.entries(branch.properties ?? {})
    .filter(([, s]) => Array.isArray(s.enum) && s.enum.every((v) => v === null || v === '' || v === false))
    .map(([p]) => p);
  const parts = [];
  if (set.length) parts.push(`\`${set.join('`, `')}\` set`);
  if (unset.length) parts.push(`\`${unset.join('`, `')}\` unset`);
  return parts.join(', ') || 'no constraint';
}

function appendDescription(node, text) {
  node.description = node.description ? `${node.description}\n\n${text}` : text;
}

/**
 * Prepares one schema for json-schema-to-typescript (see the header comment).
 * @param {any} schema @param {string} rootName @param {boolean} expressions
 */
function prepare(schema, rootName, expressions) {
  schema.title = rootName;
  delete schema.$schema;
  const base = rootName.replace(/(Config|Subscription)$/, '');
  const defNames = new Map();
  for (const key of Object.keys(schema.definitions ?? {})) {
    defNames.set(key, DEFINITION_NAMES[key] ?? pascal(key));
  }

  const visit = (node, typeName, isRoot) => {
    if (!node || typeof node !== 'object') return;
    // A `$ref` with a sibling description would overwrite the shared definition's description per use site
    // (and so break de-duplication): the definition's own description is kept instead.
    if (node.$ref) delete node.description;
    for (const key of ['oneOf', 'anyOf']) {
      if (Array.isArray(node[key]) && node[key].every((b) => isConstraintOnly(b, node))) {
        const how = key === 'oneOf' ? 'Exactly one' : 'At least one';
        const list = node[key].map((b) => `- ${describeBranch(b)}`).join('\n');
        appendDescription(node, `${how} of these must hold (checked by \`validateStepConfig\`):\n${list}`);
        delete node[key];
      }
    }
    // "Deprecated: Support for SSH URLs ..." deprecates some values, not the field: only whole-field notes count.
    if (
      typeof node.description === 'string' &&
      /(^Deprecated\.)|Deprecated: (Use|This field)/.test(node.description)
    ) {
      node.deprecated = true;
    }
    if ('default' in node) {
      appendDescription(node, `@default ${JSON.stringify(node.default)}`);
      delete node.default;
    }
    if (!isRoot && node.type === 'object' && node.properties && !node.$ref) node.title = typeName;
    // A schema without any type information (e.g. yaml-update's `value`) accepts any JSON value.
    const typing = [
      'type',
      '$ref',
      'enum',
      'const',
      'properties',
      'items',
      'oneOf',
      'anyOf',
      'allOf',
      'tsType',
    ];
    if (!isRoot && !typing.some((k) => k in node)) node.tsType = 'unknown';
    if (expressions && !node.$ref) widen(node);
    for (const [prop, child] of Object.entries(node.properties ?? {})) {
      visit(child, `${typeName}${pascal(prop)}`, false);
    }
    if (node.items && typeof node.items === 'object') visit(node.items, singular(typeName), false);
    if (node.additionalProperties && typeof node.additionalProperties === 'object') {
      visit(node.additionalProperties, `${typeName}Value`, false);
    }
  };
  for (const [key, def] of Object.entries(schema.definitions ?? {})) {
    def.title = defNames.get(key);
    visit(def, defNames.get(key), true);
  }
  visit(schema, base, true);
}

/** Lets a scalar leaf also hold a Kargo expression string (step configs only). */
function widen(node) {
  const tsOf = { boolean: 'boolean', integer: 'number', number: 'number' };
  if (typeof node.type === 'string' && node.type in tsOf) {
    node.tsType = `(${tsOf[node.type]} | KargoExpression)`;
  } else if (node.type === 'string' && Array.isArray(node.enum)) {
    node.tsType = `(${node.enum.map((v) => `'${String(v).replace(/'/g, "\\'")}'`).join(' | ')} | KargoExpression)`;
    delete node.enum;
  }
}

/**
 * Splits prettier-formatted json2ts output into top-level declarations keyed by name. Inside a declaration
 * every line is indented except its `export` line and the closing `}`, so a column-0 `/**` or `export` line
 * after a complete declaration starts the next one.
 */
function splitDeclarations(code) {
  const decls = [];
  let current = [];
  let name;
  const flush = () => {
    if (name) decls.push({ name, text: current.join('\n').trimEnd() });
    else if (current.some((l) => l.trim() !== '')) throw new Error(`unparsed output:\n${current.join('\n')}`);
    current = [];
    name = undefined;
  };
  for (const line of code.split('\n')) {
    if (name && (line.startsWith('/**') || line.startsWith('export '))) flush();
    if (line === '' && current.length === 0) continue;
    current.push(line);
    const m = /^export (?:interface|type|enum|const) (\w+)/.exec(line);
    if (m) name = m[1];
  }
  flush();
  return decls;
}

async function toTypeScript(schemas, cwd) {
  /** @type {Map<string, string>} */
  const seen = new Map();
  const out = [];
  for (const { schema, name } of schemas) {
    const code = await compile(schema, name, {
      bannerComment: '',
      // JSON Schema semantics: objects are open unless the schema says `additionalProperties: false`.
      additionalProperties: true,
      unknownAny: true,
      strictIndexSignatures: true,
      ignoreMinAndMaxItems: true,
      declareExternallyReferenced: true,
      unreachableDefinitions: false,
      enableConstEnums: false,
      format: true,
      style: STYLE,
      cwd,
    });
    for (const decl of splitDeclarations(code)) {
      const previous = seen.get(decl.name);
      if (previous === undefined) {
        seen.set(decl.name, decl.text);
        out.push(decl.text);
      } else if (previous !== decl.text) {
        throw new Error(`two different declarations named ${decl.name} (from ${name})`);
      }
    }
  }
  return out;
}

const banner = (what) =>
  [
    '// Generated by scripts/gen-types.mjs from the vendored Kargo JSON schemas. DO NOT EDIT.',
    `// Source: ${what} of Kargo ${kargoVersion}. Regenerate with \`pnpm gen:types\`.`,
    '',
  ].join('\n');

/** Step file name `git-clone-config.json` -> type name `GitCloneConfig` (from the schema title). */
function stepTypeName(title) {
  return title.endsWith('Config') ? title : `${title}Config`;
}

export async function generateTypes(outDir) {
  // Subscriptions.
  const subKinds = ['image', 'git', 'chart'];
  const subSchemas = subKinds.map((kind) => {
    const schema = readSchema(join(subDir, `${kind}.json`));
    const name = schema.title;
    prepare(schema, name, false);
    return { schema, name, kind };
  });
  const subDecls = await toTypeScript(subSchemas, subDir);
  const subTs = [
    banner('subscription-schemas/{image,git,chart}.json'),
    subDecls.join('\n\n'),
    '',
    '/** The subscription kinds with a JSON schema (`spec.subscriptions[].<kind>` of a Warehouse). */',
    `export const SUBSCRIPTION_KINDS = [${subKinds.map((k) => `'${k}'`).join(', ')}] as const;`,
    '',
    '/** A subscription kind: `image`, `git` or `chart`. */',
    'export type SubscriptionKind = (typeof SUBSCRIPTION_KINDS)[number];',
    '',
    '/** One entry of a Warehouse `spec.subscriptions[]`: exactly one of `image`, `git`, `chart`. */',
    'export type Subscription =',
    ...subSchemas.map(
      (s, i) =>
        `  | { ${s.kind}: ${s.name}${subKinds
          .filter((_, j) => j !== i)
          .map((k) => `; ${k}?: never`)
          .join('')} }`,
    ),
    '  ;',
  ];
  subTs[subTs.length - 2] += ';';
  subTs.pop();

  // Step configs.
  const files = readdirSync(stepDir)
    .filter((f) => f.endsWith('-config.json'))
    .sort();
  const steps = files.map((file) => {
    const uses = file.replace(/-config\.json$/, '');
    const schema = readSchema(join(stepDir, file));
    const name = stepTypeName(schema.title);
    inlineExternalRefs(schema, stepDir);
    prepare(schema, name, true);
    return { schema, name, uses };
  });
  const stepDecls = await toTypeScript(steps, stepDir);
  const stepTs = [
    banner('step-schemas/*-config.json'),
    '/**',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: this is emitted TypeScript source text
    ' * A string holding a Kargo expression (`${{ ... }}`, or `${% ... %}` when the expression contains `}}`).',
    ' * Kargo evaluates expressions before it validates a step config, so a typed leaf (boolean, number, enum)',
    ' * of a step config also accepts one.',
    ' */',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: this is emitted TypeScript source text
    'export type KargoExpression = `${string}\\${{${string}}}${string}` | `${string}\\${%${string}%}${string}`;',
    '',
    stepDecls.join('\n\n'),
    '',
    '/** The config type of every built-in (open-source) promotion step, keyed by its `uses` name. */',
    'export interface BuiltinStepConfigs {',
    ...steps.map((s) => `  ${/^[a-z_]\w*$/i.test(s.uses) ? s.uses : `'${s.uses}'`}: ${s.name};`),
    '}',
    '',
    `/** The names of the ${steps.length} built-in (open-source) promotion steps of Kargo ${kargoVersion}. */`,
    'export const BUILTIN_STEP_NAMES = [',
    ...steps.map((s) => `  '${s.uses}',`),
    '] as const;',
    '',
    '/** The `uses` name of a built-in promotion step. */',
    'export type BuiltinStepName = (typeof BUILTIN_STEP_NAMES)[number];',
    '',
  ];

  mkdirSync(outDir, { recursive: true });
  writeAtomic(join(outDir, 'subscriptions.ts'), `${subTs.join('\n')}\n`);
  writeAtomic(join(outDir, 'step-configs.ts'), stepTs.join('\n'));
}

function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

if (resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  await generateTypes(resolve(values.out ?? join(pkgDir, 'src', 'generated')));
}
