import { compareStrings } from '@image-factory/state-schema';

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
  const autoRebuilt = (name: string): boolean => byName.get(name)?.autoRebuild === true;

  /**
   * The direct bases of an image whose change reaches it anyway through another of its bases that is an
   * auto-rebuilt managed image, each with the first such base (in name order). For each such base, a
   * search down its own bases (continuing only through auto-rebuilt managed images) with an explicit
   * stack — a cascade of 20,000 images must not overflow the call stack — that stops as soon as every
   * other base is accounted for.
   */
  const redundant = (bases: readonly string[]): Map<string, string> => {
    const via = new Map<string, string>();
    const wanted = new Set(bases);
    for (const root of bases) {
      if (!autoRebuilt(root)) continue;
      // Bases (other than root) not yet known to be reached from an earlier base.
      let open = bases.filter((b) => b !== root && !via.has(b)).length;
      const seen = new Set<string>([root]);
      const stack = [root];
      while (stack.length > 0 && open > 0) {
        const node = stack.pop() as string;
        for (const base of byName.get(node)?.baseImages ?? []) {
          if (wanted.has(base) && base !== root && !via.has(base)) {
            via.set(base, root);
            open--;
          }
          if (autoRebuilt(base) && !seen.has(base)) {
            seen.add(base);
            stack.push(base);
          }
        }
      }
    }
    return via;
  };

  const sources = new Map<string, readonly string[]>();
  const reduced = new Map<string, readonly ReducedEdge[]>();
  const managedBases = new Set<string>();
  const feeding = new Set<string>();
  for (const image of [...images].sort((a, b) => compareStrings(a.name, b.name))) {
    const bases = [...new Set(image.baseImages)].sort(compareStrings);
    const through = redundant(bases);
    const kept: string[] = [];
    const dropped: ReducedEdge[] = [];
    for (const base of bases) {
      const via = through.get(base);
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
    managedBases: [...managedBases].sort(compareStrings),
    feeding: [...feeding].sort(compareStrings),
  };
}
