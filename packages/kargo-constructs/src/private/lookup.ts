import type { IConstruct } from 'constructs';
import { type Kinds, kindOf } from './kinds.js';

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

/** Every branded construct of an app, by kind, from one depth-first walk. */
interface AppIndex {
  readonly byKind: Map<keyof Kinds, IConstruct[]>;
  /** kind -> namespace (or ALL) -> group, filled as lookups ask for them */
  readonly groups: Map<keyof Kinds, Map<string | undefined | typeof ALL, KindGroup<IConstruct>>>;
}

const ALL = Symbol('all namespaces');
/** The index of the validation pass under way, by app root. */
const passIndex = new WeakMap<IConstruct, AppIndex>();
/** Roots that have the indexing validation. */
const indexed = new WeakSet<IConstruct>();

function indexApp(root: IConstruct): AppIndex {
  const byKind = new Map<keyof Kinds, IConstruct[]>();
  for (const c of root.node.findAll()) {
    const kind = kindOf(c);
    if (kind === undefined) continue;
    const list = byKind.get(kind);
    if (list === undefined) byKind.set(kind, [c]);
    else list.push(c);
  }
  return { byKind, groups: new Map() };
}

/** Indexes the app for the validation pass under way; the index is dropped once the pass is over. */
function startPass(root: IConstruct): AppIndex {
  const index = indexApp(root);
  passIndex.set(root, index);
  // A pass (App.synth, Testing.synth, synthYaml) is synchronous: the index never outlives it, so a
  // construct added afterwards is seen by the next pass or by a validation run on its own.
  queueMicrotask(() => {
    if (passIndex.get(root) === index) passIndex.delete(root);
  });
  return index;
}

/**
 * The index of the app of `scope` for cross-reference checks: one walk of the app per validation pass,
 * shared by every check of that pass (each Stage's validation would otherwise walk the whole app:
 * O(n²) for n Stages). cdk8s validates the app root first (its `validate` walks the tree depth-first
 * from the App), so the first lookup gives the root a validation that indexes the app at the start of
 * every later pass; the first pass indexes on that first lookup. No construct can be added while a
 * pass runs, so the index of a pass is never stale.
 */
function indexOf(scope: IConstruct): AppIndex {
  const root = scope.node.root;
  if (!indexed.has(root)) {
    indexed.add(root);
    root.node.addValidation({
      validate: () => {
        startPass(root);
        return [];
      },
    });
  }
  return passIndex.get(root) ?? startPass(root);
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
  const index = indexOf(scope);
  const key = namespace.length === 0 ? ALL : namespace[0];
  let groups = index.groups.get(kind);
  if (groups === undefined) {
    groups = new Map();
    index.groups.set(kind, groups);
  }
  let group = groups.get(key);
  if (group === undefined) {
    const all = (index.byKind.get(kind) ?? []) as (Kinds[K] & IConstruct)[];
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
