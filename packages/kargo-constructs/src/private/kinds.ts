import type { IConstruct } from 'constructs';
import type { AnalysisTemplate } from '../analysis-template.js';
import type { ClusterAnalysisTemplate } from '../cluster-analysis-template.js';
import type { ClusterPromotionTask } from '../cluster-promotion-task.js';
import type { PromotionTask } from '../promotion-task.js';
import type { Stage } from '../stage.js';
import type { Warehouse } from '../warehouse.js';

const KIND = Symbol.for('@image-factory/kargo-constructs.kind');

export interface Kinds {
  Warehouse: Warehouse;
  Stage: Stage;
  PromotionTask: PromotionTask;
  ClusterPromotionTask: ClusterPromotionTask;
  AnalysisTemplate: AnalysisTemplate;
  ClusterAnalysisTemplate: ClusterAnalysisTemplate;
}

/** Marks an L2 construct with its Kargo kind, so lookups need no runtime imports (no cycles). */
export function brand(construct: object, kind: keyof Kinds): void {
  Object.defineProperty(construct, KIND, { value: kind });
}

/** The Kargo kind a construct was branded with, if any. */
export function kindOf(c: unknown): keyof Kinds | undefined {
  return typeof c === 'object' && c !== null ? (c as { [KIND]?: keyof Kinds })[KIND] : undefined;
}

/** Type guard for a branded L2 construct (works across duplicate copies of this package). */
export function isKind<K extends keyof Kinds>(kind: K): (c: unknown) => c is Kinds[K] & IConstruct {
  return (c: unknown): c is Kinds[K] & IConstruct =>
    typeof c === 'object' && c !== null && (c as { [KIND]?: string })[KIND] === kind;
}

const EXTERNAL = Symbol.for('@image-factory/kargo-constructs.external');

/** Marks a plain reference made with `fromXxxName()`: it names an object outside this app. */
export function markExternal<T extends object>(ref: T): T {
  Object.defineProperty(ref, EXTERNAL, { value: true });
  return ref;
}

/** Whether a reference was made with `fromXxxName()`. */
export function isExternal(ref: object): boolean {
  return (ref as { [EXTERNAL]?: boolean })[EXTERNAL] === true;
}
