import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { type AnalysisArgument, type AnalysisMetric, renderAnalysisSpec } from './analysis.js';
import * as rollouts from './imports/rollouts.js';
import type { KargoObjectProps } from './kargo-object-props.js';
import { analysisSpecIssues } from './private/analysis-rules.js';
import { brand } from './private/kinds.js';
import { namespacedNameIssues } from './private/names-check.js';
import { dependOnProject, resolveNamespace } from './private/scope.js';
import { addKargoValidation } from './private/validation.js';

/** A reference to an AnalysisTemplate or ClusterAnalysisTemplate (the constructs implement it). */
export interface IAnalysisTemplateRef {
  /** `metadata.name` of the template. */
  readonly templateName: string;
  /** `AnalysisTemplate` (in the Stage's project namespace) or `ClusterAnalysisTemplate`. */
  readonly templateKind: 'AnalysisTemplate' | 'ClusterAnalysisTemplate';
}

/** An analysis template defined in this app: its arguments are known, so Stages can be checked. */
export interface IAnalysisTemplate extends IAnalysisTemplateRef {
  /** Names of all declared arguments. */
  readonly argumentNames: readonly string[];
  /** Names of arguments without a value (a Stage must pass them). */
  readonly requiredArgumentNames: readonly string[];
}

/** The spec of an analysis template: what {@link AnalysisTemplate} and ClusterAnalysisTemplate share. */
export interface AnalysisTemplateSpecProps {
  /**
   * Arguments, referenced as `{{args.<name>}}`. Every argument a Stage passes must be declared.
   *
   * @default - none
   */
  readonly args?: readonly AnalysisArgument[];
  /**
   * Metrics; at least one is required at synth time (or added with `addMetric()`).
   *
   * @default - none
   */
  readonly metrics?: readonly AnalysisMetric[];
  /**
   * Names of metrics whose failures do not fail the analysis.
   *
   * @default - none
   */
  readonly dryRunMetrics?: readonly string[];
}

/** Props of an {@link AnalysisTemplate}. */
export interface AnalysisTemplateProps extends KargoObjectProps, AnalysisTemplateSpecProps {}

/**
 * An Argo Rollouts AnalysisTemplate, used by Kargo Stage verification. Lives in the project
 * namespace of the Stages that use it.
 *
 * @see https://docs.kargo.io/user-guide/how-to-guides/verification
 */
export class AnalysisTemplate extends Construct implements IAnalysisTemplate {
  /** A reference to an AnalysisTemplate that is not part of this app (its arguments are not checked). */
  public static fromAnalysisTemplateName(templateName: string): IAnalysisTemplateRef {
    return { templateName, templateKind: 'AnalysisTemplate' };
  }

  /** `metadata.name`. */
  public readonly templateName: string;
  /** Always `AnalysisTemplate`. */
  public readonly templateKind = 'AnalysisTemplate' as const;
  /** The namespace (project), when known. */
  public readonly namespace?: string;
  /** The L1 object (escape hatch). */
  public readonly apiObject: rollouts.AnalysisTemplate;
  private readonly args: AnalysisArgument[];
  private readonly metrics: AnalysisMetric[];

  public constructor(scope: Construct, id: string, props: AnalysisTemplateProps = {}) {
    super(scope, id);
    brand(this, 'AnalysisTemplate');
    const namespace = resolveNamespace(this, props.project, props.metadata);
    if (namespace !== undefined) this.namespace = namespace;
    this.args = [...(props.args ?? [])];
    this.metrics = [...(props.metrics ?? [])];
    this.apiObject = new rollouts.AnalysisTemplate(this, 'Resource', {
      metadata: { ...props.metadata, ...(namespace !== undefined ? { namespace } : {}) },
      spec: Lazy.any({ produce: () => renderAnalysisSpec(this.args, this.metrics, props.dryRunMetrics) }),
    });
    this.templateName = this.apiObject.name;
    dependOnProject(this, props.project);

    addKargoValidation(this, this.apiObject, () => [
      ...namespacedNameIssues('AnalysisTemplate', this.templateName, this.namespace),
      ...analysisSpecIssues(this.apiObject.toJson().spec, this.metrics),
    ]);
  }

  /** Names of all declared arguments. */
  public get argumentNames(): readonly string[] {
    return this.args.map((a) => a.name);
  }

  /** Names of arguments without `value`/`valueFrom`. */
  public get requiredArgumentNames(): readonly string[] {
    return this.args.filter((a) => a.value === undefined && a.valueFrom === undefined).map((a) => a.name);
  }

  /** Declares an argument. */
  public addArg(arg: AnalysisArgument): void {
    this.args.push(arg);
  }

  /** Adds a metric. */
  public addMetric(metric: AnalysisMetric): void {
    this.metrics.push(metric);
  }
}
