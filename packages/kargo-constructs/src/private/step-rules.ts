import { BUILTIN_STEP_NAMES } from '../generated/step-configs.js';
import { evaluatedStepsIssues, type StepsEvaluationScope } from '../validation/evaluated.js';
import { formatIssue, validateStepConfig } from '../validation/index.js';

/** Kargo reserves the aliases it gives unnamed steps: `step-<n>` and `task-<n>`. */
export const RESERVED_ALIAS_RE = /^(step|task)-\d+$/;

const BUILTIN = new Set<string>(BUILTIN_STEP_NAMES);

/** Steps removed from Kargo and what replaces them. */
const REMOVED_STEPS: Record<string, string> = {
  'helm-update-image': 'was removed in Kargo v1.3; use yaml-update to set image values in a values file',
};

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Problems of a `steps[]` list (Stage promotion template: `context = 'template'`; PromotionTask:
 * `context = 'task'`), as `path: message` strings: unique and unreserved aliases, task-step
 * restrictions, each built-in step's config against Kargo's JSON schema as written and — given the
 * `scope` the steps run in — after a simulated evaluation of its expressions (validation/evaluated.ts).
 */
export function stepsIssues(
  steps: readonly unknown[],
  prefix: string,
  context: 'template' | 'task',
  scope?: StepsEvaluationScope,
): string[] {
  const out: string[] = [];
  const aliases = new Map<string, number>();
  steps.forEach((raw, i) => {
    const at = `${prefix}[${i}]`;
    if (!isRecord(raw)) {
      out.push(`${at}: must be an object`);
      return;
    }
    const alias = raw.as;
    if (typeof alias === 'string') {
      if (RESERVED_ALIAS_RE.test(alias)) {
        out.push(
          `${at}.as: alias "${alias}" is reserved by Kargo (step-<n> and task-<n> name unaliased steps); choose another alias`,
        );
      }
      const first = aliases.get(alias);
      if (first !== undefined) {
        out.push(
          `${at}.as: alias "${alias}" is already used by ${prefix}[${first}]; step aliases must be unique`,
        );
      } else {
        aliases.set(alias, i);
      }
    }
    if (raw.task !== undefined) {
      if (context === 'task') {
        out.push(`${at}.task: a PromotionTask cannot run another task; use steps with uses only`);
      }
      for (const field of ['if', 'config', 'continueOnError', 'retry'] as const) {
        if (raw[field] !== undefined) {
          out.push(`${at}.${field}: a step that runs a task cannot set ${field} (only task, as and vars)`);
        }
      }
      return;
    }
    const uses = raw.uses;
    if (typeof uses !== 'string') return;
    const removed = REMOVED_STEPS[uses];
    if (removed !== undefined) {
      out.push(`${at}.uses: step "${uses}" ${removed}`);
      return;
    }
    if (BUILTIN.has(uses)) {
      out.push(...validateStepConfig(uses, raw.config ?? {}, { path: `${at}.config` }).map(formatIssue));
    }
  });
  if (scope !== undefined) {
    out.push(...evaluatedStepsIssues(steps, prefix, scope, (uses) => BUILTIN.has(uses)).map(formatIssue));
  }
  return out;
}
