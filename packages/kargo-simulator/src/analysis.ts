import type { ProjectModel } from './manifests.js';
import { DEFAULT_TIMING, type DispatchRecord, type SimulationResult, type Timing } from './simulator.js';

/** What happened to one rebuilding Stage (one image) over a simulation. */
export interface RebuildSummary {
  readonly stage: string;
  /** The repository the rebuild pushes to, when the CI model knows it. */
  readonly target?: string | undefined;
  readonly rebuilds: number;
  readonly unpinnedRebuilds: number;
  /**
   * The longest time from a push of a watched base digest to the first rebuild that builds on that
   * digest or a newer one (to the horizon when none did).
   */
  readonly longestWait: number;
  /** A push no rebuild caught up with before the horizon (time of the oldest such push). */
  readonly waitingSince?: number | undefined;
  /** The youngest pinned digest at its dispatch, per Freight origin (undefined: nothing pinned). */
  readonly youngestPin?: number | undefined;
  /** `requiredSoakTime` per origin of the Stage. */
  readonly soak: number;
  /** The bound of docs/rebuilds.md for this Stage: I + soak + latency. */
  readonly bound: number;
  /** The Stage has no auto-promotion policy (`autoRebuild: false`): it waits for a manual promotion. */
  readonly manual: boolean;
}

/** The repository of a normalized reference used as a pins key (`docker.io/library/python:3.12-slim`). */
function repositoryOfReference(ref: string): string {
  const at = ref.indexOf('@');
  const noDigest = at < 0 ? ref : ref.slice(0, at);
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** The digests a dispatched build builds on: its pins, else (unpinned) the Freight's images. */
export function builtOn(dispatch: DispatchRecord): Map<string, string> {
  const out = new Map<string, string>();
  if (dispatch.pins !== undefined) {
    for (const [ref, digest] of Object.entries(dispatch.pins)) out.set(repositoryOfReference(ref), digest);
    return out;
  }
  for (const image of dispatch.images) out.set(image.repoURL, image.digest);
  return out;
}

/**
 * Latency allowance of the bound: two Stage requeues (the soak is noticed on the periodic requeue), the
 * promotions of the base and the rebuild Stage, a verification and the reconciles in between.
 */
export function latencyAllowance(timing: Timing = DEFAULT_TIMING): number {
  return (
    2 * timing.requeueInterval +
    3 * timing.promotionDuration +
    timing.verificationDuration +
    4 * timing.reconcileLatency
  );
}

/**
 * Per Stage that dispatched builds or has an `http` step: rebuild counts, waits, pin ages and the bound.
 */
export function summarize(
  project: ProjectModel,
  result: SimulationResult,
  timing: Timing = DEFAULT_TIMING,
): RebuildSummary[] {
  const summaries: RebuildSummary[] = [];
  for (const stage of project.stages.values()) {
    if (!stage.steps.some((s) => s.uses === 'http')) continue;
    const mine = result.dispatches.filter((d) => d.stage === stage.name);
    const repos = new Map<string, number>();
    let bound = 0;
    let soak = 0;
    for (const req of stage.requests) {
      const warehouse = project.warehouses.get(req.origin);
      const required = req.requiredSoakTime ?? 0;
      soak = Math.max(soak, required);
      bound = Math.max(bound, (warehouse?.interval ?? 0) + required);
      for (const sub of warehouse?.subscriptions ?? [])
        if (sub.kind === 'image') repos.set(sub.repoURL, required);
    }
    bound += latencyAllowance(timing);
    let longestWait = 0;
    let waitingSince: number | undefined;
    for (const entry of result.timeline) {
      if (entry.kind !== 'push' || !repos.has(entry.repoURL)) continue;
      const served = mine.find((d) => {
        if (d.at < entry.at) return false;
        const digest = builtOn(d).get(entry.repoURL);
        const at = digest === undefined ? undefined : result.pushedAt.get(digest);
        return at !== undefined && at >= entry.at;
      });
      const wait = (served?.at ?? result.horizon) - entry.at;
      longestWait = Math.max(longestWait, wait);
      if (served === undefined && waitingSince === undefined) waitingSince = entry.at;
    }
    let youngestPin: number | undefined;
    for (const d of mine) {
      for (const digest of Object.values(d.pins ?? {})) {
        const at = result.pushedAt.get(digest);
        if (at === undefined) continue;
        youngestPin = Math.min(youngestPin ?? Number.POSITIVE_INFINITY, d.at - at);
      }
    }
    summaries.push({
      stage: stage.name,
      target: mine[0]?.target,
      rebuilds: mine.length,
      unpinnedRebuilds: mine.filter((d) => d.pins === undefined).length,
      longestWait,
      waitingSince,
      youngestPin,
      soak,
      bound,
      manual: !project.autoPromotion.has(stage.name),
    });
  }
  return summaries;
}

/**
 * Auto-promoting Stages whose longest wait exceeds their bound: a base change that did not lead to a rebuild
 * in time (a manual Stage waits for a person by design).
 */
export function starved(summaries: readonly RebuildSummary[]): RebuildSummary[] {
  return summaries.filter((s) => !s.manual && s.longestWait > s.bound);
}
