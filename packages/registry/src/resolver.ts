import {
  DEFAULT_REGISTRY,
  type ImageReference,
  tryParseImageReference,
  withDefaultTag,
} from '@image-factory/state-schema/reference';
import { Authenticator, type AuthTarget } from './auth.js';
import { DockerCredentials } from './docker-config.js';
import { RegistryError } from './errors.js';
import { defaultSleep, HttpClient, type HttpResponse, type RegistryEvent } from './http-client.js';
import {
  digestMatches,
  digestOf,
  imagePlatforms,
  isIndexMediaType,
  isWellFormedDigest,
  MANIFEST_ACCEPT,
  MANIFEST_MAX_BYTES,
  mediaTypeOf,
  parseIndex,
  selectPlatform,
} from './manifest.js';
import { formatPlatform, parsePlatform } from './platform.js';
import type { BackoffOptions } from './retry.js';

/** Docker Hub's registry API host: references say `docker.io`, the API lives here. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

/** Options of a {@link RegistryResolver}: one instance per run. */
export interface RegistryResolverOptions {
  /**
   * Credentials from the Docker config file ({@link readDockerConfig} or {@link parseDockerConfig}).
   * @default DockerCredentials.none (anonymous)
   */
  readonly credentials?: DockerCredentials | undefined;
  /**
   * Registries (`host[:port]` as written in references, e.g. `127.0.0.1:5000`) reached over plain
   * HTTP instead of HTTPS. There is no automatic fallback from HTTPS to HTTP.
   * @default []
   */
  readonly plainHttpRegistries?: readonly string[] | undefined;
  /**
   * The run's deadline (or cancellation), e.g. `AbortSignal.timeout(120_000)`. When it aborts,
   * pending resolutions reject with `deadline` (a `TimeoutError` reason) or `aborted`.
   */
  readonly signal?: AbortSignal | undefined;
  /** Requests in flight at once per host. @default 4 */
  readonly concurrencyPerHost?: number | undefined;
  /** Attempts per request, the first included (429, 5xx, timeouts, connection failures retry). @default 4 */
  readonly maxAttempts?: number | undefined;
  /** Timeout of one request, body included. @default 20000 */
  readonly requestTimeoutMs?: number | undefined;
  /** Longest `Retry-After` honoured; a longer one fails at once with `rate-limited`. @default 60000 */
  readonly maxRetryAfterMs?: number | undefined;
  /** Growth of the pause between attempts. @default { baseMs: 250, maxMs: 8000 } */
  readonly backoff?: BackoffOptions | undefined;
  /** @default 'image-factory-registry' */
  readonly userAgent?: string | undefined;
  /** Called for every request and retry (URLs redacted), e.g. for a `--verbose` log. */
  readonly onEvent?: ((event: RegistryEvent) => void) | undefined;
  /** For tests: the fetch implementation. @default globalThis.fetch */
  readonly fetch?: typeof fetch | undefined;
  /** For tests: the pause between attempts. @default a timer that the signal ends early */
  readonly sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  /** For tests: the clock (token lifetimes, `Retry-After` dates). @default Date.now */
  readonly now?: (() => number) | undefined;
  /** For tests: the jitter source, [0, 1). @default Math.random */
  readonly random?: (() => number) | undefined;
}

/** Options of one {@link RegistryResolver.resolve} call. */
export interface ResolveOptions {
  /**
   * `os/architecture[/variant]`: for a multi-platform index, answer with the manifest of this
   * platform (matched exactly, as Kargo matches a Warehouse's `platform`).
   */
  readonly platform?: string | undefined;
}

/** Which digest a reference points to now. */
export interface Resolution {
  /** The normalized reference asked about, with the default tag: `docker.io/library/python:3.12-slim`. */
  readonly reference: string;
  /** The reference's registry: `docker.io`. */
  readonly registry: string;
  /** The registry API host that answered: `registry-1.docker.io`. */
  readonly host: string;
  /**
   * The digest of the manifest the reference points to: with a platform and a multi-platform
   * index, the platform's manifest; otherwise the tag's own manifest or index.
   */
  readonly digest: string;
  /** The media type of that manifest, when the registry said. */
  readonly mediaType: string | undefined;
  /**
   * The index's digest, when the reference is a multi-platform index and a platform was asked
   * for. Kargo's freight records the tag's digest — the index for a multi-platform image, even with
   * a `platform` (Kargo v1.11.2 pkg/image/repository_client.go, getImageFromV1ImageIndex) — so
   * compare freight with `indexDigest ?? digest`.
   */
  readonly indexDigest?: string | undefined;
  /** The platform the digest was chosen for, when chosen from an index. */
  readonly platform?: string | undefined;
  /**
   * `header`: the registry's `Docker-Content-Digest`; `computed`: the SHA-256 of the manifest
   * bytes, when the registry sent no (valid) digest header.
   */
  readonly digestSource: 'header' | 'computed';
}

/** What the registry says about a manifest (tag or digest). */
interface ManifestInfo {
  readonly digest: string;
  readonly mediaType: string | undefined;
  readonly digestSource: 'header' | 'computed';
  /** The manifest bytes, when a GET was needed anyway. */
  readonly body: Buffer | undefined;
}

/**
 * Answers "which digest does this image reference point to now?" with the OCI distribution API,
 * for one run: every unique reference is asked once (concurrent and later calls share the answer,
 * failures included), requests are limited per host, retried with backoff, bounded in time and size,
 * and counted per host ({@link requestCounts}).
 *
 * A tag is resolved with a `HEAD` of its manifest (`Docker-Content-Digest`); a `GET` is made only
 * when the registry sends no valid digest header (the digest is then the SHA-256 of the bytes) or
 * when a platform must be picked from a multi-platform index (fetched by digest and verified).
 */
export class RegistryResolver {
  private readonly http: HttpClient;
  private readonly auth: Authenticator;
  private readonly plainHttp: ReadonlySet<string>;
  private readonly manifests = new Map<string, Promise<ManifestInfo>>();
  private readonly indexes = new Map<string, Promise<Buffer>>();

  constructor(options: RegistryResolverOptions = {}) {
    const now = options.now ?? Date.now;
    this.http = new HttpClient({
      fetch: options.fetch ?? globalThis.fetch,
      sleep: options.sleep ?? defaultSleep,
      now,
      random: options.random ?? Math.random,
      signal: options.signal,
      requestTimeoutMs: options.requestTimeoutMs ?? 20_000,
      maxAttempts: Math.max(1, options.maxAttempts ?? 4),
      maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
      backoff: options.backoff ?? {},
      concurrencyPerHost: options.concurrencyPerHost ?? 4,
      maxRedirects: 5,
      userAgent: options.userAgent ?? 'image-factory-registry',
      onEvent: options.onEvent,
    });
    this.auth = new Authenticator(this.http, options.credentials ?? DockerCredentials.none, now);
    this.plainHttp = new Set((options.plainHttpRegistries ?? []).map((host) => host.toLowerCase()));
  }

  /**
   * The digest `reference` (e.g. `python:3.12-slim`, `ghcr.io/acme/app:1.4`, `registry:5000/x@sha256:…`)
   * points to now; `latest` when it has no tag. A reference with a digest is looked up by that
   * digest (the tag is then ignored, as Docker does).
   * @throws RegistryError — always this type, with a message safe to print.
   */
  async resolve(reference: string, options: ResolveOptions = {}): Promise<Resolution> {
    const ref = parseReference(reference);
    const platform = options.platform === undefined ? undefined : parsePlatform(options.platform);
    const target = this.target(ref);
    const host = new URL(target.apiOrigin).host;
    const info = await this.manifest(ref, target);
    const base = { reference: ref.normalized, registry: ref.registry, host };
    const single = {
      ...base,
      digest: info.digest,
      mediaType: info.mediaType,
      digestSource: info.digestSource,
    };
    // Without a Content-Type the body tells whether the manifest is an index.
    if (platform === undefined || !(info.mediaType === undefined || isIndexMediaType(info.mediaType))) {
      // A single-platform manifest is returned as is even when a platform was asked for: its
      // platform is in its config blob, which this client does not fetch. (Kargo discovers nothing
      // for a Warehouse with `platform` whose tag is not an index: getImageByTag returns no image
      // when no index platform matches, pkg/image/repository_client.go.)
      return single;
    }
    const body = info.body ?? (await this.index(ref, target, info.digest));
    const context = { reference: ref.normalized, host };
    if (info.mediaType === undefined && !looksLikeIndex(body)) return single;
    const entries = parseIndex(body, ref.name, context);
    const entry = selectPlatform(entries, platform);
    if (entry === undefined) {
      const available = imagePlatforms(entries);
      throw new RegistryError(
        'platform-not-found',
        `the image index has no ${formatPlatform(platform)} manifest (available: ${available.slice(0, 20).join(', ') || 'none'})`,
        context,
      );
    }
    return {
      ...base,
      digest: entry.digest,
      mediaType: entry.mediaType,
      indexDigest: info.digest,
      platform: formatPlatform(platform),
      digestSource: info.digestSource,
    };
  }

  /** Requests sent so far, per host, sorted by host (retries, redirects and token requests count). */
  requestCounts(): Array<{ readonly host: string; readonly requests: number }> {
    return this.http.requestCounts();
  }

  /**
   * HEAD of the manifest, with a GET when the digest header is missing: one per normalized
   * reference (a digest identifies the manifest whatever the tag written next to it), shared by
   * concurrent and later calls, failures included.
   */
  private manifest(ref: ImageReference, target: AuthTarget): Promise<ManifestInfo> {
    const key = ref.digest === undefined ? ref.normalized : `${ref.name}@${ref.digest}`;
    let info = this.manifests.get(key);
    if (info === undefined) {
      info = this.fetchManifest(ref, target);
      this.manifests.set(key, info);
    }
    return info;
  }

  private async fetchManifest(ref: ImageReference, target: AuthTarget): Promise<ManifestInfo> {
    const path = ref.digest ?? ref.tag ?? 'latest';
    const head = await this.request(target, 'HEAD', path);
    const digest = head.headers.get('docker-content-digest')?.trim();
    if (digest !== undefined && isWellFormedDigest(ref.name, digest)) {
      this.checkPinned(ref, digest, target);
      return { digest, mediaType: mediaTypeOf(head.headers), digestSource: 'header', body: undefined };
    }
    // No (valid) digest header: the digest is the hash of the exact bytes the registry serves.
    const get = await this.request(target, 'GET', path);
    const body = get.body ?? Buffer.alloc(0);
    const algorithm = ref.digest === undefined ? 'sha256' : ref.digest.slice(0, ref.digest.indexOf(':'));
    const computed = digestOf(body, algorithm);
    const header = get.headers.get('docker-content-digest')?.trim();
    if (header !== undefined && isWellFormedDigest(ref.name, header) && !digestMatches(body, header)) {
      throw this.invalid(target, `the manifest does not match its Docker-Content-Digest ${header}`);
    }
    this.checkPinned(ref, computed, target);
    return { digest: computed, mediaType: mediaTypeOf(get.headers), digestSource: 'computed', body };
  }

  /** GET of an index by digest (immutable, so the tag cannot move in between), verified. */
  private index(ref: ImageReference, target: AuthTarget, digest: string): Promise<Buffer> {
    const key = `${ref.name}@${digest}`;
    let body = this.indexes.get(key);
    if (body === undefined) {
      body = this.request(target, 'GET', digest).then((response) => {
        const bytes = response.body ?? Buffer.alloc(0);
        if (!digestMatches(bytes, digest))
          throw this.invalid(target, `the image index does not match its digest ${digest}`);
        return bytes;
      });
      this.indexes.set(key, body);
    }
    return body;
  }

  /**
   * One manifest request, authenticated as the registry's challenges ask: at most two challenge
   * rounds (a stale token gets one fresh one), then `denied`. Statuses other than 200 become errors.
   */
  private async request(target: AuthTarget, method: 'HEAD' | 'GET', path: string): Promise<HttpResponse> {
    const url = new URL(`${target.apiOrigin}/v2/${target.repository}/manifests/${path}`);
    const host = url.host;
    const context = { reference: target.reference, host };
    let authorization: string | undefined;
    try {
      authorization = await this.auth.authorizationFor(target);
    } catch (error) {
      throw attribute(error, target.reference);
    }
    for (let round = 0; ; round++) {
      const response = await this.http.send({
        method,
        url,
        authorization,
        headers: { accept: MANIFEST_ACCEPT },
        bodyLimit: MANIFEST_MAX_BYTES,
        what: 'manifest',
        reference: target.reference,
      });
      const { status } = response;
      if (status === 200) return response;
      if (status === 401) {
        if (round >= 2)
          throw this.auth.denied(target, [this.auth.credentialReason(target)], 401, response.url);
        try {
          authorization = await this.auth.answer(
            target,
            response.headers.get('www-authenticate'),
            response.url,
            authorization,
          );
        } catch (error) {
          throw attribute(error, target.reference);
        }
        continue;
      }
      if (status === 403)
        throw this.auth.denied(target, [this.auth.credentialReason(target)], 403, response.url);
      if (status === 404) {
        const what = path.includes(':')
          ? 'manifest not found'
          : `tag not found: no tag "${path}" in ${target.repository}`;
        throw new RegistryError('not-found', what, { ...context, host: response.url.host, status });
      }
      throw new RegistryError('invalid-response', `unexpected answer to ${method} of the manifest`, {
        ...context,
        host: response.url.host,
        status,
      });
    }
  }

  private target(ref: ImageReference): AuthTarget {
    const apiHost = ref.registry === DEFAULT_REGISTRY ? DOCKER_HUB_API_HOST : ref.registry;
    const scheme = this.plainHttp.has(ref.registry.toLowerCase()) ? 'http' : 'https';
    return {
      registry: ref.registry,
      apiOrigin: new URL(`${scheme}://${apiHost}`).origin,
      repository: ref.repository,
      reference: ref.normalized,
    };
  }

  /** A reference pinned by digest must get that digest back. */
  private checkPinned(ref: ImageReference, digest: string, target: AuthTarget): void {
    if (ref.digest !== undefined && digest !== ref.digest) {
      throw this.invalid(target, `asked for ${ref.digest}, the registry answered ${digest}`);
    }
  }

  private invalid(target: AuthTarget, detail: string): RegistryError {
    return new RegistryError('invalid-response', detail, {
      reference: target.reference,
      host: new URL(target.apiOrigin).host,
    });
  }
}

/** `3 requests to 127.0.0.1:5000, 1 request to auth.docker.io` (hosts sorted), or `no registry requests`. */
export function formatRequestCounts(
  counts: ReadonlyArray<{ readonly host: string; readonly requests: number }>,
): string {
  if (counts.length === 0) return 'no registry requests';
  return counts
    .map(({ host, requests }) => `${requests} request${requests === 1 ? '' : 's'} to ${host}`)
    .join(', ');
}

function parseReference(text: string): ImageReference {
  const result = tryParseImageReference(text);
  if (!result.ok) {
    throw new RegistryError(
      'invalid-reference',
      `invalid image reference "${text.slice(0, 300)}": ${result.error}`,
    );
  }
  return withDefaultTag(result.reference);
}

/** An index has a `manifests` list (and an index media type, when it names one). */
function looksLikeIndex(body: Buffer): boolean {
  try {
    const document: unknown = JSON.parse(body.toString('utf8'));
    if (typeof document !== 'object' || document === null) return false;
    const { manifests, mediaType } = document as Record<string, unknown>;
    return Array.isArray(manifests) && (mediaType === undefined || isIndexMediaType(String(mediaType)));
  } catch {
    return false;
  }
}

function attribute(error: unknown, reference: string): unknown {
  return error instanceof RegistryError ? error.withReference(reference) : error;
}
