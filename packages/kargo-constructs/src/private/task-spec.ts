import type { Step, StepJson } from '../steps/step.js';
import { stepsScopeOf } from '../validation/evaluated.js';
import { renderVars } from './render.js';
import { stepsIssues } from './step-rules.js';

/** The `spec` of a PromotionTask / ClusterPromotionTask. */
export interface TaskSpecJson {
  vars?: { name: string; value?: string }[];
  steps: StepJson[];
}

export function renderTaskSpec(
  steps: readonly Step[],
  vars: Readonly<Record<string, string | undefined>> | undefined,
): TaskSpecJson {
  const renderedVars = renderVars(vars);
  return {
    ...(renderedVars !== undefined ? { vars: renderedVars } : {}),
    steps: steps.map((s) => s.toJson()),
  };
}

/** Problems of a task manifest beyond its CRD: at least one step, step rules (as written and evaluated). */
export function taskSpecIssues(kind: string, manifest: Record<string, any>): string[] {
  const steps: unknown[] = manifest.spec?.steps ?? [];
  if (steps.length === 0) {
    return [`spec.steps: a ${kind} needs at least one step (pass steps or call addStep())`];
  }
  return stepsIssues(steps, 'spec.steps', 'task', stepsScopeOf(manifest));
}

/** Names of task variables without a default value (inputs the caller must provide). */
export function requiredTaskVars(vars: Readonly<Record<string, string | undefined>> | undefined): string[] {
  return Object.entries(vars ?? {})
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
}
