import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_REGISTRY } from '@image-factory/state-schema/reference';

/** Credentials for one registry, as found in a Docker config file. */
export type RegistryCredential =
  /** Username and password (or access token), sent with HTTP Basic to the registry or its token realm. */
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  /** Configured in a way this client cannot use (a credential helper, an identity token): why, and what to do. */
  | { readonly kind: 'unsupported'; readonly reason: string };

/** A Docker config file that cannot be used: which file and entry, never a credential. */
export class DockerConfigError extends Error {
  override readonly name = 'DockerConfigError';
  /** The file (or description of the content) given as `source`. */
  readonly source: string;
  constructor(source: string, message: string) {
    super(`${source}: ${message}`);
    this.source = source;
  }
}

/** Largest Docker config file {@link readDockerConfig} reads (real ones are a few kilobytes). */
export const DOCKER_CONFIG_MAX_BYTES = 1024 * 1024;

/**
 * The credentials of a Docker config file, by registry. Built by {@link parseDockerConfig} or
 * {@link readDockerConfig}. Holds secrets: they live in private fields, so printing or
 * `JSON.stringify`-ing the object shows only the registries it has entries for.
 */
export class DockerCredentials {
  readonly #basic: ReadonlyMap<string, RegistryCredential>;
  readonly #helpers: ReadonlyMap<string, string>;
  readonly #store: string | undefined;
  readonly #source: string;

  /** No credentials at all: every registry is accessed anonymously. */
  static readonly none = new DockerCredentials(new Map(), new Map(), undefined, 'no Docker config');

  private constructor(
    basic: ReadonlyMap<string, RegistryCredential>,
    helpers: ReadonlyMap<string, string>,
    store: string | undefined,
    source: string,
  ) {
    this.#basic = basic;
    this.#helpers = helpers;
    this.#store = store;
    this.#source = source;
  }

  /** The credentials of a Docker config file's content; see {@link parseDockerConfig}. */
  static parse(text: string, source: string): DockerCredentials {
    const { basic, helpers, store } = readEntries(text, source);
    return new DockerCredentials(basic, helpers, store, source);
  }

  /**
   * The credential for `registry` (a reference's registry: `docker.io`, `ghcr.io`,
   * `registry.example.com:5000`), matched case-insensitively against the config's keys reduced to
   * their host (`https://index.docker.io/v1/` -> `index.docker.io`, which is Docker Hub).
   *
   * Precedence: a `credHelpers` entry for the host (unsupported), then an `auths` entry with
   * `auth` or `username`/`password`, then a global `credsStore` (unsupported). Docker asks a
   * configured `credsStore` before `auths`; this client cannot run helpers, so credentials written
   * in the file are used when present. Undefined: access anonymously.
   */
  lookup(registry: string): RegistryCredential | undefined {
    const host = canonicalHost(registry);
    const helper = this.#helpers.get(host);
    if (helper !== undefined) {
      return {
        kind: 'unsupported',
        reason:
          `${this.#source} names the credential helper "docker-credential-${helper}" for ${registry} (credHelpers), ` +
          `and credential helpers are not supported: put "username" and "password" (or "auth") for ${registry} under "auths"`,
      };
    }
    const entry = this.#basic.get(host);
    if (entry !== undefined) return entry;
    if (this.#store !== undefined) {
      return {
        kind: 'unsupported',
        reason:
          `${this.#source} keeps credentials in the store "docker-credential-${this.#store}" (credsStore), ` +
          `and credential stores are not supported: put "username" and "password" (or "auth") for ${registry} under "auths"`,
      };
    }
    return undefined;
  }

  /** The hosts with an entry (for messages; no secrets). */
  hosts(): string[] {
    return [...new Set([...this.#basic.keys(), ...this.#helpers.keys()])].sort();
  }

  toJSON(): { source: string; hosts: string[] } {
    return { source: this.#source, hosts: this.hosts() };
  }
}

/**
 * Reads the credentials of a Docker config file's content (`config.json`): `auths` entries keyed by
 * host or URL, each with `auth` (base64 of `username:password`) or `username` and `password`;
 * `credHelpers` and `credsStore` are recognised so that {@link DockerCredentials.lookup} can say
 * they are not supported. Other fields are ignored. `source` names the file in errors.
 *
 * @throws DockerConfigError when the content is not a Docker config (the message names the entry,
 *   never its value).
 */
export function parseDockerConfig(text: string, source = 'Docker config'): DockerCredentials {
  return DockerCredentials.parse(text, source);
}

function readEntries(
  text: string,
  source: string,
): { basic: Map<string, RegistryCredential>; helpers: Map<string, string>; store: string | undefined } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // The parser's message quotes the text near the error, which may be a secret.
    throw new DockerConfigError(source, 'is not valid JSON');
  }
  if (!isObject(document)) throw new DockerConfigError(source, 'must be a JSON object');
  const basic = new Map<string, RegistryCredential>();
  const helpers = new Map<string, string>();
  const { auths, credHelpers, credsStore } = document;
  if (auths !== undefined) {
    if (!isObject(auths)) throw new DockerConfigError(source, '"auths" must be an object');
    for (const [key, entry] of Object.entries(auths)) {
      if (!isObject(entry)) throw new DockerConfigError(source, `auths["${key}"] must be an object`);
      const credential = credentialOf(entry, key, source);
      const host = canonicalHost(hostOfKey(key));
      // The first usable entry for a host wins (`https://ghcr.io` and `ghcr.io` may both exist).
      if (credential !== undefined && !basic.has(host)) basic.set(host, credential);
    }
  }
  if (credHelpers !== undefined) {
    if (!isObject(credHelpers)) throw new DockerConfigError(source, '"credHelpers" must be an object');
    for (const [key, helper] of Object.entries(credHelpers)) {
      if (typeof helper !== 'string') {
        throw new DockerConfigError(source, `credHelpers["${key}"] must be a string`);
      }
      if (helper !== '') helpers.set(canonicalHost(hostOfKey(key)), helper);
    }
  }
  if (credsStore !== undefined && typeof credsStore !== 'string') {
    throw new DockerConfigError(source, '"credsStore" must be a string');
  }
  return { basic, helpers, store: credsStore === '' ? undefined : credsStore };
}

/**
 * Reads and parses the Docker config file at `path` (at most {@link DOCKER_CONFIG_MAX_BYTES}).
 * A missing file means no credentials, as for Docker.
 * @throws DockerConfigError when the file cannot be read or is not a Docker config.
 */
export async function readDockerConfig(path: string): Promise<DockerCredentials> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isNodeError(error) && error.code === 'ENOENT') return DockerCredentials.none;
    throw new DockerConfigError(path, `cannot be read (${isNodeError(error) ? error.code : 'error'})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new DockerConfigError(path, 'is not a regular file');
    if (stat.size > DOCKER_CONFIG_MAX_BYTES) {
      throw new DockerConfigError(path, `is larger than ${DOCKER_CONFIG_MAX_BYTES} bytes`);
    }
    const buffer = Buffer.alloc(DOCKER_CONFIG_MAX_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > DOCKER_CONFIG_MAX_BYTES) {
      throw new DockerConfigError(path, `is larger than ${DOCKER_CONFIG_MAX_BYTES} bytes`);
    }
    return parseDockerConfig(buffer.subarray(0, bytesRead).toString('utf8'), path);
  } finally {
    await handle.close();
  }
}

/**
 * Where Docker looks for its config file: `$DOCKER_CONFIG/config.json` when `DOCKER_CONFIG` is set
 * (and not empty), else `~/.docker/config.json`. The caller passes the values (libraries do not
 * read the environment).
 */
export function dockerConfigPath(options: {
  readonly dockerConfig?: string | undefined;
  readonly homeDir: string;
}): string {
  const { dockerConfig, homeDir } = options;
  return dockerConfig !== undefined && dockerConfig !== ''
    ? join(dockerConfig, 'config.json')
    : join(homeDir, '.docker', 'config.json');
}

// Docker Hub's names: the registry of references, the legacy index (the key `docker login` writes,
// `https://index.docker.io/v1/`) and the API host.
const DOCKER_HUB_HOSTS = new Set([DEFAULT_REGISTRY, 'index.docker.io', 'registry-1.docker.io']);

/** A registry or config key's host, lowercased, with Docker Hub's aliases folded into `docker.io`. */
function canonicalHost(host: string): string {
  const lower = host.toLowerCase();
  return DOCKER_HUB_HOSTS.has(lower) ? DEFAULT_REGISTRY : lower;
}

/** Docker's ConvertToHostname (docker/cli config/credentials): drop the scheme, keep up to the first `/`. */
function hostOfKey(key: string): string {
  const stripped = key.replace(/^https?:\/\//i, '');
  const slash = stripped.indexOf('/');
  return slash === -1 ? stripped : stripped.slice(0, slash);
}

function credentialOf(
  entry: Record<string, unknown>,
  key: string,
  source: string,
): RegistryCredential | undefined {
  const { auth, username, password, identitytoken, registrytoken } = entry;
  const where = `auths["${key}"]`;
  if (auth !== undefined && auth !== '') {
    if (typeof auth !== 'string') throw new DockerConfigError(source, `${where}.auth must be a string`);
    const compact = auth.trim();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
      throw new DockerConfigError(source, `${where}.auth is not base64`);
    }
    const decoded = Buffer.from(compact, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw new DockerConfigError(source, `${where}.auth must be the base64 of username:password`);
    }
    return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (username !== undefined || password !== undefined) {
    if (typeof username !== 'string' || username === '' || typeof password !== 'string') {
      throw new DockerConfigError(source, `${where} needs both "username" and "password" as strings`);
    }
    return { kind: 'basic', username, password };
  }
  if (
    (typeof identitytoken === 'string' && identitytoken !== '') ||
    (typeof registrytoken === 'string' && registrytoken !== '')
  ) {
    return {
      kind: 'unsupported',
      reason:
        `${source} has only an identity or registry token for ${key} (as written by some "docker login" flows), ` +
        `which is not supported: put "username" and "password" (or "auth") under auths["${key}"]`,
    };
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
