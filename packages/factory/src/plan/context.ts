import type { BaseImage, ManagedImage, Settings, StateProblem } from '@image-factory/state-schema';
import { SETTINGS_FILE } from '@image-factory/state-schema';
import { stateError } from '../errors.js';
import type { RebuildGraph } from '../graph.js';

/** What every planner reads, and where they report problems. */
export interface PlanContext {
  readonly settings: Settings;
  /** The managed images, by name. */
  readonly images: ReadonlyMap<string, ManagedImage>;
  /** The base and external images, by name. */
  readonly bases: ReadonlyMap<string, BaseImage>;
  readonly graph: RebuildGraph;
  /** The soak times (seconds, ascending) a base is needed with: see {@link soakTimesByBase}. */
  readonly soakTimes: (base: string) => readonly number[];
  /** Problems that make the state impossible to wire; the planners append to it. */
  readonly problems: StateProblem[];
}

/** The position of a problem about image-factory.yaml as a whole. */
export const SETTINGS_ORIGIN = { file: SETTINGS_FILE, line: 0, col: 0 };

/**
 * The soak times each base is needed with: one Warehouse and one base Stage per (base, soak time).
 * Kargo offers Freight to a Stage when it has soaked for requiredSoakTime in *any* Stage it was
 * verified in (pkg/api/warehouse.go ListFreightFromWarehouse), but the Promotion webhook and the Stage
 * controller count only the Stage's own upstream Stages (api/v1alpha1/stage_types.go
 * IsFreightAvailable; pkg/webhook/kubernetes/promotion/webhook.go). With one base Stage shared by
 * rebuilds of different soak times, base Freight held long in one rebuild Stage (an autoRebuild:false
 * image, or a short rebuildDelay) would be offered to a sibling that soaks longer, whose Promotion the
 * webhook refuses — and the sibling's reconcile fails (pkg/controller/stages regular_stages.go
 * autoPromoteFreight). Grouping by soak time means every rebuild Stage requesting an origin names the
 * same upstream Stage and the same soak, and Freight only reaches one of them after that soak in that
 * upstream Stage: whatever Stage it soaked in, it soaked in the upstream first.
 */
export function soakTimesByBase(
  managed: readonly ManagedImage[],
  graph: RebuildGraph,
): (base: string) => readonly number[] {
  const soaks = new Map<string, Set<number>>();
  for (const image of managed) {
    for (const base of graph.sources.get(image.name) ?? []) {
      const set = soaks.get(base) ?? new Set<number>();
      set.add(image.rebuildDelaySeconds);
      soaks.set(base, set);
    }
  }
  return (base) => [...(soaks.get(base) ?? [])].sort((a, b) => a - b);
}

/** `stateRepo.url` is needed as soon as there is a managed image: its analysis job commits there. */
export function missingStateRepoUrl(managed: readonly ManagedImage[]): StateProblem {
  return stateError(
    'missing-field',
    SETTINGS_ORIGIN,
    ['stateRepo', 'url'],
    `stateRepo.url is not set, but the analysis job of every managed image (${managed.map((m) => m.name).join(', ')}) commits what it discovers to the state repository`,
    'set stateRepo.url (and stateRepo.branch if not main) in image-factory.yaml, e.g. stateRepo: {url: https://github.com/acme/image-factory-state.git}',
  );
}
