import { createHash } from 'node:crypto';
import { tryParseImageReference } from '@image-factory/state-schema/reference';
import { RegistryError } from './errors.js';
import { formatPlatform, type Platform, platformMatches } from './platform.js';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

/**
 * The `Accept` header of manifest requests: the OCI and Docker index and manifest media types.
 * Without a matching type a registry may answer differently: distribution 2.8 answers 404 for an
 * OCI manifest and 400 for a Docker one (it tries to convert to schema 1), and registries that
 * convert return another document with another digest. Docker schema 1 is not accepted (deprecated
 * since 2017, removed from Docker Hub and distribution 3).
 */
export const MANIFEST_ACCEPT = [OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST].join(', ');

/** Largest manifest or index read (the OCI distribution spec asks registries to accept 4 MiB). */
export const MANIFEST_MAX_BYTES = 4 * 1024 * 1024;

/** True for the media types of a multi-platform index. */
export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}

/** `Content-Type` without parameters, lowercased; undefined when absent. */
export function mediaTypeOf(headers: Headers): string | undefined {
  const value = headers.get('content-type');
  if (value === null) return undefined;
  const type = value.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === '' ? undefined : type;
}

/**
 * True when `digest` is a well-formed digest of the algorithms the reference grammar accepts
 * (`sha256:` + 64 lowercase hex, sha384, sha512) — checked by the grammar itself: `name@digest`
 * must be a valid reference, which is also how callers will use it.
 */
export function isWellFormedDigest(name: string, digest: string): boolean {
  return digest.length <= 200 && tryParseImageReference(`${name}@${digest}`).ok;
}

/** The digest of `bytes` with `algorithm` (`sha256`, `sha384`, `sha512`). */
export function digestOf(bytes: Uint8Array, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** True when `digest` is the digest of `bytes` (with the digest's own algorithm). */
export function digestMatches(bytes: Uint8Array, digest: string): boolean {
  const algorithm = digest.slice(0, digest.indexOf(':'));
  return digestOf(bytes, algorithm) === digest;
}

/** One entry of an index, as far as platform selection needs it. */
export interface IndexEntry {
  readonly digest: string;
  readonly mediaType: string | undefined;
  readonly platform: Platform | undefined;
}

/**
 * The entries of an OCI index or Docker manifest list. Entries whose digest is malformed make the
 * whole document invalid; entries without a usable platform are kept with `platform` undefined.
 * @throws RegistryError (`invalid-response`) when `body` is not an index.
 */
export function parseIndex(
  body: Buffer,
  name: string,
  context: { reference: string; host: string },
): IndexEntry[] {
  const invalid = (why: string): RegistryError =>
    new RegistryError('invalid-response', `the image index is invalid: ${why}`, context);
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch {
    throw invalid('not JSON');
  }
  if (!isObject(document) || !Array.isArray(document.manifests)) throw invalid('no "manifests" list');
  const entries: IndexEntry[] = [];
  for (const [position, item] of document.manifests.entries()) {
    if (!isObject(item) || typeof item.digest !== 'string' || !isWellFormedDigest(name, item.digest)) {
      throw invalid(`manifests[${position}] has no valid digest`);
    }
    const mediaType = typeof item.mediaType === 'string' ? item.mediaType : undefined;
    entries.push({ digest: item.digest, mediaType, platform: platformOf(item.platform) });
  }
  return entries;
}

/**
 * The entry for `wanted`: the first whose os, architecture and variant equal it. Entries without a
 * platform or with `unknown` os or architecture (attestations, signatures) are skipped, as Kargo
 * skips them (Kargo v1.11.2 pkg/image/repository_client.go, getImageFromV1ImageIndex), and the
 * first match wins as in Kargo's image.getPlatform (pkg/image/image.go).
 */
export function selectPlatform(entries: readonly IndexEntry[], wanted: Platform): IndexEntry | undefined {
  return entries.find(({ platform }) => platform !== undefined && platformMatches(wanted, platform));
}

/** The platforms of an index that are images (for "available: …" in errors), sorted, unique. */
export function imagePlatforms(entries: readonly IndexEntry[]): string[] {
  const names = new Set<string>();
  for (const { platform } of entries) if (platform !== undefined) names.add(formatPlatform(platform));
  return [...names].sort();
}

function platformOf(value: unknown): Platform | undefined {
  if (!isObject(value)) return undefined;
  const { os, architecture, variant } = value;
  if (typeof os !== 'string' || typeof architecture !== 'string') return undefined;
  if (os === '' || architecture === '' || os === 'unknown' || architecture === 'unknown') return undefined;
  return typeof variant === 'string' && variant !== '' ? { os, architecture, variant } : { os, architecture };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
