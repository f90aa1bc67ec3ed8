import type { Duration } from 'cdk8s';
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import type { IAnalysisTemplateRef } from './analysis-template.js';
import { renderDuration } from './duration.js';
import * as kargo from './imports/kargo.js';
import type { KargoObjectProps } from './kargo-object-props.js';
import { brand } from './private/kinds.js';
import { namespacedNameIssues } from './private/names-check.js';
import { compact, nonEmpty, renderVars } from './private/render.js';
import { dependOnProject, resolveNamespace } from './private/scope.js';
import { stageIssues } from './private/stage-rules.js';
import { addKargoValidation } from './private/validation.js';
import type { Step } from './steps/step.js';
import type { IWarehouse } from './warehouse.js';

/** A Stage: a `Stage` construct or a reference made with `Stage.fromStageName()`. */
export interface IStage {
  /** `metadata.name` of the Stage. */
  readonly stageName: string;
}

/** With several upstream Stages: Freight must be verified in `All` of them or in `OneOf` them. */
export type AvailabilityStrategy = 'All' | 'OneOf';

/** Which Freight auto-promotion picks: the newest, or the one currently in the upstream Stage. */
export type AutoPromotionSelectionPolicy = 'NewestFreight' | 'MatchUpstream';

/**
 * Where a Stage may take Freight of one origin from.
 *
 * @see https://docs.kargo.io/user-guide/reference-docs/stages#requested-freight
 */
export interface FreightSources {
  /**
   * Accept Freight straight from the Warehouse.
   *
   * @default false
   */
  readonly direct?: boolean;
  /**
   * Upstream Stages in which the Freight must have been verified (Stage constructs or names).
   *
   * @default - none
   */
  readonly stages?: readonly (IStage | string)[];
  /**
   * How long the Freight must have been in an upstream Stage (e.g. `24h`, `Duration.days(7)`).
   *
   * @default - no soak time
   */
  readonly requiredSoakTime?: Duration | string;
  /**
   * With several upstream Stages, whether Freight must be verified in all or in one of them.
   *
   * @default - Kargo's default ('OneOf')
   */
  readonly availabilityStrategy?: AvailabilityStrategy;
  /**
   * Auto-promotion options (auto-promotion itself is enabled in the ProjectConfig).
   *
   * @default - Kargo's default (selectionPolicy 'NewestFreight')
   */
  readonly autoPromotionOptions?: { readonly selectionPolicy?: AutoPromotionSelectionPolicy };
}

/** One entry of `spec.requestedFreight`: the Freight of one Warehouse and where to get it. */
export interface FreightRequest {
  /** The Warehouse producing the Freight (construct, reference or name). */
  readonly origin: IWarehouse | string;
  /** Where the Freight may come from (`direct` and/or upstream `stages`). */
  readonly sources: FreightSources;
}

/** The promotion process of a Stage. */
export interface PromotionTemplate {
  /** The steps, in order (at least one). */
  readonly steps: readonly Step[];
  /**
   * Template-level variables (may use `ctx` and earlier vars, not step outputs).
   *
   * @default - none
   */
  readonly vars?: Readonly<Record<string, string>>;
}

/** How Freight is verified after promotion. */
export interface StageVerification {
  /** Analysis templates to run (constructs, references, or names of AnalysisTemplates). */
  readonly analysisTemplates: readonly (IAnalysisTemplateRef | string)[];
  /**
   * Arguments passed to the templates, in order; values may use `${{ }}` with `ctx.project`,
   * `ctx.stage`, Stage `vars` and the Freight functions. Each must be declared by every template.
   *
   * @default - none
   */
  readonly args?: Readonly<Record<string, string>>;
  /**
   * Labels and annotations of the AnalysisRuns.
   *
   * @default - none
   */
  readonly analysisRunMetadata?: {
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
}

/** Props of a {@link Stage}. */
export interface StageProps extends KargoObjectProps {
  /**
   * The Freight this Stage takes, per origin Warehouse. More with `requestFreight()`; at least one
   * is required at synth time.
   *
   * @default - none
   */
  readonly requestedFreight?: readonly FreightRequest[];
  /**
   * The promotion steps (a Stage without them is a control-flow Stage). Steps can also be added
   * with `addStep()`.
   *
   * @default - no promotion template
   */
  readonly promotionTemplate?: PromotionTemplate;
  /**
   * Verification run after each promotion.
   *
   * @default - no verification
   */
  readonly verification?: StageVerification;
  /**
   * Stage-level variables, visible to promotion steps and verification args.
   *
   * @default - none
   */
  readonly vars?: Readonly<Record<string, string>>;
  /**
   * Shard (controller) responsible for the Stage.
   *
   * @default - the default controller
   */
  readonly shard?: string;
}

/**
 * A Kargo Stage: requested Freight, a promotion template built from typed steps, verification.
 *
 * Validated at synth time: the CRD (incl. CEL rules), step configs against Kargo's JSON schemas,
 * step aliases, and references within the app (origin Warehouses, upstream Stages, tasks,
 * verification arguments).
 *
 * @see https://docs.kargo.io/user-guide/reference-docs/stages
 */
export class Stage extends Construct implements IStage {
  /** A reference to a Stage that is not part of this app (skips the existence check). */
  public static fromStageName(stageName: string): IStage {
    return { stageName };
  }

  /** `metadata.name`. */
  public readonly stageName: string;
  /** The namespace (project), when known. */
  public readonly namespace?: string;
  /** The L1 `Stage` object (escape hatch). */
  public readonly apiObject: kargo.Stage;
  /** Stage-level vars. */
  public readonly vars: Readonly<Record<string, string>>;
  /** Template-level vars. */
  public readonly templateVars: Readonly<Record<string, string>>;
  /** Verification, if any. */
  public readonly verification?: StageVerification;
  private readonly freight: FreightRequest[];
  private readonly steps: Step[];
  private readonly hasTemplate: boolean;

  public constructor(scope: Construct, id: string, props: StageProps = {}) {
    super(scope, id);
    brand(this, 'Stage');
    const namespace = resolveNamespace(this, props.project, props.metadata);
    if (namespace !== undefined) this.namespace = namespace;
    this.freight = [...(props.requestedFreight ?? [])];
    this.steps = [...(props.promotionTemplate?.steps ?? [])];
    this.hasTemplate = props.promotionTemplate !== undefined;
    this.vars = { ...props.vars };
    this.templateVars = { ...props.promotionTemplate?.vars };
    if (props.verification !== undefined) this.verification = props.verification;

    this.apiObject = new kargo.Stage(this, 'Resource', {
      metadata: { ...props.metadata, ...(namespace !== undefined ? { namespace } : {}) },
      spec: Lazy.any({ produce: () => this.renderSpec(props.shard) }),
    });
    this.stageName = this.apiObject.name;
    dependOnProject(this, props.project);

    addKargoValidation(this, this.apiObject, (manifest) => [
      ...namespacedNameIssues('Stage', this.stageName, this.namespace),
      ...stageIssues(this, manifest),
    ]);
  }

  /** The requested Freight (in order). */
  public get requestedFreight(): readonly FreightRequest[] {
    return [...this.freight];
  }

  /** The promotion steps (in order). */
  public get promotionSteps(): readonly Step[] {
    return [...this.steps];
  }

  /** Names of the origin Warehouses this Stage requests Freight from. */
  public get originNames(): readonly string[] {
    return this.freight.map((f) => (typeof f.origin === 'string' ? f.origin : f.origin.warehouseName));
  }

  /** Requests Freight of one more origin. */
  public requestFreight(request: FreightRequest): void {
    this.freight.push(request);
  }

  /** Appends promotion steps (creating the promotion template if needed). */
  public addStep(...steps: Step[]): void {
    this.steps.push(...steps);
  }

  private renderSpec(shard: string | undefined): kargo.StageSpec {
    const steps = this.steps.map((s) => s.toJson());
    const verification = this.verification;
    return compact({
      shard,
      vars: renderVars(this.vars) as kargo.StageSpecVars[] | undefined,
      requestedFreight: this.freight.map((f) => renderFreightRequest(f)),
      promotionTemplate:
        this.hasTemplate || steps.length > 0
          ? {
              spec: compact({
                vars: renderVars(this.templateVars),
                steps,
              }) as kargo.StageSpecPromotionTemplateSpec,
            }
          : undefined,
      verification:
        verification === undefined
          ? undefined
          : (compact({
              analysisTemplates: verification.analysisTemplates.map((t) =>
                typeof t === 'string'
                  ? { name: t, kind: 'AnalysisTemplate' }
                  : { name: t.templateName, kind: t.templateKind },
              ),
              args: nonEmpty(
                Object.entries(verification.args ?? {}).map(([name, value]) => ({ name, value })),
              ),
              analysisRunMetadata: verification.analysisRunMetadata,
            }) as kargo.StageSpecVerification),
    }) as kargo.StageSpec;
  }
}

function renderFreightRequest(request: FreightRequest): kargo.StageSpecRequestedFreight {
  const s = request.sources;
  return {
    origin: {
      kind: kargo.StageSpecRequestedFreightOriginKind.WAREHOUSE,
      name: typeof request.origin === 'string' ? request.origin : request.origin.warehouseName,
    },
    sources: compact({
      direct: s.direct,
      stages: s.stages?.map((st) => (typeof st === 'string' ? st : st.stageName)),
      requiredSoakTime: renderDuration(s.requiredSoakTime),
      availabilityStrategy: s.availabilityStrategy,
      autoPromotionOptions: s.autoPromotionOptions,
    }) as kargo.StageSpecRequestedFreightSources,
  };
}
