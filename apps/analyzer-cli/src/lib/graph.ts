/**
 * The dependency graph of a state: base image → managed image → consumer, including cascades
 * (a managed image built on another managed image). Pure and deterministic: nodes and edges sorted.
 */
import { type FactoryState, findCycles } from '@image-factory/state-schema';

/** Kinds of node: a watched base/external image, an image the factory builds, a repository it updates. */
export type GraphNodeKind = 'base' | 'image' | 'consumer';

/** One node. `id` is `<kind>:<name>` (`consumer:<repo>@<branch>:<path>` for consumers). */
export interface GraphNode {
  readonly id: string;
  readonly kind: GraphNodeKind;
  readonly name: string;
  /** What it is: the base image reference, the built repository, or the consumer file. */
  readonly detail: string;
}

/** An edge: `builds` (a base or managed image feeds a managed image) or `updates` (an image bumps a consumer). */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: 'builds' | 'updates';
  /** For `updates`: the update type. */
  readonly label?: string | undefined;
}

/** The graph, plus what a change of each node rebuilds. */
export interface ImageGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** For each base or managed image with dependents: every managed image it rebuilds, transitively, sorted. */
  readonly cascades: Readonly<Record<string, readonly string[]>>;
}

/** {@link buildImageGraph}'s result: the graph, or the errors that make it unusable (cycles, unknown names). */
export type GraphResult =
  | { readonly ok: true; readonly graph: ImageGraph }
  | { readonly ok: false; readonly errors: readonly string[] };

/** Output formats of {@link renderGraph}. */
export type GraphFormat = 'mermaid' | 'dot' | 'json';
export const GRAPH_FORMATS: readonly GraphFormat[] = ['mermaid', 'dot', 'json'];

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Builds the graph of `state`. Reports every managed-image cycle (`a -> b -> a`) and unknown base name. */
export function buildImageGraph(state: Pick<FactoryState, 'managedImages' | 'baseImages'>): GraphResult {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const errors: string[] = [];
  const managedNames = new Set(state.managedImages.map((image) => image.name));
  const baseNames = new Set(state.baseImages.map((base) => base.name));
  for (const base of state.baseImages) {
    nodes.set(`base:${base.name}`, {
      id: `base:${base.name}`,
      kind: 'base',
      name: base.name,
      detail: base.reference.normalized,
    });
  }
  for (const image of state.managedImages) {
    nodes.set(`image:${image.name}`, {
      id: `image:${image.name}`,
      kind: 'image',
      name: image.name,
      detail: image.reference.name,
    });
  }
  const dependents = new Map<string, string[]>();
  for (const image of state.managedImages) {
    for (const name of image.baseImages) {
      let from: string;
      if (managedNames.has(name)) from = `image:${name}`;
      else if (baseNames.has(name)) from = `base:${name}`;
      else {
        errors.push(
          `image "${image.name}" is built from "${name}", which is neither a base image nor a managed image`,
        );
        continue;
      }
      edges.push({ from, to: `image:${image.name}`, kind: 'builds' });
      dependents.set(from, [...(dependents.get(from) ?? []), image.name]);
    }
    for (const update of image.updates) {
      const id = `consumer:${update.repo}@${update.branch}:${update.path}`;
      nodes.set(id, { id, kind: 'consumer', name: `${update.repo}:${update.path}`, detail: update.branch });
      edges.push({ from: `image:${image.name}`, to: id, kind: 'updates', label: update.type });
    }
  }
  errors.push(
    ...cycleErrors(
      new Map(
        state.managedImages.map((image) => [image.name, image.baseImages.filter((n) => managedNames.has(n))]),
      ),
    ),
  );
  if (errors.length > 0) return { ok: false, errors };

  const cascades: Record<string, readonly string[]> = {};
  for (const id of [...dependents.keys()].sort()) {
    const seen = new Set<string>();
    const queue = [...(dependents.get(id) ?? [])];
    while (queue.length > 0) {
      const name = queue.shift() as string;
      if (seen.has(name)) continue;
      seen.add(name);
      queue.push(...(dependents.get(`image:${name}`) ?? []));
    }
    cascades[id] = [...seen].sort();
  }
  const sortedEdges = edges.sort((a, b) =>
    a.from !== b.from ? (a.from < b.from ? -1 : 1) : a.to !== b.to ? (a.to < b.to ? -1 : 1) : 0,
  );
  return { ok: true, graph: { nodes: [...nodes.values()].sort(byId), edges: sortedEdges, cascades } };
}

/**
 * Every cycle among managed images (`a -> b -> a`, where `b` is built from `a`), each reported once,
 * found by state-schema's {@link findCycles} (the loader's own check).
 */
export function cycleErrors(dependencies: ReadonlyMap<string, readonly string[]>): string[] {
  return findCycles(dependencies).map(
    (cycle) => `base-image cycle: ${[...cycle, cycle[0]].join(' -> ')} (each image is built from the next)`,
  );
}
