import type { DockerCredentials, RegistryCredential } from './docker-config.js';
import { RegistryError } from './errors.js';
import type { HttpClient } from './http-client.js';
import { redactUrl } from './redact.js';
import { type AuthChallenge, findChallenge, parseWwwAuthenticate } from './www-authenticate.js';

/** Largest token response read (real ones are a few kilobytes). */
export const TOKEN_RESPONSE_MAX_BYTES = 256 * 1024;

/** Lifetime of a token whose response has no `expires_in` (the Docker token spec's default). */
const DEFAULT_TOKEN_SECONDS = 60;
/** A token this close to its expiry is not reused. */
const TOKEN_MARGIN_MS = 5000;

/** The repository a request is for, and where the registry's API is. */
export interface AuthTarget {
  /** The reference's registry (`docker.io`, `ghcr.io`, `127.0.0.1:5000`): the Docker config key. */
  readonly registry: string;
  /** Scheme, host and port of the registry API (`https://registry-1.docker.io`). */
  readonly apiOrigin: string;
  /** `library/python`. */
  readonly repository: string;
  /** The normalized reference, for errors. */
  readonly reference: string;
}

/** What a registry host asked for in its last challenge. */
type HostScheme = { readonly scheme: 'basic' } | BearerScheme;

interface BearerScheme {
  readonly scheme: 'bearer';
  readonly realm: URL;
  readonly service: string | undefined;
}

interface Token {
  readonly value: string;
  readonly expiresAt: number;
}

/**
 * Authentication for registry requests, driven by challenges: nothing is sent to a host before it
 * answers 401 with a `WWW-Authenticate` challenge; after that, the host's scheme is remembered so
 * that later requests (other repositories, other tags) carry their authorization from the start.
 *
 * - `Bearer realm=…,service=…,scope=…`: a token is fetched from the realm (`GET realm?service=…&scope=…`)
 *   and cached per realm, service and scope (one repository) for its lifetime; the Basic credentials
 *   configured for the registry are sent to the realm — as Docker does, because token services
 *   commonly live on another host (`auth.docker.io` for Docker Hub, `gitlab.com` for
 *   `registry.gitlab.com`) — but only over HTTPS, or on the registry's own hostname when the registry
 *   itself is reached over plain HTTP; never to a realm named by a host other than the registry.
 * - `Basic realm=…`: the configured credentials are sent to the registry's API origin.
 */
export class Authenticator {
  private readonly schemes = new Map<string, HostScheme>();
  private readonly tokens = new Map<string, Promise<Token>>();

  constructor(
    private readonly http: HttpClient,
    private readonly credentials: DockerCredentials,
    private readonly now: () => number,
  ) {}

  /** The `Authorization` to send with a request to `target` before any challenge of this request. */
  async authorizationFor(target: AuthTarget): Promise<string | undefined> {
    const scheme = this.schemes.get(target.apiOrigin);
    if (scheme === undefined) return undefined;
    if (scheme.scheme === 'basic') return basicHeader(this.credentials.lookup(target.registry));
    const token = await this.token(target, scheme, pullScope(target.repository), false);
    return `Bearer ${token.value}`;
  }

  /**
   * Answers a 401 from `respondedAt` with the `WWW-Authenticate` header `header`: the
   * `Authorization` to retry with.
   * @throws RegistryError (`denied`) when there is nothing (more) to try.
   */
  async answer(
    target: AuthTarget,
    header: string | null,
    respondedAt: URL,
    sent: string | undefined,
  ): Promise<string> {
    if (respondedAt.origin !== target.apiOrigin) {
      // A challenge from the host a redirect led to: that host gets nothing.
      throw this.denied(
        target,
        [`${respondedAt.host}, reached by a redirect, asked for credentials (none are sent to it)`],
        401,
        respondedAt,
      );
    }
    const challenges = parseWwwAuthenticate(header ?? '');
    const bearer = findChallenge(challenges, 'bearer');
    if (bearer !== undefined) {
      const scheme = this.bearerScheme(target, bearer);
      this.schemes.set(target.apiOrigin, scheme);
      const scope = bearer.params.scope ?? pullScope(target.repository);
      // A token we sent was refused (expired early, revoked): one fresh token, then give up.
      const refused = sent?.startsWith('Bearer ') === true;
      if (refused && bearer.params.error === 'insufficient_scope') {
        throw this.denied(target, ['the token does not grant pull access', this.credentialReason(target)]);
      }
      const token = await this.token(target, scheme, scope, refused);
      const value = `Bearer ${token.value}`;
      if (value === sent)
        throw this.denied(target, ['the registry refused a fresh token', this.credentialReason(target)]);
      return value;
    }
    if (findChallenge(challenges, 'basic') !== undefined) {
      this.schemes.set(target.apiOrigin, { scheme: 'basic' });
      const credential = this.credentials.lookup(target.registry);
      const value = basicHeader(credential);
      if (value === undefined || value === sent) throw this.denied(target, [this.credentialReason(target)]);
      return value;
    }
    const schemes = challenges.map(({ scheme }) => scheme).join(', ') || 'none';
    throw this.denied(target, [
      `the registry asks for an unsupported authentication scheme (${schemes.slice(0, 100)})`,
    ]);
  }

  /** The error for a request that stays unauthorized: what to check, never a secret. */
  denied(target: AuthTarget, reasons: readonly string[], status = 401, at?: URL): RegistryError {
    return new RegistryError(
      'denied',
      `denied: check credentials for ${target.registry}: ${reasons.join('; ')}`,
      {
        reference: target.reference,
        host: at?.host ?? new URL(target.apiOrigin).host,
        status,
      },
    );
  }

  /** Why the credentials (or their absence) did not help, for {@link denied}. */
  credentialReason(target: AuthTarget): string {
    const credential = this.credentials.lookup(target.registry);
    if (credential === undefined) return `no credentials for ${target.registry} in the Docker config`;
    if (credential.kind === 'unsupported') return credential.reason;
    const scheme = this.schemes.get(target.apiOrigin);
    if (scheme?.scheme === 'bearer' && !mayReceiveCredentials(scheme.realm, target.apiOrigin)) {
      return withheldReason(target, scheme.realm);
    }
    return 'the configured credentials were refused';
  }

  private bearerScheme(target: AuthTarget, challenge: AuthChallenge): BearerScheme {
    const { realm, service } = challenge.params;
    let url: URL | undefined;
    try {
      url = realm === undefined ? undefined : new URL(realm);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new RegistryError('invalid-response', 'the Bearer challenge has no absolute http(s) realm', {
        reference: target.reference,
        host: new URL(target.apiOrigin).host,
        status: 401,
      });
    }
    return { scheme: 'bearer', realm: url, service };
  }

  private token(target: AuthTarget, scheme: BearerScheme, scope: string, refresh: boolean): Promise<Token> {
    const key = `${scheme.realm.href}\n${scheme.service ?? ''}\n${scope}\n${target.registry}`;
    const cached = this.tokens.get(key);
    if (cached !== undefined && !refresh) {
      // A settled token near its expiry is replaced; a pending one is shared.
      return cached.then((token) =>
        token.expiresAt - TOKEN_MARGIN_MS > this.now() ? token : this.replace(key, target, scheme, scope),
      );
    }
    return this.replace(key, target, scheme, scope);
  }

  private replace(key: string, target: AuthTarget, scheme: BearerScheme, scope: string): Promise<Token> {
    const promise = this.fetchToken(target, scheme, scope);
    this.tokens.set(key, promise);
    return promise;
  }

  private async fetchToken(
    target: AuthTarget,
    { realm, service }: BearerScheme,
    scope: string,
  ): Promise<Token> {
    const url = new URL(realm);
    if (service !== undefined) url.searchParams.set('service', service);
    url.searchParams.set('scope', scope);
    const credential = this.credentials.lookup(target.registry);
    const withheld = credential?.kind === 'basic' && !mayReceiveCredentials(realm, target.apiOrigin);
    const authorization = withheld ? undefined : basicHeader(credential);
    const response = await this.http.send({
      method: 'GET',
      url,
      authorization,
      headers: { accept: 'application/json' },
      bodyLimit: TOKEN_RESPONSE_MAX_BYTES,
      what: 'token response',
      reference: target.reference,
    });
    if (response.status === 401 || response.status === 403) {
      const refused = `the token service ${redactUrl(realm)} refused the request`;
      throw this.denied(target, [refused, this.credentialReason(target)], response.status, response.url);
    }
    if (response.status !== 200 || response.body === undefined) {
      throw new RegistryError(
        'invalid-response',
        `the token service ${redactUrl(realm)} answered with an unexpected status`,
        {
          reference: target.reference,
          host: response.url.host,
          status: response.status,
        },
      );
    }
    return this.parseToken(response.body, target, response.url);
  }

  private parseToken(body: Buffer, target: AuthTarget, at: URL): Token {
    const invalid = new RegistryError(
      'invalid-response',
      'the token service answered without a valid token',
      {
        reference: target.reference,
        host: at.host,
      },
    );
    let document: unknown;
    try {
      document = JSON.parse(body.toString('utf8'));
    } catch {
      throw invalid;
    }
    if (typeof document !== 'object' || document === null) throw invalid;
    const { token, access_token: accessToken, expires_in: expiresIn } = document as Record<string, unknown>;
    // `token` is the Docker token spec's field; `access_token` its OAuth 2 alias (either may be sent).
    const value = typeof token === 'string' && token !== '' ? token : accessToken;
    // A token goes into a header: visible ASCII only, bounded.
    if (typeof value !== 'string' || !/^[\x21-\x7e]{1,65536}$/.test(value)) throw invalid;
    const seconds =
      typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0
        ? expiresIn
        : DEFAULT_TOKEN_SECONDS;
    return { value, expiresAt: this.now() + seconds * 1000 };
  }
}

/**
 * Whether the Basic credentials of the registry at `apiOrigin` may go to the token `realm` that the
 * registry's challenge named: over HTTPS always (Docker's behaviour; the realm is the registry's
 * chosen token service, often on another host), over plain HTTP only on the registry's own
 * hostname, and only when the registry itself is reached over plain HTTP (never a downgrade).
 */
export function mayReceiveCredentials(realm: URL, apiOrigin: string): boolean {
  if (realm.protocol === 'https:') return true;
  const api = new URL(apiOrigin);
  return api.protocol === 'http:' && realm.hostname === api.hostname;
}

function withheldReason(target: AuthTarget, realm: URL): string {
  return (
    `the credentials for ${target.registry} were not sent to the token service ${redactUrl(realm)}: ` +
    "credentials go to a token service over HTTPS, or over plain HTTP only on the registry's own host"
  );
}

function basicHeader(credential: RegistryCredential | undefined): string | undefined {
  if (credential?.kind !== 'basic') return undefined;
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`, 'utf8').toString('base64')}`;
}

function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}
