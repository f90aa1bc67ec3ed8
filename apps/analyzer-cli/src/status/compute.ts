/**
 * The status of a fleet (pure): for every base image what its watched tag points to now, for every
 * managed image whether it was built on its bases' current digests, since when it is behind as far
 * as the state knows, when its next rebuild becomes eligible, and what a rebuild cascades to.
 *
 * "Eligible" follows the generated resources (docs/rebuilds.md): a rebuild Stage promotes a base
 * digest once it has soaked `rebuildDelay` in the base Stage, fed by a sampling Warehouse that
 * discovers every `samplingIntervalSeconds(interval, soak)`. Kargo's own discovery time is not in
 * the state, so both times are computed from what the state recorded (see docs/status.md).
 */
import { baseImageSelection, samplingIntervalSeconds } from '@image-factory/factory';
import type { BaseImage, FactoryState, ManagedImage } from '@image-factory/state-schema';
import type { ImageGraph } from '../lib/graph.js';

/** The `version` of the JSON document; raised on any incompatible change of its shape. */
export const STATUS_JSON_VERSION = 1;

/** What the registry said about one base image (or why it could not say). */
export type RegistryObservation =
  | {
      readonly ok: true;
      /** The digest the watched tag points to; the platform's manifest for a multi-platform index. */
      readonly digest: string;
      /** The tag's own digest (the index for a multi-platform image): what Kargo's Freight records. */
      readonly tagDigest: string;
      readonly platform?: string | undefined;
    }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** How a base image's current digest was learnt. */
export type BaseCheck =
  /** Asked the registry: `current` is what the watched tag points to now. */
  | 'registry'
  /** The reference is pinned by digest in the state: it never moves, nothing to ask. */
  | 'pinned'
  /** Not a single tag (SemVer/Lexical/NewestBuild over `allowTags`): not checked. */
  | 'not-checked'
  /** The registry could not be read: see `error`. */
  | 'error';

export interface BaseStatus {
  readonly name: string;
  /** `docker.io/library/python:3.12-slim`. */
  readonly reference: string;
  /** The tag the Warehouse follows (Digest strategy), when it follows one. */
  readonly tag?: string | undefined;
  /** The platform the Warehouse requires (`base.platform`, else `warehouses.platform`). */
  readonly platform?: string | undefined;
  readonly external: boolean;
  readonly check: BaseCheck;
  /** The digest now (platform manifest for a platform); undefined when unknown. */
  readonly currentDigest?: string | undefined;
  /** The tag's own digest when it differs (multi-platform index). */
  readonly tagDigest?: string | undefined;
  /** Why the digest is unknown (`not-checked`, `error`). */
  readonly reason?: string | undefined;
  /** What the state recorded (`base-images/<name>.yaml`). */
  readonly recordedDigest?: string | undefined;
  readonly lastUpdated?: string | undefined;
  readonly lastChecked?: string | undefined;
  /** True when the registry's digest is not the recorded one (`--update` would record it). */
  readonly changed: boolean;
  /** Managed images built on it, and every image a change of it rebuilds (transitively). */
  readonly usedBy: readonly string[];
  readonly cascade: readonly string[];
}

export type ImageState = 'up-to-date' | 'behind' | 'unknown';

/** One base of a managed image. */
export interface ImageBaseStatus {
  readonly base: string;
  /** `base` (a watched image) or `image` (a managed image: a cascade). */
  readonly kind: 'base' | 'image';
  readonly status: ImageState;
  /** The digest the current version was built on (`builtOn`). */
  readonly builtOn?: string | undefined;
  /** The base's digest now. */
  readonly currentDigest?: string | undefined;
  /** Why the status is unknown. */
  readonly reason?: string | undefined;
  /** When the base first moved away from `builtOn`, as far as the state knows. */
  readonly behindSince?: string | undefined;
  /** Which recorded field `behindSince` comes from. */
  readonly behindSinceSource?: string | undefined;
  /** When the current digest was first recorded (its soak is counted from there). */
  readonly digestSeenAt?: string | undefined;
  readonly digestSeenAtSource?: string | undefined;
  /** `digestSeenAt + rebuildDelay`: the soak of the current digest is complete. */
  readonly eligibleAt?: string | undefined;
  /** `behindSince + interval + rebuildDelay`: the latest rebuild the generated resources guarantee. */
  readonly rebuildBy?: string | undefined;
  /** The sampling Warehouse's discovery interval, in seconds. */
  readonly intervalSeconds?: number | undefined;
}

export interface ImageStatus {
  readonly name: string;
  /** `ghcr.io/acme/backstage`. */
  readonly reference: string;
  readonly status: ImageState;
  readonly currentVersion?: string | undefined;
  readonly lastBuilt?: string | undefined;
  readonly rebuildDelay: string;
  readonly rebuildDelaySeconds: number;
  readonly autoRebuild: boolean;
  readonly bases: readonly ImageBaseStatus[];
  /** Earliest `eligibleAt` over the bases it is behind; undefined when not behind or not known. */
  readonly eligibleAt?: string | undefined;
  /** Earliest `rebuildBy` over the bases it is behind. */
  readonly rebuildBy?: string | undefined;
  /** Why the status is unknown, one sentence per base (or for the image). */
  readonly reasons: readonly string[];
  /** Managed images a rebuild of this one rebuilds in turn (transitively, sorted). */
  readonly cascade: readonly string[];
}

export interface StatusReport {
  readonly version: typeof STATUS_JSON_VERSION;
  /** The moment the report describes (ISO 8601, UTC). */
  readonly generatedAt: string;
  readonly bases: readonly BaseStatus[];
  readonly images: readonly ImageStatus[];
  readonly graph: ImageGraph;
  readonly summary: {
    readonly upToDate: number;
    readonly behind: number;
    readonly unknown: number;
    /** Base images whose registry could not be read. */
    readonly registryErrors: number;
  };
  /** Requests sent per registry host (token requests and retries included). */
  readonly requests: ReadonlyArray<{ readonly host: string; readonly requests: number }>;
}

/** What a registry check asks about one base: the reference of the followed tag, with its platform. */
export interface BaseQuery {
  readonly ask: true;
  readonly reference: string;
  readonly tag: string;
  readonly platform?: string | undefined;
}

/**
 * What to ask the registry about `base`: the tag its Warehouse follows (the factory's own
 * `baseImageSelection`, so that status watches what Kargo watches), with the Warehouse's platform.
 * A reference pinned by digest, or a base selected among tags, is not asked about.
 */
export function baseQuery(
  base: BaseImage,
  state: Pick<FactoryState, 'settings'>,
): BaseQuery | { readonly ask: false; readonly pinned: boolean; readonly reason?: string } {
  if (base.digest !== undefined) return { ask: false, pinned: true };
  const selection = baseImageSelection(
    base,
    state.settings.warehouses.discoveryLimit,
    state.settings.warehouses.platform,
  );
  if (!selection.ok) return { ask: false, pinned: false, reason: selection.message };
  const { subscription } = selection;
  if (subscription.imageSelectionStrategy !== 'Digest') {
    const over = base.allowTags === undefined ? '' : ` over allowTags ${base.allowTags}`;
    const reason = `the Warehouse selects among tags (${subscription.imageSelectionStrategy}${over}); status follows a single tag only`;
    return { ask: false, pinned: false, reason };
  }
  const platform = subscription.platform;
  const tag = String(subscription.constraint);
  return {
    ask: true,
    reference: `${base.repoURL}:${tag}`,
    tag,
    ...(platform === undefined ? {} : { platform }),
  };
}

/** Inputs of {@link computeStatus}. */
export interface StatusInputs {
  readonly state: Pick<FactoryState, 'settings' | 'baseImages' | 'managedImages'>;
  readonly graph: ImageGraph;
  /** Registry answers by base name (bases without an entry were not asked). */
  readonly observations: ReadonlyMap<string, RegistryObservation>;
  readonly now: Date;
  readonly requests?: ReadonlyArray<{ readonly host: string; readonly requests: number }> | undefined;
  /** `--update`: the digests this run sees are recorded in the state by the same run. */
  readonly recording?: boolean | undefined;
}

export function computeStatus(inputs: StatusInputs): StatusReport {
  const { state, graph, observations, now } = inputs;
  const generatedAt = iso(now);
  const bases = state.baseImages.map((base) => baseStatus(base, state, graph, observations.get(base.name)));
  const basesByName = new Map(bases.map((base) => [base.name, base]));
  const modelByName = new Map(state.baseImages.map((base) => [base.name, base]));
  const managedByName = new Map(state.managedImages.map((image) => [image.name, image]));
  const images = state.managedImages.map((image) =>
    imageStatus(image, {
      state,
      graph,
      generatedAt,
      recording: inputs.recording === true,
      bases: basesByName,
      models: modelByName,
      managed: managedByName,
    }),
  );
  const count = (status: ImageState) => images.filter((image) => image.status === status).length;
  return {
    version: STATUS_JSON_VERSION,
    generatedAt,
    bases,
    images,
    graph,
    summary: {
      upToDate: count('up-to-date'),
      behind: count('behind'),
      unknown: count('unknown'),
      registryErrors: bases.filter((base) => base.check === 'error').length,
    },
    requests: inputs.requests ?? [],
  };
}

function baseStatus(
  base: BaseImage,
  state: Pick<FactoryState, 'settings'>,
  graph: ImageGraph,
  observation: RegistryObservation | undefined,
): BaseStatus {
  const query = baseQuery(base, state);
  const recorded = base.state;
  const common = {
    name: base.name,
    reference: base.reference.normalized,
    ...(query.ask ? { tag: query.tag } : {}),
    ...(query.ask && query.platform !== undefined ? { platform: query.platform } : {}),
    external: base.external,
    ...(recorded?.currentDigest === undefined ? {} : { recordedDigest: recorded.currentDigest }),
    ...(recorded?.lastUpdated === undefined ? {} : { lastUpdated: recorded.lastUpdated }),
    ...(recorded?.lastChecked === undefined ? {} : { lastChecked: recorded.lastChecked }),
    usedBy: base.usedBy,
    cascade: graph.cascades[`base:${base.name}`] ?? [],
  };
  if (!query.ask) {
    return query.pinned
      ? { ...common, check: 'pinned', currentDigest: base.digest, changed: false }
      : { ...common, check: 'not-checked', reason: query.reason ?? 'not checked', changed: false };
  }
  if (observation === undefined) {
    return { ...common, check: 'error', reason: 'the registry was not asked', changed: false };
  }
  if (!observation.ok) return { ...common, check: 'error', reason: observation.message, changed: false };
  return {
    ...common,
    check: 'registry',
    currentDigest: observation.digest,
    ...(observation.tagDigest === observation.digest ? {} : { tagDigest: observation.tagDigest }),
    changed: recorded?.currentDigest !== observation.digest,
  };
}

interface ImageContext {
  readonly state: Pick<FactoryState, 'settings'>;
  readonly graph: ImageGraph;
  readonly generatedAt: string;
  readonly recording: boolean;
  readonly bases: ReadonlyMap<string, BaseStatus>;
  readonly models: ReadonlyMap<string, BaseImage>;
  readonly managed: ReadonlyMap<string, ManagedImage>;
}

function imageStatus(image: ManagedImage, ctx: ImageContext): ImageStatus {
  const builtOn = image.state?.builtOn ?? {};
  const bases = image.baseImages.map((name) => imageBaseStatus(image, name, builtOn[name], ctx));
  const reasons = bases.flatMap((base) =>
    base.status === 'unknown' && base.reason !== undefined ? [`${base.base}: ${base.reason}`] : [],
  );
  if (image.baseImages.length === 0) {
    reasons.push(
      image.state === undefined
        ? 'no images/<name>.yaml yet: its Dockerfile has not been analysed'
        : 'no base images recorded (discovery has not succeeded)',
    );
  }
  const behind = bases.filter((base) => base.status === 'behind');
  const status: ImageState = behind.length > 0 ? 'behind' : reasons.length > 0 ? 'unknown' : 'up-to-date';
  return {
    name: image.name,
    reference: image.reference.name,
    status,
    ...(image.state?.currentVersion === undefined ? {} : { currentVersion: image.state.currentVersion }),
    ...(image.state?.lastBuilt === undefined ? {} : { lastBuilt: image.state.lastBuilt }),
    rebuildDelay: image.rebuildDelay,
    rebuildDelaySeconds: image.rebuildDelaySeconds,
    autoRebuild: image.autoRebuild,
    bases,
    ...optional('eligibleAt', earliest(behind.map((base) => base.eligibleAt))),
    ...optional('rebuildBy', earliest(behind.map((base) => base.rebuildBy))),
    reasons,
    cascade: ctx.graph.cascades[`image:${image.name}`] ?? [],
  };
}

/** A digest change as far as the state knows: when the base moved, and from/to which digest. */
interface KnownChange {
  readonly from?: string | undefined;
  readonly to: string;
  readonly at: string;
  readonly source: string;
}

function imageBaseStatus(
  image: ManagedImage,
  name: string,
  builtOn: string | undefined,
  ctx: ImageContext,
): ImageBaseStatus {
  const managedBase = ctx.managed.get(name);
  const kind = managedBase === undefined ? 'base' : 'image';
  const soak = image.rebuildDelaySeconds;
  const warehouses = ctx.state.settings.warehouses;
  const intervalSeconds = samplingIntervalSeconds(
    managedBase === undefined ? warehouses.baseIntervalSeconds : warehouses.managedIntervalSeconds,
    soak,
  );
  const unknown = (reason: string, current?: string): ImageBaseStatus => ({
    base: name,
    kind,
    status: 'unknown',
    ...optional('builtOn', builtOn),
    ...optional('currentDigest', current),
    reason,
    intervalSeconds,
  });

  let current: string | undefined;
  let matches: (digest: string) => boolean;
  let changes: KnownChange[];
  if (managedBase !== undefined) {
    // A cascade: the base is a managed image; its current version is what the state recorded of
    // its last build (the state keeps no history of its digests).
    current = managedBase.state?.currentDigest;
    if (current === undefined)
      return unknown(`managed image "${name}" has no recorded digest (not built yet)`);
    const digest = current;
    matches = (candidate) => candidate === digest;
    const built = managedBase.state?.lastBuilt;
    changes = built === undefined ? [] : [{ to: digest, at: built, source: `images/${name}.yaml lastBuilt` }];
  } else {
    const base = ctx.bases.get(name);
    const model = ctx.models.get(name);
    if (base === undefined || model === undefined) return unknown(`"${name}" is not a known base image`);
    if (base.currentDigest === undefined) {
      return unknown(
        base.check === 'error'
          ? `registry error: ${base.reason ?? 'unknown'}`
          : (base.reason ?? 'digest unknown'),
      );
    }
    current = base.currentDigest;
    const accepted = new Set([base.currentDigest, ...(base.tagDigest === undefined ? [] : [base.tagDigest])]);
    matches = (candidate) => accepted.has(candidate);
    changes = recordedChanges(model, base, ctx.generatedAt, ctx.recording);
  }
  if (builtOn === undefined) {
    return unknown(
      image.state?.currentVersion === undefined
        ? 'not built by the factory yet (no builtOn)'
        : `the current version records no digest for it (unpinned build, or built before builtOn was recorded)`,
      current,
    );
  }
  if (matches(builtOn)) {
    return { base: name, kind, status: 'up-to-date', builtOn, currentDigest: current, intervalSeconds };
  }

  // Behind since the first recorded change away from the built-on digest; the current digest's
  // soak counts from the change that recorded it.
  const away = changes.find((change) => change.from === builtOn);
  const arrived = [...changes].reverse().find((change) => matches(change.to));
  const behindSince = away ?? arrived;
  const seen = arrived;
  return {
    base: name,
    kind,
    status: 'behind',
    builtOn,
    currentDigest: current,
    ...(behindSince === undefined
      ? {}
      : { behindSince: behindSince.at, behindSinceSource: behindSince.source }),
    ...(seen === undefined ? {} : { digestSeenAt: seen.at, digestSeenAtSource: seen.source }),
    ...optional('eligibleAt', seen === undefined ? undefined : addSeconds(seen.at, soak)),
    ...optional(
      'rebuildBy',
      behindSince === undefined ? undefined : addSeconds(behindSince.at, intervalSeconds + soak),
    ),
    intervalSeconds,
  };
}

/**
 * The digest changes of a base as the state recorded them (oldest first): its `updateHistory`, the
 * last change (`previousDigest` → `currentDigest` at `lastUpdated`) when the history lacks it, the
 * first recorded digest (`lastChecked` of a file with no previous digest), and — when the registry
 * answers a digest the state has not recorded — a change seen by this run.
 */
function recordedChanges(
  model: BaseImage,
  base: BaseStatus,
  generatedAt: string,
  recording: boolean,
): KnownChange[] {
  const file = model.stateFile ?? `base-images/${model.name}.yaml`;
  const recorded = model.state;
  const changes: KnownChange[] = [];
  for (const record of recorded?.updateHistory ?? []) {
    if (record.detectedAt === undefined) continue;
    changes.push({
      from: record.previousDigest,
      to: record.digest,
      at: record.detectedAt,
      source: `${file} updateHistory`,
    });
  }
  const recordedDigest = recorded?.currentDigest;
  if (recordedDigest !== undefined && !changes.some((change) => change.to === recordedDigest)) {
    if (recorded?.previousDigest !== undefined && recorded.lastUpdated !== undefined) {
      changes.push({
        from: recorded.previousDigest,
        to: recordedDigest,
        at: recorded.lastUpdated,
        source: `${file} lastUpdated`,
      });
    } else if (recorded?.lastChecked !== undefined) {
      changes.push({
        to: recordedDigest,
        at: recorded.lastChecked,
        source: `${file} lastChecked (first recorded)`,
      });
    }
  }
  if (base.currentDigest !== undefined && base.changed) {
    changes.push({
      ...optional('from', recordedDigest),
      to: base.currentDigest,
      at: generatedAt,
      source: recording ? 'this run (recorded by --update)' : 'this run (not recorded yet)',
    });
  }
  return changes;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function earliest(values: ReadonlyArray<string | undefined>): string | undefined {
  let best: string | undefined;
  for (const value of values) {
    if (value !== undefined && (best === undefined || Date.parse(value) < Date.parse(best))) best = value;
  }
  return best;
}

function addSeconds(at: string, seconds: number): string | undefined {
  const time = Date.parse(at);
  if (Number.isNaN(time)) return undefined;
  return iso(new Date(time + seconds * 1000));
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
