// Validation of step configs and verification arguments *after* a simulated Kargo evaluation.
//
// Kargo v1.11.2 evaluates every string of a step config holding `${{ }}` / `${% %}` and re-types the result
// (pkg/expressions/json_templates.go EvaluateTemplate; pkg/promotion/evaluator.go StepEvaluator.Config), and
// only then validates the config against the step's JSON schema (pkg/promotion/runner/builtin/validation.go
// validateAndConvert). A config that is valid as written can therefore fail at promotion time: the old
// rebuild dispatch body `'{"ref":"main", ...}'` with an expression inside became a JSON object where the
// `http` step wants a string. Here each string is evaluated with the model of src/runtime (every expression
// yields a representative value) in each representative world, and the evaluated config is validated again.

import {
  type EvaluationScope,
  type ExpressionVariable,
  REPRESENTATIVE_WORLDS,
  type RepresentativeWorld,
  representativeEnvironment,
} from '../runtime/environment.js';
import { ExprError, evaluateExpression } from '../runtime/expr-lang.js';
import {
  isTemplate,
  renderTemplate,
  retypeTemplateResult,
  retypingRule,
  TemplateError,
} from '../runtime/template.js';
import { isUnknown, valueType } from '../runtime/values.js';
import { childPath, indexPath, isObject, show, type ValidationIssue } from './issues.js';
import { compiled, runValidator } from './json-schema.js';

/** Where the steps being checked run. */
export interface StepsEvaluationScope {
  /** What the steps belong to, for messages: `Stage "rebuild-x"`, `PromotionTask "t"` … */
  readonly subject: string;
  /** The Project namespace (undefined for a ClusterPromotionTask). */
  readonly project?: string | undefined;
  /** The Stage (undefined inside a task). */
  readonly stage?: string | undefined;
  /** Warehouses the Stage requests Freight from. */
  readonly origins?: readonly string[] | undefined;
  /** Variables visible to every step, in Kargo's evaluation order (see {@link EvaluationScope.vars}). */
  readonly vars?: readonly ExpressionVariable[] | undefined;
  /** Whether `vars` lists every variable (a Stage) or callers may add more (a task). */
  readonly varsComplete: boolean;
}

/** One evaluated string of a config. */
interface Evaluated {
  /** Field path of the string (e.g. `spec.steps[0].config.body`). */
  readonly path: string;
  /** The string as written. */
  readonly template: string;
  /** The text after the expressions were replaced, before re-typing (unknown: not known). */
  readonly text: string | undefined;
  /** The re-typed value (an Unknown when not known). */
  readonly value: unknown;
}

interface WorldResult {
  readonly world: RepresentativeWorld;
  readonly evaluated: readonly Evaluated[];
  readonly issues: readonly ValidationIssue[];
}

const QUOTE_HINT =
  'wrap the expression in quote(...) so that Kargo keeps a string (a JSON document with evaluated values is quote({...}) on an expr-lang map, not JSON text with expressions inside)';
const NIL_HINT =
  'an expression that yields nil (an undefined variable, a missing key) becomes null: define the variable (Stage or promotion-template vars), or give a default with ?? (e.g. vars.x ?? "default")';

/** What to do about values that broke a rule. */
function hintFor(about: readonly Evaluated[], wantsString: boolean): string {
  if (about.some((e) => e.value === null)) return NIL_HINT;
  if (wantsString || about.some((e) => typeof e.value !== 'string')) return QUOTE_HINT;
  return 'make the expression yield a value the step schema accepts';
}

/** Evaluates every string of `value` (at any depth, never keys), recording each; unknown results stay as written. */
function evaluateStrings(
  value: unknown,
  path: string,
  resolve: (code: string) => unknown,
  out: Evaluated[],
  failures: ValidationIssue[],
): unknown {
  if (typeof value === 'string') {
    if (!isTemplate(value)) return value;
    try {
      const text = renderTemplate(value, resolve);
      if (isUnknown(text)) {
        out.push({ path, template: value, text: undefined, value: text });
        return value;
      }
      const typed = retypeTemplateResult(text);
      out.push({ path, template: value, text, value: typed });
      return typed;
    } catch (error) {
      if (error instanceof TemplateError || error instanceof ExprError) {
        failures.push({
          path,
          message: `Kargo cannot evaluate ${show(value)}: ${error.message}`,
          rule: 'evaluation',
        });
        return value;
      }
      throw error;
    }
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => evaluateStrings(item, indexPath(path, i), resolve, out, failures));
  }
  if (isObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] = evaluateStrings(item, childPath(path, key), resolve, out, failures);
    }
    return copy;
  }
  return value;
}

function resolver(scope: EvaluationScope, world: RepresentativeWorld): (code: string) => unknown {
  const env = representativeEnvironment(scope, world);
  return (code) => evaluateExpression(code, env);
}

/** Why the text became that type, for messages. */
function becauseOf(text: string): string {
  switch (retypingRule(text)) {
    case 'number':
      return 'Go parses it as a number';
    case 'boolean':
      return 'Go parses it as a boolean';
    case 'json':
      return 'it is valid JSON';
    case 'quoted':
      return 'it is enclosed in double quotes';
    default:
      return 'it stays text';
  }
}

/** `number 1.2`, `object {...}`, `null`. */
function typed(value: unknown): string {
  return value === null ? 'null' : `${valueType(value)} ${show(value)}`;
}

/**
 * `Kargo evaluates "<template>" to number 1.2 (the text "1.20" is re-typed: Go parses it as a number)`,
 * naming the world when the result depends on it.
 */
function describe(e: Evaluated, world: RepresentativeWorld | undefined): string {
  const text = e.text ?? '';
  const context = world === undefined ? '' : `with ${world.description}, `;
  return `Kargo evaluates ${show(e.template)} to ${typed(e.value)} (${context}the text ${show(text)} is re-typed: ${becauseOf(text)})`;
}

/** Whether the evaluated value at `path` differs between worlds. */
function varies(results: readonly { readonly evaluated: readonly Evaluated[] }[], path: string): boolean {
  const shown = new Set(
    results.map((r) => {
      const e = r.evaluated.find((x) => x.path === path);
      return e === undefined || isUnknown(e.value) ? '?' : JSON.stringify(e.value);
    }),
  );
  return shown.size > 1;
}

/** The evaluated strings an issue at `path` is about: at, above or below it. */
function related(evaluated: readonly Evaluated[], path: string): Evaluated[] {
  return evaluated.filter(
    (e) =>
      e.path === path ||
      e.path.startsWith(`${path}.`) ||
      e.path.startsWith(`${path}[`) ||
      path.startsWith(`${e.path}.`) ||
      path.startsWith(`${e.path}[`),
  );
}

function issueKey(issue: ValidationIssue): string {
  return `${issue.path}\u0000${issue.message}`;
}

/**
 * Issues of one step config after evaluation: schema violations the evaluation introduces (compared with
 * the config as written), values whose type depends on the data (e.g. a tag), and templates Kargo cannot
 * evaluate. `label` names the step for messages (`Stage "x", step "dispatch" (http)`); each message adds
 * the field (`body`, `images[0].tag`).
 */
export function evaluatedStepConfigIssues(
  uses: string,
  config: unknown,
  path: string,
  label: string,
  scope: EvaluationScope,
): ValidationIssue[] {
  const validate = compiled(`step-schemas/${uses}-config.json`, { expressions: true });
  const data = config ?? {};
  const written = new Set(runValidator(validate, data, path).map(issueKey));
  const failures: ValidationIssue[] = [];
  const results: WorldResult[] = REPRESENTATIVE_WORLDS.map((world) => {
    const evaluated: Evaluated[] = [];
    const evaluatedConfig = evaluateStrings(data, path, resolver(scope, world), evaluated, failures);
    // Strings whose value is unknown are kept as written: the expression-aware schema accepts them, so
    // only the positions the model could evaluate are checked.
    const issues = runValidator(validate, evaluatedConfig, path).filter((i) => !written.has(issueKey(i)));
    return { world, evaluated, issues };
  });
  const field = (at: string): string => `${label}, field ${fieldOf(at, path)}`;
  return [
    ...dedupe(failures).map((f) => ({ ...f, message: `${field(f.path)}: ${f.message}` })),
    ...explain(results, field),
  ];
}

function dedupe(issues: readonly ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = issueKey(i);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function fieldOf(path: string, root: string): string {
  return path.startsWith(root) ? path.slice(root.length).replace(/^\./, '') || '(the config)' : path;
}

function explain(results: readonly WorldResult[], label: (path: string) => string): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const reported = new Set<string>();
  for (const { world, evaluated, issues } of results) {
    for (const issue of issues) {
      if (reported.has(issue.path)) continue;
      reported.add(issue.path);
      const about = related(evaluated, issue.path);
      const why = about.map((e) => describe(e, varies(results, e.path) ? world : undefined)).join('; ');
      out.push({
        path: issue.path,
        message: `${label(issue.path)}: after evaluation, ${issue.message}${why ? ` — ${why}` : ''}; ${hintFor(about, issue.message.startsWith('expected a string'))}`,
        rule: 'evaluated-schema',
      });
    }
  }
  // Values whose type depends on the data: valid in every world, but a different type in each (a tag
  // `1.20` gives a number, a tag `3.12-slim` a string). Where the schema accepts any type (yaml-update
  // `value`, set-metadata `values`) this silently writes `1.2` for the tag `1.20`.
  const [first, ...others] = results;
  for (const e of first?.evaluated ?? []) {
    if (isUnknown(e.value) || reported.has(e.path)) continue;
    for (const other of others) {
      const twin = other.evaluated.find((x) => x.path === e.path);
      if (twin === undefined || isUnknown(twin.value)) continue;
      if (valueType(twin.value) === valueType(e.value)) continue;
      reported.add(e.path);
      out.push({
        path: e.path,
        message: `${label(e.path)}: the type of ${show(e.template)} depends on the data: ${describe(e, first?.world)}, but with ${other.world.description} it is ${typed(twin.value)}; ${QUOTE_HINT}`,
        rule: 'evaluated-type',
      });
      break;
    }
  }
  return out;
}

/** A step as found in a manifest's `steps[]`. */
interface RawStep {
  readonly uses?: unknown;
  readonly as?: unknown;
  readonly if?: unknown;
  readonly vars?: unknown;
  readonly config?: unknown;
  readonly task?: unknown;
}

function varsOf(raw: unknown): ExpressionVariable[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((v): v is { name: string; value?: unknown } => isObject(v) && typeof v.name === 'string')
    .map((v) => ({ name: v.name, ...(typeof v.value === 'string' ? { value: v.value } : {}) }));
}

/**
 * Issues of a `steps[]` list after a simulated evaluation: each built-in step's config (see
 * {@link evaluatedStepConfigIssues}) and each step's `if`, which Kargo requires to evaluate to a boolean
 * (pkg/promotion/evaluator.go ShouldSkip). Steps that run a task are checked where the task is defined.
 */
export function evaluatedStepsIssues(
  steps: readonly unknown[],
  prefix: string,
  scope: StepsEvaluationScope,
  isBuiltin: (uses: string) => boolean,
): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  steps.forEach((raw, i) => {
    if (!isObject(raw)) return;
    const step = raw as RawStep;
    if (step.task !== undefined) return;
    const at = indexPath(prefix, i);
    // Kargo names an unaliased step `step-<index>` (api/v1alpha1 PromotionStep.GetAlias).
    const alias = typeof step.as === 'string' && step.as !== '' ? step.as : `step-${i}`;
    const uses = typeof step.uses === 'string' ? step.uses : '';
    const label = `${scope.subject}, step "${alias}"${uses ? ` (${uses})` : ''}`;
    const evaluation: EvaluationScope = {
      kind: 'promotion',
      project: scope.project,
      stage: scope.stage,
      origins: scope.origins,
      stepAlias: alias,
      vars: [...(scope.vars ?? []), ...varsOf(step.vars)],
      varsComplete: scope.varsComplete,
    };
    if (typeof step.if === 'string' && isTemplate(step.if)) {
      out.push(...evaluatedCondition(step.if, childPath(at, 'if'), label, evaluation));
    }
    if (uses !== '' && isBuiltin(uses) && isObject(step.config ?? {})) {
      out.push(...evaluatedStepConfigIssues(uses, step.config, childPath(at, 'config'), label, evaluation));
    }
  });
  return out;
}

/** Evaluates one string in every world: the failures (once), or the evaluated string per world. */
function acrossWorlds(
  template: string,
  path: string,
  scope: EvaluationScope,
): { failures: ValidationIssue[]; results: { world: RepresentativeWorld; evaluated: Evaluated[] }[] } {
  const results: { world: RepresentativeWorld; evaluated: Evaluated[] }[] = [];
  for (const world of REPRESENTATIVE_WORLDS) {
    const evaluated: Evaluated[] = [];
    const failures: ValidationIssue[] = [];
    evaluateStrings(template, path, resolver(scope, world), evaluated, failures);
    if (failures.length > 0) return { failures, results: [] };
    results.push({ world, evaluated });
  }
  return { failures: [], results };
}

/**
 * The first world in which the string is known and `accept` refuses its value, described for a message;
 * or the failures of its evaluation; or nothing.
 */
function firstRefusal(
  template: string,
  path: string,
  scope: EvaluationScope,
  accept: (value: unknown) => boolean,
): { failures: ValidationIssue[] } | { described: string; hint: string } | undefined {
  const { failures, results } = acrossWorlds(template, path, scope);
  if (failures.length > 0) return { failures };
  for (const { world, evaluated } of results) {
    const e = evaluated[0];
    if (e === undefined || isUnknown(e.value) || accept(e.value)) continue;
    return { described: describe(e, varies(results, path) ? world : undefined), hint: hintFor([e], true) };
  }
  return undefined;
}

function evaluatedCondition(
  condition: string,
  path: string,
  label: string,
  scope: EvaluationScope,
): ValidationIssue[] {
  const refusal = firstRefusal(condition, path, scope, (value) => typeof value === 'boolean');
  if (refusal === undefined) return [];
  if ('failures' in refusal)
    return refusal.failures.map((f) => ({ ...f, message: `${label}, if: ${f.message}` }));
  return [
    {
      path,
      message: `${label}: "if" must evaluate to a boolean (pkg/promotion/evaluator.go ShouldSkip), but ${refusal.described}; write a condition (e.g. vars.enabled == "true")`,
      rule: 'evaluated-type',
    },
  ];
}

/**
 * Issues of a Stage's verification arguments after a simulated evaluation: Kargo's analysis-run builder
 * evaluates each non-empty argument and requires a string (pkg/rollouts/analysis_run_builder.go buildArgs:
 * "evaluated argument %q value is not a string"); the environment has `ctx.project`, `ctx.stage` and the
 * Stage's `spec.vars` (pkg/controller/stages/regular_stages.go).
 */
export function evaluatedArgsIssues(
  args: readonly unknown[],
  prefix: string,
  scope: Omit<StepsEvaluationScope, 'varsComplete' | 'origins'>,
): ValidationIssue[] {
  const evaluation: EvaluationScope = {
    kind: 'verification',
    project: scope.project,
    stage: scope.stage,
    vars: scope.vars,
    varsComplete: true,
  };
  const out: ValidationIssue[] = [];
  args.forEach((arg, i) => {
    if (!isObject(arg) || typeof arg.value !== 'string' || !isTemplate(arg.value)) return;
    const path = childPath(indexPath(prefix, i), 'value');
    const name = typeof arg.name === 'string' ? arg.name : `#${i}`;
    const label = `${scope.subject}, verification argument "${name}"`;
    const refusal = firstRefusal(arg.value, path, evaluation, (value) => typeof value === 'string');
    if (refusal === undefined) return;
    if ('failures' in refusal) {
      out.push(...refusal.failures.map((f) => ({ ...f, message: `${label}: ${f.message}` })));
      return;
    }
    out.push({
      path,
      message: `${label}: ${refusal.described}, but Kargo's analysis-run builder requires every argument to evaluate to a string (pkg/rollouts/analysis_run_builder.go buildArgs); ${refusal.hint}`,
      rule: 'evaluated-type',
    });
  });
  return out;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The evaluation scope of the steps of a manifest (a Stage's promotion template, a PromotionTask, a
 * ClusterPromotionTask or a Promotion), read from the manifest itself; `undefined` for other kinds.
 */
export function stepsScopeOf(manifest: Record<string, unknown>): StepsEvaluationScope | undefined {
  const kind = manifest.kind;
  const metadata = isObject(manifest.metadata) ? manifest.metadata : {};
  const spec = isObject(manifest.spec) ? manifest.spec : {};
  const name = stringOf(metadata.name) ?? '(unnamed)';
  const namespace = stringOf(metadata.namespace);
  switch (kind) {
    case 'Stage': {
      const template = isObject(spec.promotionTemplate) ? spec.promotionTemplate : {};
      const templateSpec = isObject(template.spec) ? template.spec : {};
      const requested = Array.isArray(spec.requestedFreight) ? spec.requestedFreight : [];
      return {
        subject: `Stage "${name}"`,
        project: namespace,
        stage: stringOf(metadata.name),
        origins: requested
          .map((r) => (isObject(r) && isObject(r.origin) ? stringOf(r.origin.name) : undefined))
          .filter((o): o is string => o !== undefined),
        vars: [...varsOf(spec.vars), ...varsOf(templateSpec.vars)],
        varsComplete: true,
      };
    }
    case 'Promotion':
      return {
        subject: `Promotion "${name}"`,
        project: namespace,
        stage: stringOf(spec.stage),
        vars: varsOf(spec.vars),
        varsComplete: true,
      };
    case 'PromotionTask':
    case 'ClusterPromotionTask':
      return {
        subject: `${kind} "${name}"`,
        project: namespace,
        vars: varsOf(spec.vars),
        varsComplete: false,
      };
    default:
      return undefined;
  }
}
