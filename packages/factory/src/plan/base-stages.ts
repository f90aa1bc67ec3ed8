import type { ManagedImage } from '@image-factory/state-schema';
import { compareStrings } from '@image-factory/state-schema';
import { stateError } from '../errors.js';
import { baseImageSelection, managedImageSelection } from '../image-selection.js';
import { FactoryNames } from '../names.js';
import type { PlanContext } from './context.js';
import type { BaseStagePlan, WarehousePlan } from './plan.js';

/**
 * Margin of a sampling Warehouse's interval over the soak time: covers the time from discovery until the
 * new Freight is the base Stage's current Freight (the Stage's reconcile and the no-op promotion) and the
 * controllers' requeue jitter, so that each Freight stays in the base Stage at least the soak time.
 */
export const SAMPLING_MARGIN_SECONDS = 3_600;

/**
 * Discovery interval of a base Warehouse whose Freight feeds rebuilds soaking `soakSeconds`:
 * `max(intervalSeconds, soak + SAMPLING_MARGIN_SECONDS)` (the configured interval when nothing soaks).
 *
 * Why (Kargo v1.11.2): `requiredSoakTime` counts the *longest continuous* stay of a Freight in the
 * upstream Stage (api/v1alpha1/freight_types.go GetLongestSoak: the longest completed stay or the
 * current one), and the auto-promoting base Stage replaces its Freight with every new one. A base pushed
 * more often than the soak would never have a Freight that stayed long enough: its dependents would
 * never be rebuilt. A Warehouse discovers only when `DiscoveredAt + spec.interval` has passed (besides a
 * generation change, a refresh request, or never having discovered: pkg/controller/warehouses/warehouses.go
 * shouldDiscoverArtifacts; the requeue is `GetInterval` in api/v1alpha1/warehouse_types.go), and makes
 * Freight only when the discovered artifacts differ (the Freight name is their hash). So at most one new
 * Freight per interval enters the base Stage, and each stays there at least `interval − latency ≥ soak`:
 * however often the base changes, one digest per interval soaks and is rebuilt on. The CRD's interval
 * pattern has no day unit (`^([0-9]+(\.[0-9]+)?(s|m|h))+$`); the construct renders hours (`169h0m0s`).
 */
export function samplingIntervalSeconds(intervalSeconds: number, soakSeconds: number): number {
  return soakSeconds > 0 ? Math.max(intervalSeconds, soakSeconds + SAMPLING_MARGIN_SECONDS) : intervalSeconds;
}

/** Warehouses and base Stages of one role, in the order they were planned. */
export interface PlannedBases {
  readonly warehouses: readonly WarehousePlan[];
  readonly stages: readonly BaseStagePlan[];
}

/**
 * Base and external images: a Warehouse per soak time of the rebuilds they feed (and one for an
 * external image that feeds nothing), and a base Stage per soak time. A base whose selection is
 * impossible (its `allowTags` rules out the followed tag, ...) is reported and left out.
 */
export function planBaseImages(context: PlanContext): PlannedBases {
  const { settings, images, bases, soakTimes, problems } = context;
  const warehouses: WarehousePlan[] = [];
  const stages: BaseStagePlan[] = [];
  for (const base of [...bases.values()].sort((a, b) => compareStrings(a.name, b.name))) {
    if (images.has(base.name)) continue; // a managed image of the same name: reported as a name clash
    const times = soakTimes(base.name);
    if (times.length === 0 && !base.external) continue; // a state file nobody uses any more
    const selection = baseImageSelection(
      base,
      settings.warehouses.discoveryLimit,
      settings.warehouses.platform,
    );
    if (!selection.ok) {
      problems.push(
        stateError('invalid-value', base.origin, [selection.field], selection.message, selection.hint),
      );
      continue;
    }
    // Name → soak time of the rebuilds it feeds (`undefined`: an external image's Warehouse feeding none).
    const names = new Map<string, number | undefined>();
    if (base.external) names.set(FactoryNames.base(base.name), undefined);
    for (const soak of times) names.set(FactoryNames.base(base.name, soak), soak);
    for (const [name, soak] of [...names].sort(([a], [b]) => compareStrings(a, b))) {
      const interval = settings.warehouses.baseIntervalSeconds;
      warehouses.push({
        name,
        role: 'base',
        subject: base.name,
        intervalSeconds: soak === undefined ? interval : samplingIntervalSeconds(interval, soak),
        ...(soak === undefined ? {} : { soakSeconds: soak }),
        image: selection.subscription,
        git: [],
      });
    }
    for (const soak of times) stages.push(baseStage(base.name, soak, base.repoURL));
  }
  return { warehouses, stages };
}

/**
 * Managed images used as bases of others (cascades): their built image, watched like a base, with a
 * sampling Warehouse and a base Stage per soak time.
 */
export function planCascadeBases(context: PlanContext): PlannedBases {
  const { settings, images, graph, soakTimes } = context;
  const warehouses: WarehousePlan[] = [];
  const stages: BaseStagePlan[] = [];
  for (const name of graph.managedBases) {
    const image = images.get(name) as ManagedImage;
    for (const soak of soakTimes(name)) {
      warehouses.push({
        name: FactoryNames.base(name, soak),
        role: 'base',
        subject: name,
        // A cascade samples too: the managed image's builds are a base that may change often.
        intervalSeconds: samplingIntervalSeconds(settings.warehouses.managedIntervalSeconds, soak),
        soakSeconds: soak,
        image: managedImageSelection(image, settings.warehouses.discoveryLimit),
        git: [],
      });
      stages.push(baseStage(name, soak, image.reference.name));
    }
  }
  return { warehouses, stages };
}

function baseStage(subject: string, soakSeconds: number, repoURL: string): BaseStagePlan {
  const name = FactoryNames.base(subject, soakSeconds);
  return { role: 'base', name, subject, soakSeconds, warehouse: name, repoURL, autoPromote: true };
}
