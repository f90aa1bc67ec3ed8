import type { IStage } from './stage.js';

/** Options of a promotion policy. */
export interface PromotionPolicyOptions {
  /**
   * Whether matching Stages are promoted automatically when new Freight is available. A policy
   * exists mostly to turn this on (Stage editors cannot enable it themselves).
   *
   * @default true
   */
  readonly autoPromotionEnabled?: boolean;
  /**
   * Automatic rollback (Akuity Platform only; ignored by open-source Kargo).
   *
   * @default - none
   */
  readonly autoRollback?: {
    /** Promotion phases that trigger a rollback. */
    readonly onPromotion?: readonly ('Failed' | 'Errored')[];
    /** Verification phases that trigger a rollback (note: `Error`, not `Errored`). */
    readonly onVerification?: readonly ('Failed' | 'Error')[];
  };
}

/** A Kubernetes label selector requirement. */
export interface LabelSelectorRequirement {
  /** Label key. */
  readonly key: string;
  /** `In`, `NotIn`, `Exists` or `DoesNotExist`. */
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  /**
   * Values for `In` / `NotIn`.
   *
   * @default - none
   */
  readonly values?: readonly string[];
}

/** Which Stages a policy applies to (`stageSelector`; all given criteria must match). */
export interface StageSelector {
  /**
   * An exact Stage name, or a pattern prefixed with `glob:`, `regex:` or `regexp:`.
   *
   * @default - any name
   */
  readonly name?: string;
  /**
   * Labels the Stage must have.
   *
   * @default - none
   */
  readonly matchLabels?: Readonly<Record<string, string>>;
  /**
   * Label requirements.
   *
   * @default - none
   */
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/** The pattern prefixes Kargo accepts in `stageSelector.name`. */
export const STAGE_NAME_PATTERN_PREFIXES = ['glob:', 'regex:', 'regexp:'] as const;

/**
 * One entry of a ProjectConfig's `promotionPolicies`. Always rendered with `stageSelector` (the
 * plain `stage` field is deprecated).
 *
 * @see https://docs.kargo.io/user-guide/reference-docs/project-config#promotion-policies
 */
export class PromotionPolicy {
  /** A policy for one Stage (construct, reference or name). */
  public static forStage(stage: IStage | string, options?: PromotionPolicyOptions): PromotionPolicy {
    const name = typeof stage === 'string' ? stage : stage.stageName;
    return new PromotionPolicy({ name }, options ?? {}, stage);
  }

  /** A policy for every Stage whose name matches a glob, e.g. `forGlob('rebuild-*')`. */
  public static forGlob(glob: string, options?: PromotionPolicyOptions): PromotionPolicy {
    return new PromotionPolicy({ name: `glob:${glob}` }, options ?? {}, undefined);
  }

  /** A policy for every Stage whose name matches a (Go RE2) regular expression. */
  public static forRegex(regex: string, options?: PromotionPolicyOptions): PromotionPolicy {
    return new PromotionPolicy({ name: `regex:${regex}` }, options ?? {}, undefined);
  }

  /** A policy for every Stage with these labels. */
  public static forLabels(
    matchLabels: Readonly<Record<string, string>>,
    options?: PromotionPolicyOptions,
  ): PromotionPolicy {
    return new PromotionPolicy({ matchLabels }, options ?? {}, undefined);
  }

  /** A policy with a full selector (name or pattern, labels, expressions). */
  public static forSelector(selector: StageSelector, options?: PromotionPolicyOptions): PromotionPolicy {
    return new PromotionPolicy(selector, options ?? {}, undefined);
  }

  /** The selector. */
  public readonly selector: StageSelector;
  /** For `forStage()`: the Stage given (checked to exist when it is a name or a construct). */
  public readonly stage?: IStage | string;
  private readonly options: PromotionPolicyOptions;

  private constructor(
    selector: StageSelector,
    options: PromotionPolicyOptions,
    stage: IStage | string | undefined,
  ) {
    this.selector = selector;
    this.options = options;
    if (stage !== undefined) this.stage = stage;
  }

  /** Whether the selector names one exact Stage (no pattern prefix). */
  public get exactStageName(): string | undefined {
    const name = this.selector.name;
    if (name === undefined || /^[a-z]+:/.test(name)) return undefined;
    return name;
  }

  /** The policy as it appears in `spec.promotionPolicies[]`. */
  public toJson(): Record<string, unknown> {
    const s = this.selector;
    const selector: Record<string, unknown> = {};
    if (s.name !== undefined) selector.name = s.name;
    if (s.matchLabels !== undefined) selector.matchLabels = { ...s.matchLabels };
    if (s.matchExpressions !== undefined) {
      selector.matchExpressions = s.matchExpressions.map((e) => ({
        key: e.key,
        operator: e.operator,
        ...(e.values !== undefined ? { values: [...e.values] } : {}),
      }));
    }
    const out: Record<string, unknown> = {
      stageSelector: selector,
      autoPromotionEnabled: this.options.autoPromotionEnabled ?? true,
    };
    const rollback = this.options.autoRollback;
    if (rollback !== undefined) {
      out.autoRollback = {
        ...(rollback.onPromotion !== undefined ? { onPromotion: [...rollback.onPromotion] } : {}),
        ...(rollback.onVerification !== undefined ? { onVerification: [...rollback.onVerification] } : {}),
      };
    }
    return out;
  }
}
