import type { IConstruct } from 'constructs';
import { brandGeneration, type Kinds, kindOf } from './kinds.js';

/** Every construct in the same cdk8s App as `scope` (depth-first, deterministic) matching `test`. */
export function findInApp<T extends IConstruct>(scope: IConstruct, test: (c: IConstruct) => c is T): T[] {
  return scope.node.root.node.findAll().filter(test);
}

/** The branded constructs of one kind (and namespace), depth-first, and the first one of each name. */
export interface KindGroup<T> {
  readonly list: readonly T[];
  readonly byName: ReadonlyMap<string, T>;
}

const NAME_OF: { [K in keyof Kinds]: (c: Kinds[K]) => string } = {
  Warehouse: (c) => c.warehouseName,
  Stage: (c) => c.stageName,
  PromotionTask: (c) => c.taskName,
  ClusterPromotionTask: (c) => c.taskName,
  AnalysisTemplate: (c) => c.templateName,
  ClusterAnalysisTemplate: (c) => c.templateName,
};

interface Snapshot {
  readonly generation: number;
  readonly byKind: Map<keyof Kinds, IConstruct[]>;
  /** kind -> namespace (or ALL) -> group */
  readonly groups: Map<keyof Kinds, Map<string | undefined | typeof ALL, KindGroup<IConstruct>>>;
}

const ALL = Symbol('all namespaces');
const snapshots = new WeakMap<IConstruct, Snapshot>();

/**
 * One depth-first walk of the app, grouped by kind, reused by every cross-reference check of a
 * synthesis: each Stage's validation would otherwise walk the whole app (O(n²) for n Stages). The
 * snapshot is rebuilt when a branded construct has been created since, and dropped at the next
 * microtask, so it never outlives the synchronous synthesis that built it.
 */
function snapshotOf(scope: IConstruct): Snapshot {
  const root = scope.node.root;
  const generation = brandGeneration();
  const cached = snapshots.get(root);
  if (cached !== undefined && cached.generation === generation) return cached;
  const byKind = new Map<keyof Kinds, IConstruct[]>();
  for (const c of root.node.findAll()) {
    const kind = kindOf(c);
    if (kind === undefined) continue;
    const list = byKind.get(kind);
    if (list === undefined) byKind.set(kind, [c]);
    else list.push(c);
  }
  const snapshot: Snapshot = { generation, byKind, groups: new Map() };
  snapshots.set(root, snapshot);
  queueMicrotask(() => {
    if (snapshots.get(root) === snapshot) snapshots.delete(root);
  });
  return snapshot;
}

/**
 * The constructs of `kind` in the app of `scope` — in `namespace` when one is passed, including
 * `undefined` (the same as `findInApp(scope, isKind(kind)).filter((c) => c.namespace === namespace)`)
 * — with the first of each name.
 */
export function kindInApp<K extends keyof Kinds>(
  scope: IConstruct,
  kind: K,
  ...namespace: [] | [string | undefined]
): KindGroup<Kinds[K] & IConstruct> {
  const snapshot = snapshotOf(scope);
  const key = namespace.length === 0 ? ALL : namespace[0];
  let groups = snapshot.groups.get(kind);
  if (groups === undefined) {
    groups = new Map();
    snapshot.groups.set(kind, groups);
  }
  let group = groups.get(key);
  if (group === undefined) {
    const all = (snapshot.byKind.get(kind) ?? []) as (Kinds[K] & IConstruct)[];
    const list =
      key === ALL ? all : all.filter((c) => (c as { namespace?: string | undefined }).namespace === key);
    const nameOf = NAME_OF[kind] as (c: Kinds[K]) => string;
    const byName = new Map<string, Kinds[K] & IConstruct>();
    for (const c of list) {
      const name = nameOf(c);
      if (!byName.has(name)) byName.set(name, c);
    }
    group = { list, byName };
    groups.set(key, group);
  }
  return group as KindGroup<Kinds[K] & IConstruct>;
}

/** `a, b, c` (sorted, quoted) or `none` — for "known …" hints in messages. */
export function listNames(names: Iterable<string>): string {
  const sorted = [...new Set(names)].sort();
  return sorted.length === 0 ? 'none' : sorted.map((n) => `"${n}"`).join(', ');
}
