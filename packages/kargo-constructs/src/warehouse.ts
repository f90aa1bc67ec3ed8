import { type Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { renderDuration } from './duration.js';
import * as kargo from './imports/kargo.js';
import type { KargoObjectProps } from './kargo-object-props.js';
import { brand } from './private/kinds.js';
import { namespacedNameIssues } from './private/names-check.js';
import { compact } from './private/render.js';
import { dependOnProject, resolveNamespace } from './private/scope.js';
import { subscriptionIssues, subscriptionKey } from './private/subscription-rules.js';
import { addKargoValidation } from './private/validation.js';
import type { Subscription } from './subscription.js';

/** Whether a Warehouse creates Freight by itself. */
export type FreightCreationPolicy = 'Automatic' | 'Manual';

/** A Warehouse: a `Warehouse` construct or a reference made with `Warehouse.fromWarehouseName()`. */
export interface IWarehouse {
  /** `metadata.name` of the Warehouse. */
  readonly warehouseName: string;
}

/** Props of a {@link Warehouse}. */
export interface WarehouseProps extends KargoObjectProps {
  /**
   * Artifacts to watch. More can be added with {@link Warehouse.addSubscription}; at least one is
   * required at synth time.
   *
   * @default - none
   */
  readonly subscriptions?: readonly Subscription[];
  /**
   * How often to look for new artifacts (`5m`, `1h30m`, or a cdk8s `Duration`). Kargo raises
   * values below its minimum (5m by default).
   *
   * @default '5m0s'
   */
  readonly interval?: Duration | string;
  /**
   * `Automatic`: new artifacts create Freight; `Manual`: Freight is only created by hand.
   *
   * @default 'Automatic'
   */
  readonly freightCreationPolicy?: FreightCreationPolicy;
  /**
   * expr-lang condition (no `${{ }}`) that discovered artifacts must meet to form Freight, e.g.
   * `imageFrom('ghcr.io/acme/app').Tag == commitFrom('https://github.com/acme/app').Tag`.
   *
   * @default - every new combination forms Freight
   */
  readonly freightCreationCriteria?: string;
  /**
   * Shard (controller) responsible for the Warehouse.
   *
   * @default - the default controller
   */
  readonly shard?: string;
}

/**
 * A Kargo Warehouse: subscriptions to image, git and chart repositories that produce Freight.
 *
 * Validated at synth time: the CRD, each subscription against Kargo's JSON schema (retired fields
 * such as `allowTags` are rejected with their replacement), duplicate repositories.
 *
 * @see https://docs.kargo.io/user-guide/reference-docs/warehouses
 */
export class Warehouse extends Construct implements IWarehouse {
  /** A reference to a Warehouse that is not part of this app (skips the existence check). */
  public static fromWarehouseName(warehouseName: string): IWarehouse {
    return { warehouseName };
  }

  /** `metadata.name`. */
  public readonly warehouseName: string;
  /** The namespace (project), when known. */
  public readonly namespace?: string;
  /** The polling interval as rendered. */
  public readonly interval: string;
  /** The freight creation policy. */
  public readonly freightCreationPolicy: FreightCreationPolicy;
  /** The L1 `Warehouse` object (escape hatch). */
  public readonly apiObject: kargo.Warehouse;
  private readonly _subscriptions: Subscription[];

  public constructor(scope: Construct, id: string, props: WarehouseProps = {}) {
    super(scope, id);
    brand(this, 'Warehouse');
    const namespace = resolveNamespace(this, props.project, props.metadata);
    if (namespace !== undefined) this.namespace = namespace;
    this.interval = renderDuration(props.interval) ?? '5m0s';
    this.freightCreationPolicy = props.freightCreationPolicy ?? 'Automatic';
    this._subscriptions = [...(props.subscriptions ?? [])];

    this.apiObject = new kargo.Warehouse(this, 'Resource', {
      metadata: { ...props.metadata, ...(namespace !== undefined ? { namespace } : {}) },
      spec: Lazy.any({
        produce: (): kargo.WarehouseSpec =>
          compact({
            interval: this.interval,
            freightCreationPolicy: this.freightCreationPolicy as kargo.WarehouseSpecFreightCreationPolicy,
            freightCreationCriteria:
              props.freightCreationCriteria !== undefined
                ? { expression: props.freightCreationCriteria }
                : undefined,
            shard: props.shard,
            subscriptions: this._subscriptions.map((s) => s.toJson()),
          }),
      }),
    });
    this.warehouseName = this.apiObject.name;
    dependOnProject(this, props.project);

    addKargoValidation(this, this.apiObject, (manifest) => [
      ...namespacedNameIssues('Warehouse', this.warehouseName, this.namespace),
      ...this.subscriptionProblems(manifest),
    ]);
  }

  /** The subscriptions (in order). */
  public get subscriptions(): readonly Subscription[] {
    return [...this._subscriptions];
  }

  /** Adds a subscription. */
  public addSubscription(subscription: Subscription): void {
    this._subscriptions.push(subscription);
  }

  private subscriptionProblems(manifest: Record<string, any>): string[] {
    const rendered: unknown[] = (manifest.spec?.subscriptions as unknown[] | undefined) ?? [];
    if (rendered.length === 0) {
      return [
        'spec.subscriptions: a Warehouse needs at least one subscription (pass subscriptions or call addSubscription())',
      ];
    }
    const out: string[] = [];
    const seen = new Map<string, number>();
    rendered.forEach((entry, i) => {
      const prefix = `spec.subscriptions[${i}]`;
      out.push(...subscriptionIssues(entry, prefix));
      const key = subscriptionKey(entry);
      if (key === undefined) return;
      const first = seen.get(key);
      if (first !== undefined) {
        out.push(
          `${prefix}: subscribes to the same repository as spec.subscriptions[${first}]; Kargo rejects duplicate subscriptions in one Warehouse`,
        );
      } else {
        seen.set(key, i);
      }
    });
    return out;
  }
}
