import { createHash } from 'node:crypto';
import { MINUTE, SECOND } from './duration.js';
import {
  type DispatchRequest,
  dispatchOf,
  EvaluationError,
  evaluateStepConfig,
  type FreightView,
  freightCriteriaHold,
} from './evaluate.js';
import type { ImageSubscription, ProjectModel, StageModel, WarehouseModel } from './manifests.js';
import { type DiscoveredCommit, type DiscoveredImage, fakeDigest, nextSemverTag, World } from './registry.js';

/** Delays of the modelled controllers and systems (milliseconds). */
export interface Timing {
  /**
   * From a change a Stage watches to its reconcile (pkg/controller/stages/regular_stages.go watches: new
   * Freight of a Warehouse, Freight promoted to or verified in an upstream Stage, a Promotion's phase).
   */
  readonly reconcileLatency: number;
  /** The periodic requeue of a Stage (pkg/controller/stages/regular_stages.go: RequeueAfter 5m). */
  readonly requeueInterval: number;
  /** From a Promotion's creation to the end of its steps. */
  readonly promotionDuration: number;
  /** Duration of a Stage's verification (an AnalysisRun). */
  readonly verificationDuration: number;
  /** From a dispatch to the push of the built image. */
  readonly buildDuration: number;
}

export const DEFAULT_TIMING: Timing = {
  reconcileLatency: 10 * SECOND,
  requeueInterval: 5 * MINUTE,
  promotionDuration: 30 * SECOND,
  verificationDuration: 10 * MINUTE,
  buildDuration: 30 * MINUTE,
};

/** A push the scenario makes (a base image re-pushed, a team's own release). */
export interface ScheduledPush {
  readonly at: number;
  readonly repoURL: string;
  /** @default the tag a build of the repository would get (see the CI model: next SemVer patch, a new build tag, the watched tag) */
  readonly tag?: string | undefined;
  /** @default a deterministic digest of repository, tag and time */
  readonly digest?: string | undefined;
}

export interface Scenario {
  readonly project: ProjectModel;
  /** Simulated time ends here (milliseconds from the start). */
  readonly horizon: number;
  readonly pushes?: readonly ScheduledPush[] | undefined;
  /** Commits to git repositories (`{at, repoURL}`), e.g. a Dockerfile change. */
  readonly commits?: readonly { readonly at: number; readonly repoURL: string }[] | undefined;
  readonly timing?: Partial<Timing> | undefined;
  /** The outcome of a Stage's verification for a Freight. @default always `pass` */
  readonly verification?: ((stage: string, freight: string) => 'pass' | 'fail') | undefined;
  /**
   * The repository a dispatch from a Stage pushes to. @default the repository of Warehouse `image-<n>`
   * for Stage `rebuild-<n>` (the factory's naming), else no build.
   */
  readonly buildTarget?: ((stage: string, dispatch: DispatchRequest) => string | undefined) | undefined;
  /** Push an initial tag to every subscribed repository that has none at time 0. @default true */
  readonly seed?: boolean | undefined;
  /** Stop after this many events. @default 2_000_000 */
  readonly maxEvents?: number | undefined;
}

export interface FreightRecord extends FreightView {
  readonly discoveredAt: number;
}

export interface EvaluatedStep {
  readonly uses: string;
  readonly as?: string | undefined;
  readonly config: unknown;
}

export interface PromotionRecord {
  readonly name: string;
  readonly stage: string;
  readonly freight: string;
  readonly origin: string;
  readonly createdAt: number;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Errored';
  finishedAt?: number;
  steps: EvaluatedStep[];
  message?: string;
}

export interface DispatchRecord extends DispatchRequest {
  readonly at: number;
  readonly stage: string;
  readonly promotion: string;
  /** The images of the Freight collection the Promotion ran with. */
  readonly images: readonly DiscoveredImage[];
  /** The repository the CI model pushes the result to (undefined: not modelled). */
  readonly target?: string | undefined;
}

export interface BuildRecord {
  readonly at: number;
  readonly stage: string;
  readonly repoURL: string;
  readonly tag: string;
  readonly digest: string;
  readonly pins?: Readonly<Record<string, string>> | undefined;
}

export type TimelineEntry =
  | {
      readonly at: number;
      readonly kind: 'push';
      readonly repoURL: string;
      readonly tag: string;
      readonly digest: string;
    }
  | {
      readonly at: number;
      readonly kind: 'freight';
      readonly warehouse: string;
      readonly freight: string;
      readonly images: readonly DiscoveredImage[];
    }
  | {
      readonly at: number;
      readonly kind: 'promotion';
      readonly stage: string;
      readonly freight: string;
      readonly promotion: string;
      readonly phase: string;
      readonly message?: string | undefined;
    }
  | {
      readonly at: number;
      readonly kind: 'verification';
      readonly stage: string;
      readonly freight: string;
      readonly outcome: 'pass' | 'fail';
    }
  | { readonly at: number; readonly kind: 'dispatch'; readonly dispatch: DispatchRecord }
  | { readonly at: number; readonly kind: 'build'; readonly build: BuildRecord }
  | {
      readonly at: number;
      readonly kind: 'update';
      readonly stage: string;
      readonly promotion: string;
      readonly steps: readonly EvaluatedStep[];
    };

export interface SimulationResult {
  readonly timeline: readonly TimelineEntry[];
  readonly freight: readonly FreightRecord[];
  readonly promotions: readonly PromotionRecord[];
  readonly dispatches: readonly DispatchRecord[];
  readonly builds: readonly BuildRecord[];
  /** When each digest was first pushed. */
  readonly pushedAt: ReadonlyMap<string, number>;
  readonly horizon: number;
  /** True when `maxEvents` stopped the simulation before the horizon. */
  readonly truncated: boolean;
  readonly events: number;
}

interface FreightState extends FreightRecord {
  /** `status.verifiedIn[stage]`: when, and the longest completed soak (api/v1alpha1/freight_types.go). */
  readonly verifiedIn: Map<string, { at: number; longestCompletedSoak?: number }>;
  /** `status.currentlyIn[stage].since`. */
  readonly currentlyIn: Map<string, number>;
}

interface StageState {
  readonly model: StageModel;
  /** The current Freight per origin (the newest entry of `status.freightHistory`). */
  readonly current: Map<string, FreightState>;
  readonly queue: PromotionRecord[];
  running?: PromotionRecord | undefined;
}

type Event =
  | { kind: 'push'; push: ScheduledPush }
  | { kind: 'commit'; repoURL: string }
  | { kind: 'discover'; warehouse: string }
  | { kind: 'reconcile' }
  | { kind: 'requeue' }
  | { kind: 'promotion-done'; stage: string }
  | { kind: 'verification-done'; stage: string; freight: string[] }
  | {
      kind: 'build-done';
      stage: string;
      repoURL: string;
      pins?: Readonly<Record<string, string>> | undefined;
    };

interface Queued {
  readonly at: number;
  readonly seq: number;
  readonly event: Event;
}

/** A binary min-heap on (time, insertion order): simultaneous events run in the order they were scheduled. */
class EventQueue {
  private readonly heap: Queued[] = [];
  private seq = 0;

  push(at: number, event: Event): void {
    const item = { at, seq: this.seq++, event };
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (p === undefined || before(p, item)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = item;
  }

  pop(): Queued | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = last;
      let at = i;
      const left = heap[l];
      const right = heap[r];
      if (left !== undefined && before(left, smallest)) {
        smallest = left;
        at = l;
      }
      if (right !== undefined && before(right, smallest)) {
        smallest = right;
        at = r;
      }
      if (at === i) break;
      heap[i] = smallest;
      i = at;
    }
    heap[i] = last;
    return top;
  }
}

function before(a: Queued, b: Queued): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/**
 * The Freight name: a hash of its origin and artifacts (pkg/api/freight.go GenerateFreightID), so that
 * discovering the same artifacts again creates no Freight.
 */
function freightName(
  origin: string,
  images: readonly DiscoveredImage[],
  commits: readonly DiscoveredCommit[],
): string {
  // imageHashPart holds tag and digest, so a re-pushed mutable tag is new Freight.
  const parts = [
    ...commits.map((c) => `${c.repoURL}:${c.id}`),
    ...images.map((i) => `${i.repoURL}:${i.tag}@${i.digest}`),
  ].sort();
  return createHash('sha1')
    .update(`Warehouse/${origin}:${parts.join('|')}`)
    .digest('hex');
}

/** The repository a Stage `rebuild-<n>` builds: the first image subscription of Warehouse `image-<n>`. */
function defaultBuildTarget(project: ProjectModel, stage: string): string | undefined {
  if (!stage.startsWith('rebuild-')) return undefined;
  const warehouse = project.warehouses.get(`image-${stage.slice('rebuild-'.length)}`);
  const sub = warehouse?.subscriptions.find((s): s is ImageSubscription => s.kind === 'image');
  return sub?.repoURL;
}

/**
 * Runs the scenario: deterministic (same scenario, same result) and bounded (horizon, `maxEvents`).
 */
export function simulate(scenario: Scenario): SimulationResult {
  const { project, horizon } = scenario;
  const timing: Timing = { ...DEFAULT_TIMING, ...scenario.timing };
  const maxEvents = scenario.maxEvents ?? 2_000_000;
  const world = new World();
  const queue = new EventQueue();
  const timeline: TimelineEntry[] = [];
  const freightByName = new Map<string, FreightState>();
  const freightByOrigin = new Map<string, FreightState[]>();
  const promotions: PromotionRecord[] = [];
  /** Promotions by Stage and Freight, in creation order. */
  const promotionsOf = new Map<string, PromotionRecord[]>();
  const dispatches: DispatchRecord[] = [];
  const builds: BuildRecord[] = [];
  const pushedAt = new Map<string, number>();
  const stages = new Map<string, StageState>();
  for (const model of project.stages.values())
    stages.set(model.name, { model, current: new Map(), queue: [] });
  let now = 0;
  let promotionSeq = 0;
  let buildSeq = 0;
  let reconcileAt: number | undefined;

  const subscriptionsOf = (repoURL: string): ImageSubscription[] => {
    const subs: ImageSubscription[] = [];
    for (const w of project.warehouses.values()) {
      for (const s of w.subscriptions) if (s.kind === 'image' && s.repoURL === repoURL) subs.push(s);
    }
    return subs;
  };

  const doPush = (push: ScheduledPush, annotations: Record<string, string> = {}): string => {
    const tag = push.tag ?? tagForBuild(push.repoURL);
    const digest = push.digest ?? fakeDigest(`${push.repoURL}:${tag}@${push.at}#${buildSeq}`);
    world.push(push.repoURL, tag, digest, now, annotations);
    if (!pushedAt.has(digest)) pushedAt.set(digest, now);
    timeline.push({ at: now, kind: 'push', repoURL: push.repoURL, tag, digest });
    return digest;
  };

  /** A tag the Warehouses watching a repository select for a new build (SemVer: next patch; NewestBuild: a new build tag; Digest: the watched tag). */
  const tagForBuild = (repoURL: string): string => {
    const subs = subscriptionsOf(repoURL);
    const existing = world.tags(repoURL).map((t) => t.tag);
    for (const sub of subs) {
      if (sub.strategy === 'SemVer') {
        const next = nextSemverTag(existing) ?? lowerBound(sub.constraint) ?? '1.0.0';
        return next;
      }
    }
    for (const sub of subs) {
      if (sub.strategy === 'NewestBuild') {
        const hex = fakeDigest(`${repoURL}#${buildSeq}`).slice('sha256:'.length, 'sha256:'.length + 12);
        const candidates = [`sha-${hex}-${Math.floor(now / 1000)}`, `build-${buildSeq}`, `${buildSeq}`];
        const fitting = candidates.find(
          (c) =>
            (sub.allowTags.length === 0 || sub.allowTags.some((r) => r.test(c))) &&
            !sub.ignoreTags.some((r) => r.test(c)),
        );
        if (fitting !== undefined) return fitting;
      }
    }
    for (const sub of subs)
      if (sub.strategy === 'Digest' && sub.constraint !== undefined) return sub.constraint;
    return 'latest';
  };

  // Scenario input first, so that pushes at time 0 precede the first discovery.
  if (scenario.seed !== false) {
    const seeded = new Set<string>();
    const explicit = new Set((scenario.pushes ?? []).filter((p) => p.at <= 0).map((p) => p.repoURL));
    for (const w of project.warehouses.values()) {
      for (const sub of w.subscriptions) {
        if (sub.kind !== 'image' || seeded.has(sub.repoURL) || explicit.has(sub.repoURL)) continue;
        seeded.add(sub.repoURL);
        queue.push(0, { kind: 'push', push: { at: 0, repoURL: sub.repoURL, tag: tagForBuild(sub.repoURL) } });
      }
    }
  }
  for (const push of scenario.pushes ?? []) {
    if (push.at <= horizon) queue.push(Math.max(0, push.at), { kind: 'push', push });
  }
  for (const c of scenario.commits ?? []) {
    if (c.at <= horizon) queue.push(Math.max(0, c.at), { kind: 'commit', repoURL: c.repoURL });
  }
  // A Warehouse without discovered artifacts discovers at once (warehouses.go shouldDiscoverArtifacts).
  for (const w of project.warehouses.values()) queue.push(0, { kind: 'discover', warehouse: w.name });
  queue.push(timing.requeueInterval, { kind: 'requeue' });

  const scheduleReconcile = (): void => {
    const at = now + timing.reconcileLatency;
    if (reconcileAt !== undefined && reconcileAt >= now && reconcileAt <= at) return;
    reconcileAt = at;
    queue.push(at, { kind: 'reconcile' });
  };

  const discover = (w: WarehouseModel): void => {
    // The next discovery: DiscoveredAt + interval (api/v1alpha1/warehouse_types.go GetInterval requeue;
    // a restart does not discover early: shouldDiscoverArtifacts compares DiscoveredAt with the interval).
    queue.push(now + w.interval, { kind: 'discover', warehouse: w.name });
    if (w.freightCreationPolicy !== 'Automatic') return;
    const images: DiscoveredImage[] = [];
    const commits: DiscoveredCommit[] = [];
    for (const sub of w.subscriptions) {
      if (sub.kind === 'image') {
        const image = world.selectImage(sub);
        // Kargo creates no Freight while a subscription discovers nothing.
        if (image === undefined) return;
        images.push(image);
      } else {
        commits.push(world.selectCommit(sub));
      }
    }
    const name = freightName(w.name, images, commits);
    // Freight is created only when the artifacts differ from every existing Freight of the Warehouse
    // (the name is the artifacts' hash: pkg/api/freight.go GenerateFreightID).
    if (freightByName.has(name)) return;
    const view: FreightView = { name, origin: w.name, images, commits };
    if (w.criteria !== undefined && !freightCriteriaHold(w.criteria, view)) return;
    const freight: FreightState = {
      ...view,
      discoveredAt: now,
      verifiedIn: new Map(),
      currentlyIn: new Map(),
    };
    freightByName.set(name, freight);
    const list = freightByOrigin.get(w.name) ?? [];
    list.push(freight);
    freightByOrigin.set(w.name, list);
    timeline.push({ at: now, kind: 'freight', warehouse: w.name, freight: name, images });
    scheduleReconcile();
  };

  /** api/v1alpha1/freight_types.go GetLongestSoak: longest completed or current continuous stay, if verified. */
  const longestSoak = (f: FreightState, stage: string): number => {
    const verified = f.verifiedIn.get(stage);
    if (verified === undefined) return 0;
    const since = f.currentlyIn.get(stage);
    return Math.max(verified.longestCompletedSoak ?? 0, since === undefined ? 0 : now - since);
  };

  /** api/v1alpha1/stage_types.go IsFreightAvailable (no manual approvals in a simulation). */
  const isAvailable = (stage: StageModel, f: FreightState): boolean => {
    for (const req of stage.requests) {
      if (req.origin !== f.origin) continue;
      if (req.direct) return true;
      const soaked = (up: string) =>
        f.verifiedIn.has(up) &&
        (req.requiredSoakTime === undefined || longestSoak(f, up) >= req.requiredSoakTime);
      if (req.all ? req.stages.every(soaked) : req.stages.some(soaked)) return true;
    }
    return false;
  };

  /** A Stage runs one Promotion at a time, in creation order (pkg/controller/promotions/promotions.go: Stage.Status.CurrentPromotion). */
  const startNext = (state: StageState): void => {
    if (state.running !== undefined) return;
    const next = state.queue.shift();
    if (next === undefined) return;
    next.phase = 'Running';
    state.running = next;
    queue.push(now + timing.promotionDuration, { kind: 'promotion-done', stage: state.model.name });
  };

  /**
   * pkg/controller/stages/regular_stages.go autoPromoteFreight with pkg/api/auto_promotion.go
   * SelectAutoPromotionCandidates: per requested origin, the newest available Freight (by discovery time,
   * then name) unless it is current, already has an unfinished Promotion, or its last Promotion failed.
   */
  const reconcileStage = (state: StageState): void => {
    const { model } = state;
    if (!project.autoPromotion.has(model.name)) return;
    for (const req of model.requests) {
      let candidate: FreightState | undefined;
      for (const f of freightByOrigin.get(req.origin) ?? []) {
        if (!isAvailable(model, f)) continue;
        if (
          candidate === undefined ||
          f.discoveredAt > candidate.discoveredAt ||
          (f.discoveredAt === candidate.discoveredAt && f.name > candidate.name)
        ) {
          candidate = f;
        }
      }
      if (candidate === undefined) continue;
      if (state.current.get(req.origin)?.name === candidate.name) continue;
      const name = candidate.name;
      const mine = promotionsOf.get(`${model.name}\u0000${name}`) ?? [];
      if (mine.some((p) => p.phase === 'Pending' || p.phase === 'Running')) continue;
      const last = mine[mine.length - 1];
      if (last !== undefined && last.phase !== 'Succeeded') continue;
      const promotion: PromotionRecord = {
        name: `${model.name}.${String(++promotionSeq).padStart(6, '0')}.${name.slice(0, 7)}`,
        stage: model.name,
        freight: name,
        origin: req.origin,
        createdAt: now,
        phase: 'Pending',
        steps: [],
      };
      promotions.push(promotion);
      promotionsOf.set(`${model.name}\u0000${name}`, [...mine, promotion]);
      state.queue.push(promotion);
      startNext(state);
    }
  };

  const finishPromotion = (state: StageState): void => {
    const promotion = state.running;
    state.running = undefined;
    if (promotion === undefined) return;
    const target = freightByName.get(promotion.freight);
    if (target === undefined) return;
    const collection: FreightView[] = [target];
    for (const [origin, f] of state.current) if (origin !== target.origin) collection.push(f);
    const context = {
      project: project.namespace,
      stage: state.model.name,
      promotion: promotion.name,
      target,
      collection,
      vars: state.model.vars,
      requested: state.model.requests.map((r) => {
        const subs = project.warehouses.get(r.origin)?.subscriptions ?? [];
        return {
          name: r.origin,
          imageRepos: subs.filter((s) => s.kind === 'image').map((s) => s.repoURL),
          gitRepos: subs.filter((s) => s.kind === 'git').map((s) => s.repoURL),
        };
      }),
    };
    const stepDispatches: DispatchRecord[] = [];
    try {
      for (const [i, step] of state.model.steps.entries()) {
        const alias = step.as ?? `step-${i}`;
        const config = evaluateStepConfig(step.config, context, alias);
        promotion.steps.push({ uses: step.uses, as: step.as, config });
        if (step.uses !== 'http') continue;
        const request = dispatchOf(config);
        if (request === undefined) continue;
        const target = (scenario.buildTarget ?? ((s) => defaultBuildTarget(project, s)))(
          state.model.name,
          request,
        );
        stepDispatches.push({
          ...request,
          at: now,
          stage: state.model.name,
          promotion: promotion.name,
          images: collection.flatMap((f) => f.images),
          target,
        });
      }
    } catch (error) {
      if (!(error instanceof EvaluationError)) throw error;
      promotion.phase = 'Errored';
      promotion.finishedAt = now;
      promotion.message = error.message;
      timeline.push({
        at: now,
        kind: 'promotion',
        stage: state.model.name,
        freight: target.name,
        promotion: promotion.name,
        phase: 'Errored',
        message: error.message,
      });
      startNext(state);
      scheduleReconcile();
      return;
    }
    promotion.phase = 'Succeeded';
    promotion.finishedAt = now;
    timeline.push({
      at: now,
      kind: 'promotion',
      stage: state.model.name,
      freight: target.name,
      promotion: promotion.name,
      phase: 'Succeeded',
    });
    for (const d of stepDispatches) {
      dispatches.push(d);
      timeline.push({ at: now, kind: 'dispatch', dispatch: d });
      if (d.target !== undefined) {
        queue.push(now + timing.buildDuration, {
          kind: 'build-done',
          stage: d.stage,
          repoURL: d.target,
          pins: d.pins,
        });
      }
    }
    if (
      promotion.steps.some((s) =>
        ['git-push', 'yaml-update', 'kustomize-set-image', 'helm-update-image'].includes(s.uses),
      )
    ) {
      timeline.push({
        at: now,
        kind: 'update',
        stage: state.model.name,
        promotion: promotion.name,
        steps: promotion.steps,
      });
    }
    // The outgoing Freight leaves the Stage (RemoveCurrentStage records its completed soak), the incoming
    // one enters (AddCurrentStage): api/v1alpha1/freight_types.go.
    const previous = state.current.get(target.origin);
    if (previous !== undefined && previous.name !== target.name) {
      const since = previous.currentlyIn.get(state.model.name);
      if (since !== undefined) {
        const record = previous.verifiedIn.get(state.model.name);
        const soak = now - since;
        if (
          record !== undefined &&
          (record.longestCompletedSoak === undefined || soak > record.longestCompletedSoak)
        ) {
          record.longestCompletedSoak = soak;
        }
        previous.currentlyIn.delete(state.model.name);
      }
    }
    state.current.set(target.origin, target);
    if (!target.currentlyIn.has(state.model.name)) target.currentlyIn.set(state.model.name, now);
    const current = [...state.current.values()].map((f) => f.name);
    if (state.model.verification) {
      queue.push(now + timing.verificationDuration, {
        kind: 'verification-done',
        stage: state.model.name,
        freight: current,
      });
    } else {
      // A Stage without verification counts its current Freight verified once promoted
      // (pkg/controller/stages/regular_stages.go verifyStageFreight).
      for (const f of state.current.values())
        if (!f.verifiedIn.has(state.model.name)) f.verifiedIn.set(state.model.name, { at: now });
    }
    startNext(state);
    scheduleReconcile();
  };

  let events = 0;
  let truncated = false;
  for (;;) {
    const item = queue.pop();
    if (item === undefined || item.at > horizon) break;
    if (++events > maxEvents) {
      truncated = true;
      break;
    }
    now = item.at;
    const { event } = item;
    switch (event.kind) {
      case 'push':
        doPush(event.push);
        break;
      case 'commit':
        world.commit(event.repoURL, fakeDigest(`${event.repoURL}@${now}`).slice(7, 47), now);
        break;
      case 'discover': {
        const w = project.warehouses.get(event.warehouse);
        if (w !== undefined) discover(w);
        break;
      }
      case 'requeue':
        queue.push(now + timing.requeueInterval, { kind: 'requeue' });
        for (const state of stages.values()) reconcileStage(state);
        break;
      case 'reconcile':
        if (reconcileAt === now) reconcileAt = undefined;
        for (const state of stages.values()) reconcileStage(state);
        break;
      case 'promotion-done': {
        const state = stages.get(event.stage);
        if (state !== undefined) finishPromotion(state);
        break;
      }
      case 'verification-done': {
        const outcome = scenario.verification?.(event.stage, event.freight[0] ?? '') ?? 'pass';
        for (const name of event.freight) {
          const f = freightByName.get(name);
          if (f === undefined) continue;
          timeline.push({ at: now, kind: 'verification', stage: event.stage, freight: name, outcome });
          if (outcome === 'pass' && !f.verifiedIn.has(event.stage))
            f.verifiedIn.set(event.stage, { at: now });
        }
        scheduleReconcile();
        break;
      }
      case 'build-done': {
        // The version is chosen when the build pushes, so that concurrent builds get distinct versions.
        buildSeq += 1;
        const tag = tagForBuild(event.repoURL);
        const digest = fakeDigest(`${event.repoURL}:${tag}#build${buildSeq}`);
        const build: BuildRecord = {
          at: now,
          stage: event.stage,
          repoURL: event.repoURL,
          tag,
          digest,
          pins: event.pins,
        };
        const annotations: Record<string, string> = {};
        if (build.pins !== undefined)
          annotations['io.github.image-factory.pins'] = JSON.stringify(build.pins);
        doPush({ at: now, repoURL: build.repoURL, tag: build.tag, digest: build.digest }, annotations);
        builds.push(build);
        timeline.push({ at: now, kind: 'build', build });
        break;
      }
    }
  }
  const freight = [...freightByName.values()].map(({ name, origin, images, commits, discoveredAt }) => ({
    name,
    origin,
    images,
    commits,
    discoveredAt,
  }));
  return { timeline, freight, promotions, dispatches, builds, pushedAt, horizon, truncated, events };
}

function lowerBound(constraint: string | undefined): string | undefined {
  const m = /(?:^|\s|,)>=?\s*v?(\d+\.\d+\.\d+)/.exec(constraint ?? '');
  return m?.[1];
}
