import type { Duration } from 'cdk8s';
import { renderDuration } from '../duration.js';
import { Expr, type Expression } from '../expressions.js';
import type * as gen from '../generated/step-configs.js';
import { renderVars, toPlainJson } from '../private/render.js';

/** `T` with every member and array (deeply) readonly, so frozen inputs are accepted. */
export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The typed config of a built-in step, e.g. `StepConfig<'git-clone'>`. */
export type StepConfig<U extends gen.BuiltinStepName> = DeepReadonly<gen.BuiltinStepConfigs[U]>;

/**
 * Retry policy of a step.
 *
 * @see https://docs.kargo.io/user-guide/reference-docs/promotion-templates#step-retries
 */
export interface StepRetry {
  /**
   * How long Kargo keeps retrying the step (`0` = no limit).
   *
   * @default - the step's own default timeout
   */
  readonly timeout?: Duration | string;
  /**
   * Number of consecutive errors after which the step fails.
   *
   * @default 1 (no retries)
   */
  readonly errorThreshold?: number;
}

/** Options common to every promotion step (`as`, `if`, `continueOnError`, `retry`, `vars`). */
export interface StepOptions {
  /**
   * Alias of the step; later steps read its outputs as `outputs["<alias>"]`. Must be unique
   * within the steps list, and `step-<n>` / `task-<n>` are reserved by Kargo.
   *
   * @default - no alias (Kargo names the step `step-<index>`)
   */
  readonly as?: string;
  /**
   * Condition (an expression) under which the step runs, e.g. `always()` or `${{ vars.enabled }}`.
   *
   * @default - run only if every previous step succeeded
   */
  readonly if?: string;
  /**
   * Whether a failure of this step lets the promotion continue.
   *
   * @default false
   */
  readonly continueOnError?: boolean;
  /**
   * Retry policy.
   *
   * @default - no retries
   */
  readonly retry?: StepRetry;
  /**
   * Step-scoped variables (`vars.<name>`), in order; values may use expressions.
   *
   * @default - none
   */
  readonly vars?: Readonly<Record<string, string>>;
}

/** Options of a step that runs a PromotionTask (Kargo allows only `as` and `vars` on it). */
export interface TaskStepOptions {
  /**
   * Alias of the step; the task's `compose-output` results are read as `outputs["<alias>"]`.
   *
   * @default - no alias
   */
  readonly as?: string;
  /**
   * Values for the task's variables (overriding the task defaults and template-level vars).
   *
   * @default - none
   */
  readonly vars?: Readonly<Record<string, string>>;
}

/** A reference to a PromotionTask or ClusterPromotionTask (the constructs implement it). */
export interface IPromotionTaskRef {
  /** `metadata.name` of the task. */
  readonly taskName: string;
  /** `PromotionTask` (namespaced, same project) or `ClusterPromotionTask`. */
  readonly taskKind: 'PromotionTask' | 'ClusterPromotionTask';
}

/** A promotion step as it appears in `steps[]` of a Stage template or a PromotionTask. */
export interface StepJson {
  uses?: string;
  task?: { name: string; kind: 'PromotionTask' | 'ClusterPromotionTask' };
  as?: string;
  if?: string;
  continueOnError?: boolean;
  retry?: { timeout?: string; errorThreshold?: number };
  vars?: { name: string; value?: string }[];
  config?: Record<string, unknown>;
}

/**
 * One promotion step. Build it with a typed factory (`Step.gitClone({...})`, `Step.http({...})` …),
 * `Step.builtin(uses, config)` for any other built-in step, `Step.custom(uses, config)` for steps
 * without a schema (plugins, Akuity Platform steps), or `Step.task(task)` to run a PromotionTask.
 *
 * @see https://docs.kargo.io/user-guide/reference-docs/promotion-steps/
 */
export class Step {
  /** Any built-in step, config typed by its JSON schema (`StepConfig<'helm-update-chart'>` …). */
  public static builtin<U extends gen.BuiltinStepName>(
    uses: U,
    config: StepConfig<U>,
    options?: StepOptions,
  ): Step {
    return new Step({ uses, config: config as Readonly<Record<string, unknown>>, options: options ?? {} });
  }

  /**
   * A step Kargo has no public schema for (a plugin or an Akuity Platform step). Its config is
   * emitted as given and only checked when `uses` is a built-in step.
   */
  public static custom(
    uses: string,
    config?: Readonly<Record<string, unknown>>,
    options?: StepOptions,
  ): Step {
    return new Step({ uses, config, options: options ?? {} });
  }

  /** Runs a PromotionTask / ClusterPromotionTask (only in a Stage's promotion template). */
  public static task(task: IPromotionTaskRef | string, options?: TaskStepOptions): Step {
    const ref: IPromotionTaskRef =
      typeof task === 'string' ? { taskName: task, taskKind: 'PromotionTask' } : task;
    return new Step({ task: ref, options: options ?? {} });
  }

  /** `git-clone`: clones a repository and checks out branches, tags or commits into paths. */
  public static gitClone(config: StepConfig<'git-clone'>, options?: StepOptions): Step {
    return Step.builtin('git-clone', config, options);
  }

  /** `git-commit`: commits all changes in a working tree (output: `commit`). */
  public static gitCommit(config: StepConfig<'git-commit'>, options?: StepOptions): Step {
    return Step.builtin('git-commit', config, options);
  }

  /** `git-push`: pushes a working tree's commits (outputs: `branch`, `commit`, `commitURL`). */
  public static gitPush(config: StepConfig<'git-push'>, options?: StepOptions): Step {
    return Step.builtin('git-push', config, options);
  }

  /** `git-open-pr`: opens a pull request (output: `pr.id`, `pr.url`). */
  public static gitOpenPR(config: StepConfig<'git-open-pr'>, options?: StepOptions): Step {
    return Step.builtin('git-open-pr', config, options);
  }

  /** `git-wait-for-pr`: waits until a pull request is merged (output: `commit`). */
  public static gitWaitForPR(config: StepConfig<'git-wait-for-pr'>, options?: StepOptions): Step {
    return Step.builtin('git-wait-for-pr', config, options);
  }

  /** `git-merge-pr`: merges a pull request. */
  public static gitMergePR(config: StepConfig<'git-merge-pr'>, options?: StepOptions): Step {
    return Step.builtin('git-merge-pr', config, options);
  }

  /** `kustomize-set-image`: sets image tags/digests in a kustomization (output: `commitMessage`). */
  public static kustomizeSetImage(config: StepConfig<'kustomize-set-image'>, options?: StepOptions): Step {
    return Step.builtin('kustomize-set-image', config, options);
  }

  /** `kustomize-build`: renders a kustomization to a file or directory. */
  public static kustomizeBuild(config: StepConfig<'kustomize-build'>, options?: StepOptions): Step {
    return Step.builtin('kustomize-build', config, options);
  }

  /** `yaml-update`: updates keys (dot notation) in a YAML file (output: `commitMessage`). */
  public static yamlUpdate(config: StepConfig<'yaml-update'>, options?: StepOptions): Step {
    return Step.builtin('yaml-update', config, options);
  }

  /** `helm-update-chart`: updates chart dependencies in a Chart.yaml. */
  public static helmUpdateChart(config: StepConfig<'helm-update-chart'>, options?: StepOptions): Step {
    return Step.builtin('helm-update-chart', config, options);
  }

  /** `http`: sends an HTTP request and evaluates success/failure expressions and outputs. */
  public static http(config: StepConfig<'http'>, options?: StepOptions): Step {
    return Step.builtin('http', config, options);
  }

  /** `argocd-update`: updates (and syncs) Argo CD Applications. */
  public static argocdUpdate(config: StepConfig<'argocd-update'>, options?: StepOptions): Step {
    return Step.builtin('argocd-update', config, options);
  }

  /** `set-metadata`: sets metadata values on a Stage or Freight. */
  public static setMetadata(config: StepConfig<'set-metadata'>, options?: StepOptions): Step {
    return Step.builtin('set-metadata', config, options);
  }

  /** `compose-output`: composes values into this step's outputs (how a PromotionTask returns results). */
  public static composeOutput(config: StepConfig<'compose-output'>, options?: StepOptions): Step {
    return Step.builtin('compose-output', config, options);
  }

  /** `uses` of a step that runs a built-in or custom step; `undefined` for a task step. */
  public readonly uses?: string;
  /** The task a task step runs; `undefined` otherwise. */
  public readonly task?: IPromotionTaskRef;
  /** The `as` alias, if any. */
  public readonly alias?: string;
  /** The config (a JSON-ready copy), if any. */
  public readonly config?: Readonly<Record<string, unknown>>;
  private readonly options: StepOptions;

  private constructor(init: {
    uses?: string;
    task?: IPromotionTaskRef;
    config?: Readonly<Record<string, unknown>> | undefined;
    options: StepOptions;
  }) {
    if (init.uses !== undefined) {
      if (init.uses.length === 0) throw new Error('Step: `uses` must not be empty');
      this.uses = init.uses;
    }
    if (init.task !== undefined) this.task = init.task;
    if (init.config !== undefined) this.config = toPlainJson(init.config) as Record<string, unknown>;
    if (init.options.as !== undefined) this.alias = init.options.as;
    this.options = init.options;
  }

  /**
   * An output of this step, read by a later step of a Stage's promotion template:
   * `step.output('pr', 'id')` → `${{ outputs["<alias>"].pr.id }}`. Requires an alias (`as`).
   */
  public output(...path: readonly (string | number)[]): Expression {
    return Expr.outputs(this.requireAlias('output'), ...path).render();
  }

  /** An output of this step read inside the same PromotionTask: `${{ task.outputs["<alias>"]… }}`. */
  public taskOutput(...path: readonly (string | number)[]): Expression {
    return Expr.taskOutputs(this.requireAlias('taskOutput'), ...path).render();
  }

  /** The step as it appears in `steps[]`. */
  public toJson(): StepJson {
    const o = this.options;
    const out: StepJson = {};
    if (this.uses !== undefined) out.uses = this.uses;
    if (this.task !== undefined) out.task = { name: this.task.taskName, kind: this.task.taskKind };
    if (o.as !== undefined) out.as = o.as;
    if (o.if !== undefined) out.if = o.if;
    if (o.continueOnError !== undefined) out.continueOnError = o.continueOnError;
    if (o.retry !== undefined) {
      const timeout = renderDuration(o.retry.timeout);
      out.retry = {
        ...(timeout !== undefined ? { timeout } : {}),
        ...(o.retry.errorThreshold !== undefined ? { errorThreshold: o.retry.errorThreshold } : {}),
      };
    }
    const vars = renderVars(o.vars);
    if (vars !== undefined) out.vars = vars;
    if (this.config !== undefined) out.config = structuredClone(this.config) as Record<string, unknown>;
    return out;
  }

  private requireAlias(method: string): string {
    if (this.alias === undefined) {
      const what = this.uses ?? `task ${this.task?.taskName}`;
      throw new Error(
        `Step.${method}(): the "${what}" step needs an alias; pass { as: '<alias>' } when creating it`,
      );
    }
    return this.alias;
  }
}
