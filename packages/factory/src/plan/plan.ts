import type { GitSubscriptionProps, ImageSubscriptionProps } from '@image-factory/kargo-constructs';
import {
  compareStrings,
  type FactoryState,
  type ImageUpdate,
  type ManagedImage,
  type Settings,
  type StateProblem,
  sortProblems,
} from '@image-factory/state-schema';
import type { RebuildDispatch } from '../dispatch.js';
import { planRebuildGraph, type ReducedEdge } from '../graph.js';
import { stateValueProblems } from '../state-values.js';
import { planManagedImage } from './analysis-stages.js';
import { planBaseImages, planCascadeBases } from './base-stages.js';
import { missingStateRepoUrl, type PlanContext, soakTimesByBase } from './context.js';
import { nameClashes } from './name-clashes.js';
import { planRebuildStage, unpinnedWarning } from './rebuild-stages.js';
import { planUpdateStages } from './update-stages.js';

// The state -> Kargo plan: one planner per role of the generated objects, each in its own file.
//   base-stages.ts      base and external images, and managed images used as bases (cascades): a
//                       sampling Warehouse and a base Stage per soak time
//   analysis-stages.ts  each managed image: its Warehouse and the Stage running the analysis job
//   rebuild-stages.ts   each managed image with bases: the Stage dispatching its rebuild
//   update-stages.ts    each managed image's `updates[]`: a Stage per consumer
//   name-clashes.ts     two generated objects with one name
// planImageFactory below runs them in that order and sorts the result.

/** The part of a loaded state the factory reads. */
export type FactoryInput = Pick<FactoryState, 'settings' | 'managedImages' | 'baseImages'>;

/** A Warehouse to generate. */
export interface WarehousePlan {
  /** `metadata.name`. */
  readonly name: string;
  /** `base`: watches a base/external image (or a managed image used as a base); `image`: a managed image. */
  readonly role: 'base' | 'image';
  /** The base, external or managed image it is about. */
  readonly subject: string;
  /**
   * Discovery interval in seconds: `warehouses.baseInterval` / `managedInterval`, raised for a sampling
   * Warehouse (a base Warehouse feeding rebuilds that soak) to {@link samplingIntervalSeconds}.
   */
  readonly intervalSeconds: number;
  /** For a base Warehouse feeding rebuilds: the soak time (seconds) of those rebuilds, else `undefined`. */
  readonly soakSeconds?: number | undefined;
  /** The image subscription. */
  readonly image: ImageSubscriptionProps;
  /** Git subscriptions (managed images: the Dockerfile's source, and the state repo for `local` inputs). */
  readonly git: readonly GitSubscriptionProps[];
}

/**
 * A Stage holding the current Freight of a base Warehouse; downstream rebuild Stages soak on it. There is
 * one per base *and soak time*: the rebuild Stages sharing it all request the same origin from the same
 * upstream Stage with the same `requiredSoakTime` (see `soakTimesByBase` in context.ts).
 */
export interface BaseStagePlan {
  readonly role: 'base';
  readonly name: string;
  readonly subject: string;
  /** The `requiredSoakTime` (seconds) of every rebuild Stage downstream of it. */
  readonly soakSeconds: number;
  readonly warehouse: string;
  /** The watched image repository (for `imageFrom`). */
  readonly repoURL: string;
  readonly autoPromote: true;
}

/** The Stage verifying each new version of a managed image with the analysis job. */
export interface AnalysisStagePlan {
  readonly role: 'analysis';
  readonly name: string;
  readonly image: string;
  readonly warehouse: string;
  readonly repoURL: string;
  /** Verification arguments of the `analyze-dockerfile` template. */
  readonly args: Readonly<Record<string, string>>;
  readonly autoPromote: true;
}

/** One base feeding a rebuild Stage. */
export interface RebuildSourcePlan {
  /** The base (base image or managed image) name. */
  readonly base: string;
  /** Its Warehouse (the Freight origin). */
  readonly warehouse: string;
  /** Its base Stage (the upstream Stage the Freight soaks in). */
  readonly stage: string;
}

/** The Stage dispatching the build of a managed image when one of its bases changed. */
export interface RebuildStagePlan {
  readonly role: 'rebuild';
  readonly name: string;
  readonly image: string;
  /** One requested Freight per base, in base-name order. */
  readonly sources: readonly RebuildSourcePlan[];
  /** Direct bases left out because their change arrives through another base (see `planRebuildGraph`). */
  readonly reduced: readonly ReducedEdge[];
  /** `rebuildDelay` in seconds: the `requiredSoakTime` of every source. */
  readonly soakSeconds: number;
  readonly dispatch: RebuildDispatch;
  /** `autoRebuild`. */
  readonly autoPromote: boolean;
  /**
   * Whether the dispatch passes the pins (the digests of the Freight) to the build: always for the
   * generated workflow; for a team's `source.workflow`, only when it declares the input.
   */
  readonly pinned: boolean;
}

/** A Stage bumping one consumer (`updates[]` entry) to each analysed version. */
export interface UpdateStagePlan {
  readonly role: 'update';
  readonly name: string;
  readonly image: string;
  /** Index in the image's `updates[]`. */
  readonly index: number;
  readonly update: ImageUpdate;
  readonly warehouse: string;
  /** The analysis Stage the versions must have been verified in. */
  readonly upstream: string;
  readonly autoPromote: true;
}

/** Any generated Stage. */
export type StagePlan = BaseStagePlan | AnalysisStagePlan | RebuildStagePlan | UpdateStagePlan;

/** Everything the factory generates, before it becomes constructs. Lists are sorted by name. */
export interface FactoryPlan {
  readonly settings: Settings;
  /** Warnings about what is generated (e.g. `unpinned-rebuild`), positioned like the loader's. */
  readonly warnings: readonly StateProblem[];
  readonly warehouses: readonly WarehousePlan[];
  readonly stages: readonly StagePlan[];
  /** The managed images, by name. */
  readonly images: ReadonlyMap<string, ManagedImage>;
}

/** The plan, or every reason the state cannot be turned into one. */
export type FactoryPlanResult =
  | { readonly ok: true; readonly plan: FactoryPlan }
  | { readonly ok: false; readonly problems: readonly StateProblem[] };

/**
 * Turns a loaded state into the list of Warehouses and Stages to generate (pure; no constructs).
 * Problems that make the state impossible to wire — `stateRepo.url` missing or not on GitHub when
 * it is needed, a `yaml-update` without `key`, an `allowTags` that rules out the followed tag,
 * two objects with the same generated name — are returned all at once, each with file and line.
 */
export function planImageFactory(state: FactoryInput): FactoryPlanResult {
  const { settings } = state;
  const managed = [...state.managedImages].sort((a, b) => compareStrings(a.name, b.name));
  const problems: StateProblem[] = [];
  if (managed.length > 0 && settings.stateRepo.url === undefined) problems.push(missingStateRepoUrl(managed));

  // Second line of defence behind `validate`: no state value that ends up in a step config, a
  // verification argument or another field Kargo evaluates may hold an expression.
  const unsafe = stateValueProblems(state);
  if (unsafe.length > 0) return { ok: false, problems: sortProblems(unsafe) };

  const graph = planRebuildGraph(
    managed.map((m) => ({ name: m.name, autoRebuild: m.autoRebuild, baseImages: m.baseImages })),
  );
  const context: PlanContext = {
    settings,
    images: new Map(managed.map((m) => [m.name, m])),
    bases: new Map(state.baseImages.map((b) => [b.name, b])),
    graph,
    soakTimes: soakTimesByBase(managed, graph),
    problems,
  };

  const warehouses: WarehousePlan[] = [];
  const stages: StagePlan[] = [];
  const warnings: StateProblem[] = [];
  for (const planned of [planBaseImages(context), planCascadeBases(context)]) {
    warehouses.push(...planned.warehouses);
    stages.push(...planned.stages);
  }
  for (const image of managed) {
    const { warehouse, analysis } = planManagedImage(image, context);
    warehouses.push(warehouse);
    stages.push(analysis);
    const rebuild = planRebuildStage(image, context);
    if (rebuild !== undefined) {
      stages.push(rebuild);
      if (!rebuild.pinned) warnings.push(unpinnedWarning(image));
    }
    stages.push(...planUpdateStages(image, warehouse.name, analysis.name, context));
  }
  problems.push(...nameClashes(warehouses, stages, context));

  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };
  return {
    ok: true,
    plan: {
      settings,
      warnings: sortProblems(warnings),
      warehouses: [...warehouses].sort((a, b) => compareStrings(a.name, b.name)),
      stages: [...stages].sort((a, b) => compareStrings(a.name, b.name)),
      images: context.images,
    },
  };
}
