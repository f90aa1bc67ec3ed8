import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as kargo from './imports/kargo.js';
import { isKind } from './private/kinds.js';
import { findInApp, kindInApp, listNames } from './private/lookup.js';
import { compact, nonEmpty } from './private/render.js';
import { dependOnProject, resolveNamespace } from './private/scope.js';
import { addKargoValidation } from './private/validation.js';
import type { IProject } from './project.js';
import { type PromotionPolicy, STAGE_NAME_PATTERN_PREFIXES } from './promotion-policy.js';

const isStage = isKind('Stage');
const PROJECT_CONFIG = Symbol.for('@image-factory/kargo-constructs.ProjectConfig');

/** Props of a {@link ProjectConfig}. */
export interface ProjectConfigProps {
  /**
   * The Project configured. The ProjectConfig is named after it and lives in its namespace.
   *
   * @default - the chart's namespace
   */
  readonly project?: IProject | string;
  /**
   * Labels of the ProjectConfig.
   *
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Annotations of the ProjectConfig.
   *
   * @default - none
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Promotion policies (auto-promotion per Stage, pattern or labels). More with
   * `addPromotionPolicy()`.
   *
   * @default - none
   */
  readonly promotionPolicies?: readonly PromotionPolicy[];
  /**
   * Webhook receivers that refresh Warehouses on push events (Kubernetes JSON shape; the URL is
   * published in the ProjectConfig status).
   *
   * @default - none
   */
  readonly webhookReceivers?: readonly kargo.ProjectConfigSpecWebhookReceivers[];
  /**
   * Links shown for each Freight in the Kargo UI (`url` may use expressions).
   *
   * @default - none
   */
  readonly freightLinks?: readonly kargo.ProjectConfigSpecFreightLinks[];
  /**
   * Links shown for each Stage in the Kargo UI.
   *
   * @default - none
   */
  readonly stageLinks?: readonly kargo.ProjectConfigSpecStageLinks[];
}

/**
 * The configuration of a Kargo Project (at most one per Project; named like the Project): promotion
 * policies, webhook receivers, UI links.
 *
 * @see https://docs.kargo.io/user-guide/reference-docs/project-config
 */
export class ProjectConfig extends Construct {
  /** The Project (namespace) configured, when known. */
  public readonly projectName?: string;
  /** The L1 `ProjectConfig` object (escape hatch). */
  public readonly apiObject: kargo.ProjectConfig;
  private readonly policies: PromotionPolicy[];

  public constructor(scope: Construct, id: string, props: ProjectConfigProps = {}) {
    super(scope, id);
    Object.defineProperty(this, PROJECT_CONFIG, { value: true });
    const namespace = resolveNamespace(this, props.project, undefined);
    if (namespace !== undefined) this.projectName = namespace;
    this.policies = [...(props.promotionPolicies ?? [])];
    this.apiObject = new kargo.ProjectConfig(this, 'Resource', {
      metadata: compact({
        ...(namespace !== undefined ? { name: namespace, namespace } : {}),
        labels: props.labels !== undefined ? { ...props.labels } : undefined,
        annotations: props.annotations !== undefined ? { ...props.annotations } : undefined,
      }),
      spec: Lazy.any({
        produce: (): kargo.ProjectConfigSpec =>
          compact({
            promotionPolicies: nonEmpty(this.policies.map((p) => p.toJson())),
            webhookReceivers: nonEmpty(props.webhookReceivers),
            freightLinks: nonEmpty(props.freightLinks),
            stageLinks: nonEmpty(props.stageLinks),
          }) as kargo.ProjectConfigSpec,
      }),
    });
    dependOnProject(this, props.project);

    addKargoValidation(this, this.apiObject, () => this.problems());
  }

  /** The promotion policies (in order). */
  public get promotionPolicies(): readonly PromotionPolicy[] {
    return [...this.policies];
  }

  /** Adds a promotion policy. */
  public addPromotionPolicy(policy: PromotionPolicy): void {
    this.policies.push(policy);
  }

  private problems(): string[] {
    if (this.projectName === undefined) {
      return [
        'metadata.name: a ProjectConfig is named after its Project; pass project (a Project or its name) or give the chart a namespace',
      ];
    }
    const out: string[] = [];
    const others = findInApp(this, (c): c is ProjectConfig => PROJECT_CONFIG in c && c !== this).filter(
      (c) => c.projectName === this.projectName,
    );
    if (others.length > 0) {
      out.push(
        `metadata.name: Project "${this.projectName}" already has a ProjectConfig (${others.map((o) => o.node.path).join(', ')}); Kargo allows one per Project`,
      );
    }
    const stages = kindInApp(this, 'Stage', this.projectName);
    const exact = new Map<string, number>();
    this.policies.forEach((policy, i) => {
      const at = `spec.promotionPolicies[${i}].stageSelector.name`;
      const name = policy.selector.name;
      const prefix = name?.match(/^([a-z]+):/)?.[0];
      if (prefix !== undefined && !(STAGE_NAME_PATTERN_PREFIXES as readonly string[]).includes(prefix)) {
        out.push(`${at}: unknown pattern prefix "${prefix}" in "${name}"; use glob:, regex: or regexp:`);
      }
      if (name !== undefined && prefix !== undefined && name.length === prefix.length) {
        out.push(`${at}: the ${prefix} pattern is empty`);
      }
      const exactName = policy.exactStageName;
      if (exactName === undefined) return;
      const first = exact.get(exactName);
      if (first !== undefined) {
        out.push(`${at}: Stage "${exactName}" already has a policy (spec.promotionPolicies[${first}])`);
      } else {
        exact.set(exactName, i);
      }
      const checked = policy.stage === undefined || typeof policy.stage === 'string' || isStage(policy.stage);
      if (checked && !stages.byName.has(exactName)) {
        out.push(
          `${at}: Stage "${exactName}" is not defined in project "${this.projectName}" of this app (known: ${listNames(stages.list.map((s) => s.stageName))}); a policy for a missing Stage never applies`,
        );
      }
    });
    return out;
  }
}
