// A small model of how Kargo v1.11.2 decides whether Freight is available to a Stage, in the two places
// that decide it, and of the promotions that move Freight through Stages — enough to replay timelines
// against generated manifests and find where the two disagree.
//
// - ListFreightFromWarehouse (pkg/api/warehouse.go), used for auto-promotion candidates: Freight of the
//   origin verified in one of the upstream Stages (or approved for the Stage) and — with a
//   requiredSoakTime — soaked that long in ANY Stage it was verified in (`for stage := range
//   f.Status.VerifiedIn`).
// - Stage.IsFreightAvailable (api/v1alpha1/stage_types.go), used by the Promotion webhook
//   (pkg/webhook/kubernetes/promotion/webhook.go): approved for the Stage, or verified AND soaked in
//   one of the Stage's upstream Stages.
// - Freight.GetLongestSoak (api/v1alpha1/freight_types.go): the longest completed stay in a Stage it was
//   verified in, or the current one.

/** A requested origin of a Stage, from the manifest. */
export interface Request {
  readonly origin: string;
  readonly direct: boolean;
  readonly stages: readonly string[];
  /** requiredSoakTime in seconds, when set. */
  readonly soak: number | undefined;
}

export interface StageModel {
  readonly name: string;
  readonly requests: readonly Request[];
  readonly autoPromote: boolean;
}

export interface Freight {
  readonly name: string;
  readonly origin: string;
  /** Discovery time: the newest Freight is the auto-promotion candidate. */
  readonly discoveredAt: number;
  readonly currentlyIn: Map<string, number>;
  /** Stage -> longest completed soak (seconds). Stages without verification verify on promotion. */
  readonly verifiedIn: Map<string, number>;
}

function longestSoak(f: Freight, stage: string, now: number): number {
  const completed = f.verifiedIn.get(stage);
  if (completed === undefined) return 0;
  const since = f.currentlyIn.get(stage);
  return Math.max(completed, since === undefined ? 0 : now - since);
}

function hasSoakedIn(f: Freight, stage: string, soak: number | undefined, now: number): boolean {
  return soak === undefined || longestSoak(f, stage, now) >= soak;
}

/** pkg/api/warehouse.go ListFreightFromWarehouse for one request (OneOf availability, no approvals). */
export function listed(request: Request, freight: readonly Freight[], now: number): Freight[] {
  const ofOrigin = freight.filter((f) => f.origin === request.origin);
  if (request.direct) return ofOrigin;
  const verified = ofOrigin.filter((f) => request.stages.some((s) => f.verifiedIn.has(s)));
  if (request.soak === undefined) return verified;
  return verified.filter((f) => [...f.verifiedIn.keys()].some((s) => hasSoakedIn(f, s, request.soak, now)));
}

/** api/v1alpha1/stage_types.go IsFreightAvailable (OneOf, no approvals). */
export function available(stage: StageModel, f: Freight, now: number): boolean {
  return stage.requests.some(
    (r) =>
      r.origin === f.origin &&
      (r.direct || r.stages.some((s) => f.verifiedIn.has(s) && hasSoakedIn(f, s, r.soak, now))),
  );
}

/** Promotes `f` into `stage` at `now` (no verification: verified on promotion). */
export function promote(stage: string, f: Freight, freight: readonly Freight[], now: number): void {
  for (const other of freight) {
    if (other === f || other.origin !== f.origin) continue;
    const since = other.currentlyIn.get(stage);
    if (since === undefined) continue;
    other.currentlyIn.delete(stage);
    other.verifiedIn.set(stage, Math.max(other.verifiedIn.get(stage) ?? 0, now - since));
  }
  if (!f.currentlyIn.has(stage)) f.currentlyIn.set(stage, now);
  if (!f.verifiedIn.has(stage)) f.verifiedIn.set(stage, 0);
}

/** A Stage's current Freight of an origin. */
export function current(stage: string, origin: string, freight: readonly Freight[]): Freight | undefined {
  return freight.find((f) => f.origin === origin && f.currentlyIn.has(stage));
}

/** The Stages of a list of manifests, with the auto-promotion of the ProjectConfig. */
export function stagesOf(manifests: readonly Record<string, any>[]): StageModel[] {
  const config = manifests.find((m) => m.kind === 'ProjectConfig');
  const auto = new Map<string, boolean>(
    (config?.spec.promotionPolicies ?? []).map((p: any) => [
      p.stageSelector.name,
      p.autoPromotionEnabled === true,
    ]),
  );
  return manifests
    .filter((m) => m.kind === 'Stage')
    .map((m) => ({
      name: m.metadata.name as string,
      autoPromote: auto.get(m.metadata.name) === true,
      requests: (m.spec.requestedFreight as any[]).map((r) => ({
        origin: r.origin.name as string,
        direct: r.sources.direct === true,
        stages: (r.sources.stages ?? []) as string[],
        soak:
          r.sources.requiredSoakTime === undefined ? undefined : durationSeconds(r.sources.requiredSoakTime),
      })),
    }));
}

function durationSeconds(text: string): number {
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([hms])/g)) {
    total += Number(n) * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1);
  }
  return total;
}

/** A disagreement: ListFreightFromWarehouse offers Freight the webhook would refuse. */
export interface Mismatch {
  readonly at: number;
  readonly stage: string;
  readonly freight: string;
}

/**
 * One reconcile of every Stage at `now`: auto-promoted Stages take their newest listed Freight of each
 * origin (pkg/api/auto_promotion.go SelectAutoPromotionCandidates); a candidate the webhook refuses is a
 * mismatch (the Stage's reconcile fails and nothing is promoted).
 */
export function reconcile(
  stages: readonly StageModel[],
  freight: readonly Freight[],
  now: number,
): Mismatch[] {
  const out: Mismatch[] = [];
  for (const stage of stages) {
    if (!stage.autoPromote) continue;
    for (const request of stage.requests) {
      const candidates = listed(request, freight, now).sort((a, b) => b.discoveredAt - a.discoveredAt);
      const candidate = candidates[0];
      if (candidate === undefined || candidate.currentlyIn.has(stage.name)) continue;
      if (!available(stage, candidate, now)) {
        out.push({ at: now, stage: stage.name, freight: candidate.name });
        continue;
      }
      promote(stage.name, candidate, freight, now);
    }
  }
  return out;
}
