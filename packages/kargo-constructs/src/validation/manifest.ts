import { evaluatedArgsIssues, evaluatedStepsIssues, stepsScopeOf } from './evaluated.js';
import { childPath, didYouMean, indexPath, isObject, show, type ValidationIssue } from './issues.js';
import { apiVersionOf, KINDS, type KindInfo, OWNED_GROUPS, schemaOf } from './kinds.js';
import { validateMetadata } from './metadata.js';
import { KNOWN_STEP_NAMES, validateStepConfig } from './steps.js';
import { defaultValue, validateValue } from './structural-schema.js';
import { validateSubscription } from './subscriptions.js';

/** Options of {@link validateManifest}. */
export interface ValidateManifestOptions {
  /**
   * Also validate what the CRDs leave opaque: each Warehouse subscription with {@link validateSubscription}
   * and the `config` of each step that `uses` a built-in step with {@link validateStepConfig} (Stage promotion
   * templates, PromotionTasks, ClusterPromotionTasks, Promotions).
   * @default true
   */
  readonly deep?: boolean;
}

const byApiVersionKind = new Map(KINDS.map((info) => [`${apiVersionOf(info)}/${info.kind}`, info]));

type Lookup =
  | { readonly info: KindInfo }
  | { readonly issues: ValidationIssue[] }
  | { readonly unknown: true };

function lookup(obj: Record<string, unknown>): Lookup {
  const { apiVersion, kind } = obj;
  const issues: ValidationIssue[] = [];
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    issues.push({
      path: 'apiVersion',
      message: `required string field "apiVersion" is missing or invalid (got ${show(apiVersion)})`,
      rule: 'required',
    });
  }
  if (typeof kind !== 'string' || kind === '') {
    issues.push({
      path: 'kind',
      message: `required string field "kind" is missing or invalid (got ${show(kind)})`,
      rule: 'required',
    });
  }
  if (issues.length) return { issues };
  const info = byApiVersionKind.get(`${apiVersion}/${kind}`);
  if (info) return { info };
  const group = (apiVersion as string).includes('/') ? (apiVersion as string).split('/')[0] : '';
  if (group && OWNED_GROUPS.includes(group)) {
    const sameGroup = KINDS.filter((k) => k.group === group);
    const kindMatch = sameGroup.find((k) => k.kind === kind);
    if (kindMatch) {
      return {
        issues: [
          {
            path: 'apiVersion',
            message: `unsupported apiVersion ${show(apiVersion)} for ${String(kind)}: Kargo v1.11 serves only ${show(apiVersionOf(kindMatch))}`,
            rule: 'apiVersion',
          },
        ],
      };
    }
    const names = sameGroup.map((k) => k.kind);
    return {
      issues: [
        {
          path: 'kind',
          message: `unknown kind ${show(kind)} in ${group}${didYouMean(String(kind), names)}; known kinds: ${names.join(', ')}`,
          rule: 'kind',
        },
      ],
    };
  }
  return { unknown: true };
}

/**
 * Returns a copy of a Kubernetes object with the defaults of its CRD applied, as the API server does on
 * create: `null` in non-nullable fields is pruned and absent fields with a schema `default` are filled in
 * (e.g. a Warehouse gets `spec.interval: 5m0s` and `spec.freightCreationPolicy: Automatic`). Objects of
 * kinds the validator does not know are returned as a plain copy. The input is never modified.
 */
export function applyDefaults<T>(obj: T): T {
  if (!isObject(obj)) return structuredClone(obj);
  const found = lookup(obj);
  if (!('info' in found)) return structuredClone(obj);
  return defaultValue(obj, schemaOf(found.info)) as T;
}

function stepsOf(
  kind: string,
  spec: Record<string, unknown>,
): { steps: unknown[]; path: string } | undefined {
  if (kind === 'Stage') {
    const template = spec.promotionTemplate;
    const templateSpec = isObject(template) ? template.spec : undefined;
    const steps = isObject(templateSpec) ? templateSpec.steps : undefined;
    return Array.isArray(steps) ? { steps, path: 'spec.promotionTemplate.spec.steps' } : undefined;
  }
  if (kind === 'PromotionTask' || kind === 'ClusterPromotionTask' || kind === 'Promotion') {
    return Array.isArray(spec.steps) ? { steps: spec.steps, path: 'spec.steps' } : undefined;
  }
  return undefined;
}

function deepChecks(info: KindInfo, obj: Record<string, unknown>, issues: ValidationIssue[]): void {
  if (info.group !== 'kargo.akuity.io' || !isObject(obj.spec)) return;
  const spec = obj.spec;
  if (info.kind === 'Warehouse' && Array.isArray(spec.subscriptions)) {
    spec.subscriptions.forEach((sub, i) => {
      issues.push(...validateSubscription(sub, { path: indexPath('spec.subscriptions', i) }));
    });
  }
  const found = stepsOf(info.kind, spec);
  found?.steps.forEach((step, i) => {
    if (!isObject(step) || typeof step.uses !== 'string' || step.uses === '') return;
    const stepPath = indexPath(found.path, i);
    issues.push(
      ...validateStepConfig(step.uses, step.config, {
        path: childPath(stepPath, 'config'),
        usesPath: childPath(stepPath, 'uses'),
      }),
    );
  });
  // The same steps and the verification arguments after a simulated evaluation (pkg/expressions
  // json_templates.go re-types every evaluated string before the step's schema is checked).
  const scope = stepsScopeOf(obj);
  if (found !== undefined && scope !== undefined) {
    issues.push(
      ...evaluatedStepsIssues(found.steps, found.path, scope, (uses) => KNOWN_STEP_NAMES.includes(uses)),
    );
  }
  const verification = info.kind === 'Stage' && isObject(spec.verification) ? spec.verification : undefined;
  if (verification !== undefined && scope !== undefined && Array.isArray(verification.args)) {
    issues.push(...evaluatedArgsIssues(verification.args, 'spec.verification.args', scope));
  }
}

/**
 * Validates one Kubernetes object the way the API server (with strict field validation) and Kargo's
 * admission would, without a cluster. Defaults are applied first ({@link applyDefaults}), then:
 *
 * - Kargo kinds (Project, ProjectConfig, ClusterConfig, Warehouse, Stage, Freight, Promotion, PromotionTask,
 *   ClusterPromotionTask) and Argo Rollouts AnalysisTemplate / ClusterAnalysisTemplate: the vendored CRD's
 *   `openAPIV3Schema` — unknown fields (unless `x-kubernetes-preserve-unknown-fields`), types, enums,
 *   patterns, lengths, bounds, required fields, formats, int-or-string, list-type set/map uniqueness — and
 *   every `x-kubernetes-validations` CEL rule; `metadata` (name, namespace by scope, labels, annotations);
 *   with `deep` (default) also subscriptions and built-in step configs against Kargo's JSON schemas.
 * - Core `v1` Namespace, ServiceAccount, Secret and ConfigMap: known top-level fields, value types,
 *   data keys, base64 `data`, and `metadata`.
 * - Unknown `apiVersion`/`kind` in the `kargo.akuity.io` group: one issue. Any other kind (e.g. Argo CD
 *   Applications, Deployments): no issues — it is not validated.
 *
 * Returns the issues in a stable order (empty when the object is valid).
 */
export function validateManifest(obj: unknown, options: ValidateManifestOptions = {}): ValidationIssue[] {
  if (!isObject(obj))
    return [{ path: '', message: `expected a Kubernetes object, got ${show(obj)}`, rule: 'type' }];
  const found = lookup(obj);
  if ('issues' in found) return found.issues;
  if ('unknown' in found) return [];
  const { info } = found;
  const defaulted = defaultValue(obj, schemaOf(info)) as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  validateMetadata(defaulted.metadata, info, issues);
  validateValue(defaulted, schemaOf(info), '', issues);
  if (options.deep ?? true) deepChecks(info, defaulted, issues);
  return issues;
}

/**
 * Validates several objects with {@link validateManifest}; each issue's path is prefixed with the object's
 * `Kind/name` (or `Kind/#index` when it has no name) and a colon, e.g. `Warehouse/app:spec.interval`.
 */
export function validateManifests(
  objs: readonly unknown[],
  options: ValidateManifestOptions = {},
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  objs.forEach((obj, index) => {
    const kind = isObject(obj) && typeof obj.kind === 'string' ? obj.kind : 'Object';
    const metadata = isObject(obj) ? obj.metadata : undefined;
    const name =
      isObject(metadata) && typeof metadata.name === 'string' && metadata.name ? metadata.name : `#${index}`;
    for (const issue of validateManifest(obj, options)) {
      issues.push({ ...issue, path: `${kind}/${name}:${issue.path}` });
    }
  });
  return issues;
}
