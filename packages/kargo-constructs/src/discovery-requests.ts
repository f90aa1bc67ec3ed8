/**
 * An estimate of the registry and git requests Kargo v1.11.2 makes to discover the artifacts of a set
 * of Warehouses, per day and by host, in the steady state (nothing new pushed; a push adds the reads of
 * the new image or commit). Only polling is counted: a webhook refresh adds one discovery.
 *
 * Per discovery (a Warehouse discovers once per `spec.interval`: pkg/controller/warehouses/warehouses.go
 * shouldDiscoverArtifacts), each subscription makes:
 * - image, `Digest`: one manifest GET of the followed tag (pkg/image/digest_selector.go Select →
 *   repository_client.go getImageByTag → go-containerregistry `remote.Get`, never cached by tag for this
 *   selector). The per-platform manifests of an index are cached by digest, so only a new digest reads
 *   them again.
 * - image, `SemVer` / `Lexical`: the tag list (`remote.List`, one request per 1,000 tags — assumed one) and
 *   then the manifests of the best tags, one by one, until `discoveryLimit` images are found
 *   (pkg/image/tag_based_selector.go getImagesByTags); with `cacheByTag` a tag's manifest is read once
 *   and then cached (repository_client.go getImageByTag), so only the tag list remains.
 * - image, `NewestBuild`: the tag list and the manifest of **every** tag the filters accept — not bounded
 *   by `discoveryLimit` (pkg/image/newest_build_selector.go getImagesByTags); with `cacheByTag` only the
 *   tag list remains. Without it the number of tags is unknown here: `discoveryLimit` manifests are
 *   counted and the estimate is marked as a lower bound.
 * - git: one `git ls-remote` of the branch; the (blobless) clone happens only when the branch head
 *   moved (pkg/subscription/git.go DiscoverArtifacts, ListRefs).
 *
 * Not counted: token requests to an auth server (e.g. auth.docker.io) and the `/v2/` ping.
 */

/** A Warehouse as written in its manifest. */
export interface WarehouseForRequests {
  readonly name: string;
  readonly interval: string;
  readonly subscriptions: readonly {
    readonly image?:
      | {
          readonly repoURL: string;
          readonly imageSelectionStrategy?: string | undefined;
          readonly discoveryLimit?: number | undefined;
          readonly cacheByTag?: boolean | undefined;
        }
      | undefined;
    readonly git?: { readonly repoURL: string } | undefined;
  }[];
}

/** The estimate for one host. */
export interface HostRequests {
  readonly host: string;
  readonly kind: 'registry' | 'git';
  /** Manifest GETs per day (registries; Docker Hub counts each as a pull). */
  readonly manifests: number;
  /** Tag-list requests per day (registries). */
  readonly tagLists: number;
  /** `git ls-remote` per day (git hosts). */
  readonly lsRemotes: number;
  /** All of them. */
  readonly total: number;
  /** True when a `NewestBuild` subscription without `cacheByTag` makes the count a lower bound. */
  readonly lowerBound: boolean;
}

/** Kargo's default `discoveryLimit` of an image subscription (pkg/subscription/image.go). */
const DEFAULT_DISCOVERY_LIMIT = 20;

/** Seconds of a Kubernetes duration as Kargo writes and reads it (`5m`, `6h0m0s`, `1h30m`). */
export function durationSeconds(text: string): number | undefined {
  const match = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?$/.exec(text);
  if (match === null || text === '') return undefined;
  const [, h = '0', m = '0', s = '0'] = match;
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

/** The registry host of an image repository URL (`python` and `docker.io/library/python` → `docker.io`). */
export function registryHostOf(repoURL: string): string {
  const [first, ...rest] = repoURL.toLowerCase().split('/');
  if (rest.length === 0 || first === undefined || !/[.:]|^localhost$/.test(first)) return 'docker.io';
  return first === 'index.docker.io' || first === 'registry-1.docker.io' ? 'docker.io' : first;
}

/** The host of a git URL (https, ssh or `git@host:path`). */
export function gitHostOf(repoURL: string): string {
  const scpHost = /^[\w.-]+@([\w.-]+):(?!\/\/)/.exec(repoURL)?.[1];
  if (scpHost !== undefined) return scpHost.toLowerCase();
  try {
    return new URL(repoURL).host.toLowerCase();
  } catch {
    return repoURL;
  }
}

interface Tally {
  manifests: number;
  tagLists: number;
  lsRemotes: number;
  lowerBound: boolean;
  kind: 'registry' | 'git';
}

/** Requests per day by host, sorted by host (git hosts after registries of the same name). */
export function estimateDiscoveryRequests(warehouses: readonly WarehouseForRequests[]): HostRequests[] {
  const hosts = new Map<string, Tally>();
  const tally = (key: string, kind: 'registry' | 'git'): Tally => {
    const found = hosts.get(key);
    if (found !== undefined) return found;
    const fresh: Tally = { manifests: 0, tagLists: 0, lsRemotes: 0, lowerBound: false, kind };
    hosts.set(key, fresh);
    return fresh;
  };
  for (const warehouse of warehouses) {
    const seconds = durationSeconds(warehouse.interval);
    if (seconds === undefined || seconds <= 0) continue;
    const perDay = 86_400 / seconds;
    for (const { image, git } of warehouse.subscriptions) {
      if (image !== undefined) {
        const t = tally(`registry ${registryHostOf(image.repoURL)}`, 'registry');
        const strategy = image.imageSelectionStrategy ?? 'SemVer';
        if (strategy === 'Digest') {
          t.manifests += perDay;
        } else {
          t.tagLists += perDay;
          if (image.cacheByTag !== true) {
            t.manifests += perDay * (image.discoveryLimit ?? DEFAULT_DISCOVERY_LIMIT);
            if (strategy === 'NewestBuild') t.lowerBound = true;
          }
        }
      }
      if (git !== undefined) tally(`git ${gitHostOf(git.repoURL)}`, 'git').lsRemotes += perDay;
    }
  }
  return [...hosts.entries()]
    .sort(([a], [b]) => {
      const [ka = '', ha = ''] = a.split(' ');
      const [kb = '', hb = ''] = b.split(' ');
      return ha < hb ? -1 : ha > hb ? 1 : ka < kb ? 1 : ka > kb ? -1 : 0;
    })
    .map(([key, t]) => {
      const manifests = Math.round(t.manifests);
      const tagLists = Math.round(t.tagLists);
      const lsRemotes = Math.round(t.lsRemotes);
      return {
        host: key.slice(key.indexOf(' ') + 1),
        kind: t.kind,
        manifests,
        tagLists,
        lsRemotes,
        total: manifests + tagLists + lsRemotes,
        lowerBound: t.lowerBound,
      };
    });
}

/**
 * Docker Hub's documented pull limit for unauthenticated users: 100 pulls per 6 hours per IPv4 address
 * or IPv6 /64 subnet, where a pull is a manifest GET (a HEAD is not counted)
 * (https://docs.docker.com/docker-hub/usage/pulls/). Docker has changed this figure before.
 */
export const DOCKER_HUB_ANONYMOUS_LIMIT = { pulls: 100, windowSeconds: 6 * 3600 } as const;

/**
 * The manifest GETs to docker.io per Docker Hub rate-limit window, when they exceed the anonymous limit
 * (assuming the Kargo controller pulls anonymously, from one IPv4 address, and nothing else shares it);
 * `undefined` when they do not.
 */
export function dockerHubAnonymousExcess(estimate: readonly HostRequests[]): number | undefined {
  const hub = estimate.find((h) => h.kind === 'registry' && h.host === 'docker.io');
  if (hub === undefined) return undefined;
  const perWindow = Math.ceil((hub.manifests * DOCKER_HUB_ANONYMOUS_LIMIT.windowSeconds) / 86_400);
  return perWindow > DOCKER_HUB_ANONYMOUS_LIMIT.pulls ? perWindow : undefined;
}
