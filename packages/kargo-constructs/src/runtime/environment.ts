// The representative environment in which the evaluation model runs the expressions of a manifest at synth
// time. Each expression yields a representative value of the type Kargo v1.11.2 would give it (see
// docs/evaluation.md for the table and for what the model cannot see). The values that vary with the data —
// image and git tags — differ between two "worlds", so that a template whose type depends on the tag (a tag
// `1.20` becomes the number 1.2, a tag `3.12-slim` stays a string) is caught in one of them.

import type { ExprEnvironment, ExprFunction } from './expr-lang.js';
import { evaluateExpression } from './expr-lang.js';
import { goQuote, marshalGoJson } from './go.js';
import { evaluateTemplate } from './template.js';
import { findUnknown, GoStruct, isUnknown, LookupMap, Unknown } from './values.js';

/** The data-dependent representative values of one evaluation. */
export interface RepresentativeWorld {
  /** Short id, e.g. `numeric-tag`. */
  readonly name: string;
  /** What distinguishes it, for messages, e.g. `image tag 1.20`. */
  readonly description: string;
  /** `imageFrom(...).Tag`. */
  readonly imageTag: string;
  /** `commitFrom(...).Tag` (a git tag). */
  readonly gitTag: string;
}

/**
 * The two worlds every template is evaluated in: tags that Go parses as numbers (`1.20`, `1.2` — common
 * release tags), and tags that stay strings (`3.12-slim`, `v1.2.0`).
 */
export const REPRESENTATIVE_WORLDS: readonly RepresentativeWorld[] = [
  { name: 'numeric-tag', description: 'image tag 1.20', imageTag: '1.20', gitTag: '1.2' },
  { name: 'word-tag', description: 'image tag 3.12-slim', imageTag: '3.12-slim', gitTag: 'v1.2.0' },
];

/** Representative digest of an image (`imageFrom(...).Digest`). */
export const REPRESENTATIVE_DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
/** Representative commit id (`commitFrom(...).ID`), a SHA-1 with letters, as nearly all are. */
export const REPRESENTATIVE_COMMIT = 'c0ffee0123456789abcdef0123456789abcdef01';
/** Representative value of any key of a Secret (`secret(name).key`): a token. */
export const REPRESENTATIVE_SECRET_VALUE = 'representative-token-value';

/** A variable as Kargo lists it (`spec.vars`, `promotionTemplate.spec.vars`, a step's `vars`). */
export interface ExpressionVariable {
  readonly name: string;
  readonly value?: string | undefined;
}

/** Where expressions are evaluated. */
export interface EvaluationScope {
  /**
   * `promotion`: a step of a Stage's promotion template, a PromotionTask or a Promotion
   * (pkg/promotion/evaluator.go BuildExprEnv); `verification`: an argument of a Stage's verification
   * (pkg/controller/stages/regular_stages.go, `WithArgumentEvaluationConfig`: `ctx` has only `project` and
   * `stage`, and there are no step-status functions).
   */
  readonly kind: 'promotion' | 'verification';
  /** The Project namespace; `undefined` for a ClusterPromotionTask (any project). */
  readonly project?: string | undefined;
  /** The Stage; `undefined` inside a PromotionTask (any Stage). */
  readonly stage?: string | undefined;
  /** Warehouses the Stage requests Freight from (for `ctx.targetFreight.origin.name`). */
  readonly origins?: readonly string[] | undefined;
  /** The alias of the step (`ctx.meta.step.alias`). */
  readonly stepAlias?: string | undefined;
  /**
   * Variables in the order Kargo evaluates them: the Stage's `spec.vars`, then its template's
   * `promotionTemplate.spec.vars` (pkg/webhook/kubernetes/promotion/webhook.go), then the step's `vars`
   * (pkg/promotion/evaluator.go `Vars`); for a task, its `spec.vars` defaults, then the step's.
   */
  readonly vars?: readonly ExpressionVariable[] | undefined;
  /**
   * Whether every variable that can exist is listed: true for a Stage (a missing variable is nil, as in
   * Kargo), false for a task (the calling Stage may set any variable: a missing one is unknown).
   */
  readonly varsComplete?: boolean | undefined;
}

const IMAGE_FIELDS = [
  { name: 'RepoURL', json: 'repoURL', omitEmpty: true },
  { name: 'Tag', json: 'tag', omitEmpty: true },
  { name: 'Digest', json: 'digest', omitEmpty: true },
  { name: 'Annotations', json: 'annotations', omitEmpty: true },
] as const;
const COMMIT_FIELDS = [
  { name: 'RepoURL', json: 'repoURL', omitEmpty: true },
  { name: 'ID', json: 'id', omitEmpty: true },
  { name: 'Branch', json: 'branch', omitEmpty: true },
  { name: 'Tag', json: 'tag', omitEmpty: true },
  { name: 'Message', json: 'message', omitEmpty: true },
  { name: 'Author', json: 'author', omitEmpty: true },
  { name: 'Committer', json: 'committer', omitEmpty: true },
] as const;
const CHART_FIELDS = [
  { name: 'RepoURL', json: 'repoURL', omitEmpty: true },
  { name: 'Name', json: 'name', omitEmpty: true },
  { name: 'Version', json: 'version', omitEmpty: true },
] as const;
const ORIGIN_FIELDS = [
  { name: 'Kind', json: 'kind', omitEmpty: false },
  { name: 'Name', json: 'name', omitEmpty: false },
] as const;

function stringArg(value: unknown): unknown {
  return typeof value === 'string' || isUnknown(value) ? value : new Unknown('a non-string argument');
}

/**
 * `quote()` (json_templates.go `quoteFunc`): a string becomes its Go-quoted form (`%q`), anything else its
 * JSON between double quotes (`unsafeQuoteFunc`). Either way the template result is enclosed in quotes, so
 * Kargo keeps it a string: an unknown argument still gives a string (of unknown content).
 */
function quote(args: readonly unknown[]): unknown {
  const [value] = args;
  if (findUnknown(value) !== undefined) return new Unknown('a quoted value', 'quoted');
  if (typeof value === 'string') return goQuote(value);
  return unsafeQuote(args);
}

/** `unsafeQuote()`: the JSON of the value between double quotes (json_templates.go `unsafeQuoteFunc`). */
function unsafeQuote([value]: readonly unknown[]): unknown {
  if (findUnknown(value) !== undefined) return new Unknown('a quoted value', 'quoted');
  return `"${marshalGoJson(value)}"`;
}

/** `asJSON()`: indented JSON between double quotes, with a newline before the closing quote. */
function asJson([value]: readonly unknown[]): unknown {
  if (findUnknown(value) !== undefined) return new Unknown('a quoted value', 'quoted');
  return `"${marshalGoJson(value, '  ')}\n"`;
}

/**
 * The functions `EvaluateTemplate` itself adds to every evaluation (json_templates.go): `quote`,
 * `unsafeQuote`, `asJSON` and `asYAML` (whose YAML text is not modelled: its result is a quoted string of
 * unknown content).
 */
export const TEMPLATE_FUNCTIONS: Readonly<Record<string, ExprFunction>> = {
  quote,
  unsafeQuote,
  asJSON: asJson,
  asYAML: () => new Unknown('asYAML() content', 'quoted'),
};

const functionCache = new Map<string, Readonly<Record<string, ExprFunction>>>();

/** Kargo's functions (pkg/expressions/function/functions.go) with representative results (cached). */
function kargoFunctions(
  world: RepresentativeWorld,
  scope: EvaluationScope,
): Readonly<Record<string, ExprFunction>> {
  const key = `${world.name}\u0000${world.imageTag}\u0000${world.gitTag}\u0000${scope.kind}`;
  let functions = functionCache.get(key);
  if (functions === undefined) {
    functions = createKargoFunctions(world, scope);
    functionCache.set(key, functions);
  }
  return functions;
}

function createKargoFunctions(
  world: RepresentativeWorld,
  scope: EvaluationScope,
): Record<string, ExprFunction> {
  const functions: Record<string, ExprFunction> = {
    ...TEMPLATE_FUNCTIONS,
    // FreightOperations
    warehouse: ([name]) =>
      new GoStruct('kargoapi.FreightOrigin', ORIGIN_FIELDS, { Kind: 'Warehouse', Name: stringArg(name) }),
    imageFrom: ([repoURL]) =>
      new GoStruct('kargoapi.Image', IMAGE_FIELDS, {
        RepoURL: stringArg(repoURL),
        Tag: world.imageTag,
        Digest: REPRESENTATIVE_DIGEST,
        Annotations: new LookupMap('the annotations of an image', () => new Unknown('an image annotation')),
      }),
    commitFrom: ([repoURL]) =>
      new GoStruct('kargoapi.GitCommit', COMMIT_FIELDS, {
        RepoURL: stringArg(repoURL),
        ID: REPRESENTATIVE_COMMIT,
        Branch: 'main',
        Tag: world.gitTag,
        Message: new Unknown('a commit message'),
        Author: new Unknown('a commit author'),
        Committer: new Unknown('a commit committer'),
      }),
    chartFrom: ([repoURL, name]) =>
      new GoStruct('kargoapi.Chart', CHART_FIELDS, {
        RepoURL: stringArg(repoURL),
        Name: typeof name === 'string' ? name : new Unknown('a chart name'),
        Version: '1.2.3',
      }),
    artifactFrom: () => new Unknown('artifactFrom() results'),
    freightMetadata: () => new Unknown('Freight metadata'),
    // DataOperations
    secret: ([name]) => new LookupMap(`Secret ${JSON.stringify(name)}`, () => REPRESENTATIVE_SECRET_VALUE),
    sharedSecret: ([name]) =>
      new LookupMap(`shared Secret ${JSON.stringify(name)}`, () => REPRESENTATIVE_SECRET_VALUE),
    configMap: ([name]) =>
      new LookupMap(`ConfigMap ${JSON.stringify(name)}`, () => new Unknown('a ConfigMap value')),
    sharedConfigMap: ([name]) =>
      new LookupMap(`shared ConfigMap ${JSON.stringify(name)}`, () => new Unknown('a ConfigMap value')),
    stageMetadata: () => new Unknown('Stage metadata'),
    // UtilityOperations
    semverDiff: () => 'Major',
    semverParse: () => new Unknown('a parsed semantic version'),
  };
  if (scope.kind === 'promotion') {
    // StatusOperations: only where step configs and `if` are evaluated.
    functions.always = () => true;
    functions.success = () => true;
    functions.failure = () => false;
    functions.status = () => 'Succeeded';
  }
  return functions;
}

function context(scope: EvaluationScope): Record<string, unknown> {
  const project = scope.project ?? 'project';
  const stage = scope.stage ?? 'stage';
  if (scope.kind === 'verification') return { project, stage };
  return {
    uiBaseUrl: 'https://kargo.example.com',
    project,
    promotion: `${stage}.01j0representative0promotion.a1b2c3d`,
    stage,
    targetFreight: {
      name: 'f00dcafe0123456789abcdef0123456789abcdef',
      alias: 'brave-eagle',
      origin: { name: scope.origins?.[0] ?? 'warehouse' },
    },
    meta: {
      promotion: { actor: 'admin', rollback: false },
      step: { alias: scope.stepAlias ?? 'step-0' },
    },
  };
}

/**
 * The representative environment of a scope in one world: `ctx`, `vars` (evaluated in Kargo's order, each
 * through {@link evaluateTemplate}), unknown `outputs`/`task`/`stepMetas`, and Kargo's functions.
 */
export function representativeEnvironment(
  scope: EvaluationScope,
  world: RepresentativeWorld,
): ExprEnvironment {
  const functions = kargoFunctions(world, scope);
  const known: Record<string, unknown> = {};
  const variables: Record<string, unknown> = {
    ctx: context(scope),
    vars:
      scope.varsComplete === false
        ? new LookupMap('the variables', (name) =>
            Object.hasOwn(known, name) ? known[name] : new Unknown(`the variable ${name}, set by the caller`),
          )
        : known,
    outputs: new Unknown('outputs of earlier steps'),
    task: new Unknown('outputs of earlier steps of the task'),
    stepMetas: new Unknown('step execution metadata'),
  };
  const env: ExprEnvironment = { variables, functions };
  for (const v of scope.vars ?? []) {
    if (v.value === undefined || v.value === '') {
      // A Stage variable without a value is the empty string; a task variable without a default must be
      // set by the caller (pkg/api/promotion.go promotionTaskVarsToStepVars).
      known[v.name] =
        scope.varsComplete === false ? new Unknown(`the variable ${v.name}, set by the caller`) : '';
      continue;
    }
    try {
      known[v.name] = evaluateTemplate(v.value, (code) => evaluateExpression(code, env));
    } catch {
      known[v.name] = new Unknown(`the variable ${v.name}, whose value fails to evaluate`);
    }
  }
  return env;
}
