/** What the rebuild graph needs to know about a managed image. */
export interface RebuildGraphImage {
  /** Managed image name. */
  readonly name: string;
  /** Whether a base-image change rebuilds it without a manual promotion. */
  readonly autoRebuild: boolean;
  /** Names of the images it is built from: base images and/or other managed images. */
  readonly baseImages: readonly string[];
}

/** A direct base of an image that does not feed its rebuild Stage, because the change arrives anyway. */
export interface ReducedEdge {
  /** The base whose change is not wired directly. */
  readonly base: string;
  /** The (auto-rebuilt) managed base of the same image through which the change arrives. */
  readonly via: string;
}

/** Which bases feed which rebuild, after removing redundant edges. */
export interface RebuildGraph {
  /** Per managed image (that has bases): the bases feeding its rebuild Stage, sorted. */
  readonly sources: ReadonlyMap<string, readonly string[]>;
  /** Per managed image: direct bases left out of its rebuild Stage, and why. */
  readonly reduced: ReadonlyMap<string, readonly ReducedEdge[]>;
  /** Managed images that feed the rebuild of another managed image (cascades), sorted. */
  readonly managedBases: readonly string[];
  /** Names (base or managed) feeding at least one rebuild Stage, sorted. */
  readonly feeding: readonly string[];
}

/**
 * Computes the rebuild wiring of a fleet.
 *
 * Every direct base of an image feeds its rebuild Stage, except a base `b` that also reaches the
 * image through another of its bases `a` that is a managed image rebuilt automatically
 * (`autoRebuild: true` all along the way): a change of `b` already rebuilds `a`, and the new `a`
 * rebuilds the image — wiring `b` directly as well would rebuild the image twice for one change.
 * (A transitive reduction restricted to auto-rebuilt paths; `autoRebuild: false` images keep all
 * direct edges, since a change would otherwise wait for someone's manual promotion.)
 */
export function planRebuildGraph(images: readonly RebuildGraphImage[]): RebuildGraph {
  const byName = new Map(images.map((i) => [i.name, i]));
  const closures = new Map<string, ReadonlySet<string>>();

  /** Everything whose change reaches `name`'s new build automatically (its bases, recursively). */
  const closure = (name: string, visiting: Set<string>): ReadonlySet<string> => {
    const cached = closures.get(name);
    if (cached !== undefined) return cached;
    const image = byName.get(name);
    const out = new Set<string>();
    if (image === undefined || visiting.has(name)) return out;
    visiting.add(name);
    for (const base of image.baseImages) {
      out.add(base);
      const managed = byName.get(base);
      if (managed?.autoRebuild) for (const x of closure(base, visiting)) out.add(x);
    }
    visiting.delete(name);
    closures.set(name, out);
    return out;
  };

  const sources = new Map<string, readonly string[]>();
  const reduced = new Map<string, readonly ReducedEdge[]>();
  const managedBases = new Set<string>();
  const feeding = new Set<string>();
  for (const image of [...images].sort((a, b) => compare(a.name, b.name))) {
    const bases = [...new Set(image.baseImages)].sort(compare);
    const kept: string[] = [];
    const dropped: ReducedEdge[] = [];
    for (const base of bases) {
      const via = bases.find((a) => {
        if (a === base) return false;
        const managed = byName.get(a);
        return managed?.autoRebuild === true && closure(a, new Set()).has(base);
      });
      if (via === undefined) kept.push(base);
      else dropped.push({ base, via });
    }
    if (kept.length > 0) sources.set(image.name, kept);
    if (dropped.length > 0) reduced.set(image.name, dropped);
    for (const base of kept) {
      feeding.add(base);
      if (byName.has(base)) managedBases.add(base);
    }
  }
  return {
    sources,
    reduced,
    managedBases: [...managedBases].sort(compare),
    feeding: [...feeding].sort(compare),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
