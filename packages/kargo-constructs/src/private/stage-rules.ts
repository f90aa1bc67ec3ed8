import type { IAnalysisTemplate, IAnalysisTemplateRef } from '../analysis-template.js';
import type { Stage } from '../stage.js';
import type { IPromotionTaskRef } from '../steps/step.js';
import { evaluatedArgsIssues, stepsScopeOf } from '../validation/evaluated.js';
import { formatIssue } from '../validation/index.js';
import { isExternal, isKind } from './kinds.js';
import { kindInApp, listNames } from './lookup.js';
import { stepsIssues } from './step-rules.js';

const isWarehouse = isKind('Warehouse');
const isStage = isKind('Stage');
const isPromotionTask = isKind('PromotionTask');
const isClusterPromotionTask = isKind('ClusterPromotionTask');
const isAnalysisTemplate = isKind('AnalysisTemplate');
const isClusterAnalysisTemplate = isKind('ClusterAnalysisTemplate');

/**
 * Every cross-reference and semantic problem of a Stage (the CRD is checked separately);
 * `manifest` is the Stage's synthesized object.
 */
export function stageIssues(
  stage: Stage,
  manifest: Record<string, any> = stage.apiObject.toJson(),
): string[] {
  const spec = manifest.spec as
    | { promotionTemplate?: { spec?: { steps?: unknown[] } }; verification?: { args?: unknown[] } }
    | undefined;
  const scope = stepsScopeOf(manifest);
  return [
    ...freightIssues(stage),
    ...templateIssues(stage, spec?.promotionTemplate?.spec?.steps, manifest),
    ...verificationIssues(stage),
    // Verification arguments after a simulated evaluation: each must stay a string.
    ...(scope !== undefined && Array.isArray(spec?.verification?.args)
      ? evaluatedArgsIssues(spec.verification.args, 'spec.verification.args', scope).map(formatIssue)
      : []),
  ];
}

function freightIssues(stage: Stage): string[] {
  const requests = stage.requestedFreight;
  if (requests.length === 0) {
    return [
      'spec.requestedFreight: a Stage needs at least one requested Freight origin (pass requestedFreight or call requestFreight())',
    ];
  }
  const out: string[] = [];
  const warehouses = kindInApp(stage, 'Warehouse', stage.namespace);
  const stages = kindInApp(stage, 'Stage', stage.namespace);
  const seen = new Map<string, number>();
  requests.forEach((request, i) => {
    const at = `spec.requestedFreight[${i}]`;
    const origin = typeof request.origin === 'string' ? request.origin : request.origin.warehouseName;
    const first = seen.get(origin);
    if (first !== undefined) {
      out.push(
        `${at}.origin.name: Warehouse "${origin}" is already requested in spec.requestedFreight[${first}]`,
      );
    } else {
      seen.set(origin, i);
    }
    const checkOrigin = typeof request.origin === 'string' || isWarehouse(request.origin);
    if (checkOrigin && !warehouses.byName.has(origin)) {
      out.push(
        `${at}.origin.name: Warehouse "${origin}" is not defined in namespace "${stage.namespace ?? ''}" of this app (known: ${listNames(warehouses.list.map((w) => w.warehouseName))}); define it, or reference an external one with Warehouse.fromWarehouseName()`,
      );
    }
    const src = request.sources;
    const upstream = src.stages ?? [];
    if (src.direct !== true && upstream.length === 0) {
      out.push(
        `${at}.sources: set direct: true or name at least one upstream Stage in stages, otherwise the Stage never receives Freight`,
      );
    }
    if (src.autoPromotionOptions?.selectionPolicy === 'MatchUpstream') {
      if (src.direct === true || upstream.length !== 1) {
        out.push(
          `${at}.sources.autoPromotionOptions.selectionPolicy: MatchUpstream requires exactly one upstream Stage and direct unset`,
        );
      }
    }
    upstream.forEach((ref, j) => {
      const name = typeof ref === 'string' ? ref : ref.stageName;
      const path = `${at}.sources.stages[${j}]`;
      if (name === stage.stageName) {
        out.push(`${path}: a Stage cannot take Freight from itself`);
        return;
      }
      if (typeof ref !== 'string' && !isStage(ref)) return; // external reference
      const found = stages.byName.get(name);
      if (found === undefined) {
        out.push(
          `${path}: Stage "${name}" is not defined in namespace "${stage.namespace ?? ''}" of this app (known: ${listNames(stages.list.map((s) => s.stageName))}); define it, or reference an external one with Stage.fromStageName()`,
        );
      } else if (!found.originNames.includes(origin)) {
        out.push(
          `${path}: upstream Stage "${name}" does not request Freight from Warehouse "${origin}", so it can never pass that Freight on`,
        );
      }
    });
  });
  return out;
}

function templateIssues(
  stage: Stage,
  renderedSteps: unknown[] | undefined,
  manifest: Record<string, any>,
): string[] {
  if (renderedSteps === undefined) return [];
  if (renderedSteps.length === 0) {
    return [
      'spec.promotionTemplate.spec.steps: a promotion template needs at least one step (or omit promotionTemplate)',
    ];
  }
  const out = stepsIssues(
    renderedSteps,
    'spec.promotionTemplate.spec.steps',
    'template',
    stepsScopeOf(manifest),
  );
  const provided = new Set([...Object.keys(stage.vars), ...Object.keys(stage.templateVars)]);
  stage.promotionSteps.forEach((step, i) => {
    if (step.task === undefined) return;
    const at = `spec.promotionTemplate.spec.steps[${i}].task`;
    const task = resolveTask(stage, step.task);
    if (task === 'missing') {
      out.push(
        `${at}.name: ${step.task.taskKind} "${step.task.taskName}" is not defined in this app${step.task.taskKind === 'PromotionTask' ? ` (namespace "${stage.namespace ?? ''}")` : ''}; define it, or reference an external one with ${step.task.taskKind}.from${step.task.taskKind}Name()`,
      );
      return;
    }
    if (task === undefined) return;
    const stepVars = new Set((step.toJson().vars ?? []).map((v) => v.name));
    const missing = task.requiredVars.filter((v) => !stepVars.has(v) && !provided.has(v));
    if (missing.length > 0) {
      out.push(
        `spec.promotionTemplate.spec.steps[${i}].vars: ${step.task.taskKind} "${step.task.taskName}" requires var(s) ${listNames(missing)}; pass them in the step's vars (or as template or Stage vars)`,
      );
    }
  });
  return out;
}

function resolveTask(
  stage: Stage,
  ref: IPromotionTaskRef,
): { requiredVars: readonly string[] } | 'missing' | undefined {
  const isConstruct = isPromotionTask(ref) || isClusterPromotionTask(ref);
  if (isPromotionTask(ref) && ref.namespace !== stage.namespace) return 'missing';
  if (isConstruct) return ref;
  // A name (Step.task('x')) is looked up in the app; a fromXxxName() reference is plain data too, so
  // only references whose task is defined in the app are checked.
  const candidates =
    ref.taskKind === 'PromotionTask'
      ? kindInApp(stage, 'PromotionTask', stage.namespace)
      : kindInApp(stage, 'ClusterPromotionTask');
  return candidates.byName.get(ref.taskName) ?? (isExternal(ref) ? undefined : 'missing');
}

function verificationIssues(stage: Stage): string[] {
  const v = stage.verification;
  if (v === undefined) return [];
  const out: string[] = [];
  const args = Object.entries(v.args ?? {});
  args.forEach(([name, value], i) => {
    if (value === '') {
      out.push(
        `spec.verification.args[${i}].value: argument "${name}" has an empty value; Kargo drops empty values, so pass a non-empty value or leave the argument out`,
      );
    }
  });
  if (v.analysisTemplates.length === 0) {
    out.push('spec.verification.analysisTemplates: verification needs at least one analysis template');
  }
  v.analysisTemplates.forEach((ref, i) => {
    const template = resolveTemplate(stage, ref);
    const at = `spec.verification.analysisTemplates[${i}]`;
    if (template === 'wrong-namespace') {
      out.push(
        `${at}.name: AnalysisTemplate "${(ref as IAnalysisTemplateRef).templateName}" is in another namespace; it must live in the Stage's project namespace "${stage.namespace ?? ''}"`,
      );
      return;
    }
    if (template === undefined) return;
    const declared = new Set(template.argumentNames);
    args.forEach(([name], j) => {
      if (!declared.has(name)) {
        out.push(
          `spec.verification.args[${j}].name: argument "${name}" is not declared by ${template.templateKind} "${template.templateName}" (declared: ${listNames(declared)})`,
        );
      }
    });
    const passed = new Set(args.map(([name]) => name));
    const missing = template.requiredArgumentNames.filter((n) => !passed.has(n));
    if (missing.length > 0) {
      out.push(
        `spec.verification.args: ${template.templateKind} "${template.templateName}" requires argument(s) ${listNames(missing)} (declared without a default)`,
      );
    }
  });
  return out;
}

function resolveTemplate(
  stage: Stage,
  ref: IAnalysisTemplateRef | string,
): IAnalysisTemplate | 'wrong-namespace' | undefined {
  if (isAnalysisTemplate(ref)) return ref.namespace === stage.namespace ? ref : 'wrong-namespace';
  if (isClusterAnalysisTemplate(ref)) return ref;
  const name = typeof ref === 'string' ? ref : ref.templateName;
  const kind = typeof ref === 'string' ? 'AnalysisTemplate' : ref.templateKind;
  if (kind === 'AnalysisTemplate') {
    return kindInApp(stage, 'AnalysisTemplate', stage.namespace).byName.get(name);
  }
  return kindInApp(stage, 'ClusterAnalysisTemplate').byName.get(name);
}
