import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as kargo from './imports/kargo.js';
import type { KargoObjectProps } from './kargo-object-props.js';
import { brand, markExternal } from './private/kinds.js';
import { namespacedNameIssues } from './private/names-check.js';
import { dependOnProject, resolveNamespace } from './private/scope.js';
import { renderTaskSpec, requiredTaskVars, taskSpecIssues } from './private/task-spec.js';
import { addKargoValidation } from './private/validation.js';
import type { IPromotionTaskRef, Step } from './steps/step.js';

/** The spec of a promotion task: what {@link PromotionTask} and ClusterPromotionTask share. */
export interface PromotionTaskSpecProps {
  /**
   * The steps (built-in or custom steps; tasks cannot run other tasks). More can be added with
   * `addStep()`; at least one is required at synth time. Inside a task, read earlier outputs with
   * `step.taskOutput(...)` / `taskOutputs(alias)`, and return results with a `compose-output` step.
   *
   * @default - none
   */
  readonly steps?: readonly Step[];
  /**
   * Task variables in order. A value is the default; `undefined` declares a required input that
   * each Stage step running the task must provide (step vars, template vars or Stage vars).
   *
   * @default - none
   */
  readonly vars?: Readonly<Record<string, string | undefined>>;
}

/** Props of a {@link PromotionTask}. */
export interface PromotionTaskProps extends KargoObjectProps, PromotionTaskSpecProps {}

/**
 * A Kargo PromotionTask: a reusable list of promotion steps, run from a Stage's promotion template
 * with `Step.task(task)`.
 *
 * @see https://docs.kargo.io/user-guide/reference-docs/promotion-tasks
 */
export class PromotionTask extends Construct implements IPromotionTaskRef {
  /** A reference to a PromotionTask that is not part of this app (skips the existence check). */
  public static fromPromotionTaskName(taskName: string): IPromotionTaskRef {
    return markExternal<IPromotionTaskRef>({ taskName, taskKind: 'PromotionTask' });
  }

  /** `metadata.name`. */
  public readonly taskName: string;
  /** Always `PromotionTask`. */
  public readonly taskKind = 'PromotionTask' as const;
  /** The namespace (project), when known. */
  public readonly namespace?: string;
  /** The L1 `PromotionTask` object (escape hatch). */
  public readonly apiObject: kargo.PromotionTask;
  /** Names of variables without a default (inputs callers must provide). */
  public readonly requiredVars: readonly string[];
  private readonly steps: Step[];

  public constructor(scope: Construct, id: string, props: PromotionTaskProps = {}) {
    super(scope, id);
    brand(this, 'PromotionTask');
    const namespace = resolveNamespace(this, props.project, props.metadata);
    if (namespace !== undefined) this.namespace = namespace;
    this.steps = [...(props.steps ?? [])];
    this.requiredVars = requiredTaskVars(props.vars);
    this.apiObject = new kargo.PromotionTask(this, 'Resource', {
      metadata: { ...props.metadata, ...(namespace !== undefined ? { namespace } : {}) },
      spec: Lazy.any({ produce: () => renderTaskSpec(this.steps, props.vars) }),
    });
    this.taskName = this.apiObject.name;
    dependOnProject(this, props.project);

    addKargoValidation(this, this.apiObject, (manifest) => [
      ...namespacedNameIssues('PromotionTask', this.taskName, this.namespace),
      ...taskSpecIssues('PromotionTask', manifest),
    ]);
  }

  /** Appends steps. */
  public addStep(...steps: Step[]): void {
    this.steps.push(...steps);
  }
}
