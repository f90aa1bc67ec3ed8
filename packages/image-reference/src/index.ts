import { createHash } from 'node:crypto';

/**
 * A parsed, normalized container image reference: Docker's reference grammar
 * (distribution/reference `ParseNormalizedNamed`), the one implementation used by the state, the
 * Dockerfile analyzer and the Kargo constructs.
 */
export interface ImageReference {
  /** Registry host (with port), normalized: `docker.io` for Docker Hub (`index.docker.io` -> `docker.io`). */
  readonly registry: string;
  /** Path within the registry, e.g. `library/python`, `acme/backstage`. */
  readonly repository: string;
  /** Tag if written (never defaulted here; see {@link withDefaultTag}). */
  readonly tag?: string | undefined;
  /** Digest `algo:hex` if written. */
  readonly digest?: string | undefined;
  /** `registry/repository`, e.g. `docker.io/library/python`: the Warehouse repoURL and graph key. */
  readonly name: string;
  /** Fully normalized string `name[:tag][@digest]`, e.g. `docker.io/library/python:3.12-slim`. */
  readonly normalized: string;
  /** Familiar (short) form as `docker` prints it, e.g. `python:3.12-slim`, `ghcr.io/acme/x:1`. */
  readonly familiar: string;
}

/** The result of {@link tryParseImageReference}: the reference, or why the text is not one. */
export type ReferenceParseResult =
  | { readonly ok: true; readonly reference: ImageReference }
  | { readonly ok: false; readonly error: string };

/** Thrown by {@link parseImageReference} for text that is not a valid image reference. */
export class InvalidImageReferenceError extends Error {
  override readonly name = 'InvalidImageReferenceError';
  /** The text that failed to parse. */
  readonly input: string;
  constructor(input: string, reason: string) {
    super(`invalid image reference "${input}": ${reason}`);
    this.input = input;
  }
}

/** Docker Hub's canonical registry name. */
export const DEFAULT_REGISTRY = 'docker.io';
const LEGACY_DEFAULT_REGISTRY = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
/** Maximum length of the repository path (the registry does not count). */
const PATH_MAX_LENGTH = 255;

// The grammar of distribution/reference (regexp.go), written out once.
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const ipv6Address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainAndPort = `(?:${domainName}|${ipv6Address})(?::[0-9]+)?`;
const tagPattern = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const REFERENCE = new RegExp(
  `^((?:${domainAndPort}/)?${remoteName})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`,
);
const DOMAIN = new RegExp(`^${domainAndPort}$`);
const IDENTIFIER = /^[a-f0-9]{64}$/;

/** Digest algorithms the factory accepts, with the length of their lowercase hex encoding. */
const DIGEST_ALGORITHMS: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/**
 * Parses `text` like distribution/reference `ParseNormalizedNamed`: default registry
 * `docker.io`, `library/` for single-component Docker Hub names, `index.docker.io` -> `docker.io`,
 * `localhost` or a first component containing `.`, `:` or an uppercase letter is a registry.
 * The tag is never defaulted. Never throws.
 */
export function tryParseImageReference(text: string): ReferenceParseResult {
  // The same few references recur across a fleet's Dockerfiles and state files: answers (immutable)
  // are remembered, in a map that is emptied whenever it grows past PARSED_MAX entries.
  let result = parsed.get(text);
  if (result === undefined) {
    if (parsed.size >= PARSED_MAX) parsed.clear();
    result = parseUncached(text);
    parsed.set(text, result);
  }
  return result;
}

const PARSED_MAX = 1024;
const parsed = new Map<string, ReferenceParseResult>();

function parseUncached(text: string): ReferenceParseResult {
  if (text === '') return fail('repository name must have at least one component');
  if (IDENTIFIER.test(text)) {
    return fail(`invalid repository name (${text}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain, remainder } = splitDockerDomain(text);
  const colon = remainder.indexOf(':');
  const remote = colon === -1 ? remainder : remainder.slice(0, colon);
  if (remote.toLowerCase() !== remote) {
    return fail(`invalid reference format: repository name (${remote}) must be lowercase`);
  }
  if (!DOMAIN.test(domain)) return fail('invalid reference format');
  const match = REFERENCE.exec(`${domain}/${remainder}`);
  if (!match) return fail('invalid reference format');
  const [, fullName = '', tag, digest] = match;
  const repository = fullName.slice(domain.length + 1);
  if (repository.length > PATH_MAX_LENGTH) {
    return fail(`repository name must not be more than ${PATH_MAX_LENGTH} characters`);
  }
  if (digest !== undefined) {
    const problem = validateDigest(digest);
    if (problem) return fail(problem);
  }
  return { ok: true, reference: makeReference(domain, repository, tag, digest) };
}

/**
 * Parses `text` like {@link tryParseImageReference}.
 * @throws InvalidImageReferenceError when `text` is not a valid image reference.
 */
export function parseImageReference(text: string): ImageReference {
  const result = tryParseImageReference(text);
  if (!result.ok) throw new InvalidImageReferenceError(text, result.error);
  return result.reference;
}

/** The reference with tag `latest` when it has neither tag nor digest (distribution's `TagNameOnly`). */
export function withDefaultTag(ref: ImageReference): ImageReference {
  if (ref.tag !== undefined || ref.digest !== undefined) return ref;
  return makeReference(ref.registry, ref.repository, 'latest', undefined);
}

/**
 * The identity of a base image: `withDefaultTag(ref).normalized`, e.g.
 * `docker.io/library/python:3.12-slim`; the digest is included when the reference pins one.
 */
export function referenceKey(ref: ImageReference): string {
  // withDefaultTag(ref).normalized, without building the defaulted reference.
  return ref.tag === undefined && ref.digest === undefined ? `${ref.name}:latest` : ref.normalized;
}

/** Maximum length of a base-image state name (a Kubernetes label-sized name). */
export const BASE_IMAGE_NAME_MAX_LENGTH = 63;

/**
 * The name of the state file (and Kargo objects) of a base image, compatible with the names the
 * old tool produced. The rule:
 *
 * 1. Take the repository path (the registry is dropped; on Docker Hub a leading `library/` too
 *    when nothing else follows it, as in the familiar form),
 *    replace `/` by `-`, then append `-<tag>` (`latest` when there is neither tag nor digest) and
 *    `-<algo>-<first 12 hex of the digest>` when pinned by digest:
 *    `node:22-bookworm-slim` -> `node-22-bookworm-slim`, `python:3.12-slim` -> `python-3.12-slim`,
 *    `gcr.io/distroless/python3-debian12` -> `distroless-python3-debian12-latest`.
 * 2. Lowercase it; every run of characters that is not `[a-z0-9]`, other than a single `.` or a
 *    run of `-`, becomes one `-`; leading and trailing separators are removed. The result is a valid
 *    DNS-1123 subdomain (`[a-z0-9]` at both ends of each `.`-separated label).
 * 3. When step 2 changed anything but `/` and `:` (e.g. uppercase or `_` in a tag), when the name is
 *    longer than {@link BASE_IMAGE_NAME_MAX_LENGTH} characters, or when `isTaken(name)` says the name
 *    already belongs to a different image, the name is cut to 54 characters and suffixed with `-`
 *    and the first 8 hex characters of the SHA-256 of {@link referenceKey} — stable for the image.
 *
 * @param isTaken optional: true when a candidate name is already used by another base image
 *   (identity is the normalized reference: look up existing files by {@link referenceKey} first).
 */
export function baseImageStateName(ref: ImageReference, isTaken?: (name: string) => boolean): string {
  const path =
    ref.registry === DEFAULT_REGISTRY ? familiarName(ref.registry, ref.repository) : ref.repository;
  const parts = [path];
  if (ref.tag !== undefined) parts.push(ref.tag);
  else if (ref.digest === undefined) parts.push('latest');
  if (ref.digest !== undefined) {
    const [algorithm = '', hex = ''] = ref.digest.split(':');
    parts.push(algorithm, hex.slice(0, 12));
  }
  const raw = parts.join('-').replaceAll('/', '-');
  const cleaned = sanitizeName(raw);
  const needsSuffix =
    cleaned !== raw || cleaned.length > BASE_IMAGE_NAME_MAX_LENGTH || isTaken?.(cleaned) === true;
  if (!needsSuffix) return cleaned;
  const suffix = createHash('sha256').update(referenceKey(ref)).digest('hex').slice(0, 8);
  const head = trimSeparators(cleaned.slice(0, BASE_IMAGE_NAME_MAX_LENGTH - suffix.length - 1));
  return head === '' ? suffix : `${head}-${suffix}`;
}

function sanitizeName(raw: string): string {
  const lowered = raw.toLowerCase();
  const replaced = lowered.replace(/[^a-z0-9]+/g, (run) => (run === '.' || /^-+$/.test(run) ? run : '-'));
  return trimSeparators(replaced);
}

function trimSeparators(name: string): string {
  return name.replace(/^[^a-z0-9]+/, '').replace(/[^a-z0-9]+$/, '');
}

function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = slash === -1 ? '' : name.slice(0, slash);
  if (slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DEFAULT_REGISTRY;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(slash + 1);
  }
  if (domain === LEGACY_DEFAULT_REGISTRY) domain = DEFAULT_REGISTRY;
  if (domain === DEFAULT_REGISTRY && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return { domain, remainder };
}

function validateDigest(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = DIGEST_ALGORITHMS[algorithm];
  if (length === undefined) return `unsupported digest algorithm (${algorithm})`;
  if (!/^[a-f0-9]+$/.test(hex)) return 'invalid checksum digest format';
  if (hex.length !== length) return 'invalid checksum digest length';
  return undefined;
}

function makeReference(
  registry: string,
  repository: string,
  tag: string | undefined,
  digest: string | undefined,
): ImageReference {
  const name = `${registry}/${repository}`;
  const suffix = `${tag === undefined ? '' : `:${tag}`}${digest === undefined ? '' : `@${digest}`}`;
  // Every reference has the same keys: `tag` and `digest` are `undefined` when not written (JSON
  // leaves them out).
  return {
    registry,
    repository,
    tag,
    digest,
    name,
    normalized: name + suffix,
    familiar: familiarName(registry, repository) + suffix,
  };
}

function familiarName(registry: string, repository: string): string {
  if (registry !== DEFAULT_REGISTRY) return `${registry}/${repository}`;
  if (repository.startsWith(OFFICIAL_REPO_PREFIX)) {
    const rest = repository.slice(OFFICIAL_REPO_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return repository;
}

function fail(error: string): ReferenceParseResult {
  return { ok: false, error };
}
