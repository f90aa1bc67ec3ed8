import { setTimeout as delay } from 'node:timers/promises';
import { RegistryError } from './errors.js';
import { Limiter } from './limiter.js';
import { redactUrl } from './redact.js';
import { type BackoffOptions, backoffDelay, parseRetryAfter, RETRYABLE_STATUSES } from './retry.js';

/** Something the client did, for a caller that wants to log it. URLs are redacted. */
export type RegistryEvent =
  | { readonly type: 'request'; readonly method: string; readonly host: string; readonly url: string }
  | {
      readonly type: 'retry';
      readonly method: string;
      readonly host: string;
      readonly url: string;
      /** Retry number (1 for the first retry). */
      readonly retry: number;
      /** The pause before it. */
      readonly waitMs: number;
      /** `HTTP 429`, `HTTP 503`, `timeout`, `network ECONNRESET`, … */
      readonly reason: string;
    };

/** The knobs of {@link HttpClient}; every one has a default in the resolver. */
export interface HttpClientOptions {
  readonly fetch: typeof fetch;
  /** Resolves after `ms`, or rejects when `signal` aborts. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Milliseconds since the epoch (for `Retry-After` dates). */
  readonly now: () => number;
  /** [0, 1), for jitter. */
  readonly random: () => number;
  readonly signal: AbortSignal | undefined;
  readonly requestTimeoutMs: number;
  readonly maxAttempts: number;
  readonly maxRetryAfterMs: number;
  readonly backoff: BackoffOptions;
  readonly concurrencyPerHost: number;
  readonly maxRedirects: number;
  readonly userAgent: string;
  readonly onEvent: ((event: RegistryEvent) => void) | undefined;
}

/** One logical request (the client adds retries and redirects). */
export interface HttpRequest {
  readonly method: 'GET' | 'HEAD';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * An `Authorization` header value. Sent to the origin (scheme, host and port) of `url` only:
   * dropped as soon as a redirect leads to another origin.
   */
  readonly authorization?: string | undefined;
  /** Largest body accepted for a successful answer, in bytes. */
  readonly bodyLimit: number;
  /** What the body is, for errors: `manifest`, `token response`. */
  readonly what: string;
  /** The normalized reference this request is for, for errors. */
  readonly reference?: string | undefined;
}

/** The final answer to a request (after redirects and retries). */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The body of a 2xx answer to GET (bounded); undefined otherwise. */
  readonly body: Buffer | undefined;
  /** The URL that answered (after redirects). */
  readonly url: URL;
}

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * HTTP for registry requests: a concurrency limit and a request counter per host, a timeout per
 * request (covering the body), the run's deadline, bounded bodies, retries with backoff that honour
 * `Retry-After` on 429 and 5xx (and on timeouts and connection failures), and redirects followed by
 * hand so that an `Authorization` header never reaches another origin. Returns every other status
 * to the caller; throws {@link RegistryError} when retries are exhausted or the run is over.
 */
export class HttpClient {
  private readonly limiters = new Map<string, Limiter>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly options: HttpClientOptions) {}

  /** Requests sent so far, per host (`host[:port]`), sorted by host. Retries and redirects count. */
  requestCounts(): Array<{ readonly host: string; readonly requests: number }> {
    return [...this.counts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([host, requests]) => ({ host, requests }));
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const { maxAttempts, maxRetryAfterMs, backoff, random, now, sleep, signal } = this.options;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(request);
      if (outcome.kind === 'response' && !RETRYABLE_STATUSES.has(outcome.response.status)) {
        return outcome.response;
      }
      const host = outcome.url.host;
      const context = { reference: request.reference, host };
      const retryAfter =
        outcome.kind === 'response'
          ? parseRetryAfter(outcome.response.headers.get('retry-after'), now())
          : undefined;
      if (retryAfter !== undefined && retryAfter > maxRetryAfterMs) {
        throw new RegistryError(
          'rate-limited',
          `the registry asks to retry after ${Math.ceil(retryAfter / 1000)} s, longer than the ${Math.ceil(maxRetryAfterMs / 1000)} s allowed`,
          { ...context, status: outcome.kind === 'response' ? outcome.response.status : undefined },
        );
      }
      if (attempt >= maxAttempts) throw exhausted(outcome, attempt, context);
      const waitMs = Math.max(retryAfter ?? 0, backoffDelay(attempt, random, backoff));
      this.options.onEvent?.({
        type: 'retry',
        method: request.method,
        host,
        url: redactUrl(outcome.url),
        retry: attempt,
        waitMs,
        reason: outcome.kind === 'response' ? `HTTP ${outcome.response.status}` : outcome.reason,
      });
      try {
        await sleep(waitMs, signal);
      } catch (error) {
        throw this.stopped(error, context);
      }
    }
  }

  /** One attempt: the request and its redirects, each hop within the host's concurrency limit. */
  private async attempt(request: HttpRequest): Promise<Outcome> {
    const credentialOrigin = request.url.origin;
    let url = request.url;
    for (let hop = 0; ; hop++) {
      const authorization = url.origin === credentialOrigin ? request.authorization : undefined;
      const result = await this.limiter(url.host)
        .run(() => this.exchange(request, url, authorization), this.options.signal)
        .catch((error: unknown) => {
          throw this.stopped(error, { reference: request.reference, host: url.host });
        });
      if (result.kind !== 'redirect') return result;
      if (hop >= this.options.maxRedirects) {
        throw new RegistryError('invalid-response', `more than ${this.options.maxRedirects} redirects`, {
          reference: request.reference,
          host: url.host,
        });
      }
      url = result.location;
    }
  }

  /** A single HTTP exchange, within the per-request timeout. */
  private async exchange(
    request: HttpRequest,
    url: URL,
    authorization: string | undefined,
  ): Promise<Outcome | Redirect> {
    const { fetch, requestTimeoutMs, signal, userAgent } = this.options;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error('request timeout')), requestTimeoutMs);
    const requestSignal = signal === undefined ? timeout.signal : AbortSignal.any([signal, timeout.signal]);
    const headers: Record<string, string> = { 'user-agent': userAgent, ...request.headers };
    if (authorization !== undefined) headers.authorization = authorization;
    this.count(url.host);
    this.options.onEvent?.({ type: 'request', method: request.method, host: url.host, url: redactUrl(url) });
    try {
      const response = await fetch(url, {
        method: request.method,
        headers,
        redirect: 'manual',
        signal: requestSignal,
      });
      if (REDIRECT_STATUSES.has(response.status)) {
        await response.body?.cancel();
        return { kind: 'redirect', location: redirectTarget(response, url, request) };
      }
      const wantsBody = request.method === 'GET' && response.status >= 200 && response.status < 300;
      const body = wantsBody ? await readBounded(response, request, url) : undefined;
      if (!wantsBody) await response.body?.cancel();
      return {
        kind: 'response',
        url,
        response: { status: response.status, headers: response.headers, body, url },
      };
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      if (signal?.aborted) throw error; // the run is over: `stopped` turns this into deadline/aborted
      if (timeout.signal.aborted) return { kind: 'failure', url, reason: 'timeout' };
      return { kind: 'failure', url, reason: `network ${networkCode(error)}` };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The error for the run's signal having aborted (or `error` itself when it is already one of ours). */
  private stopped(error: unknown, context: { reference?: string | undefined; host: string }): unknown {
    if (error instanceof RegistryError) return error;
    const { signal } = this.options;
    if (signal?.aborted) {
      const reason: unknown = signal.reason;
      const isTimeout = reason instanceof Error && reason.name === 'TimeoutError';
      return isTimeout
        ? new RegistryError('deadline', 'the deadline for talking to registries passed', context)
        : new RegistryError('aborted', 'stopped before the registry answered', context);
    }
    return error;
  }

  private limiter(host: string): Limiter {
    let limiter = this.limiters.get(host);
    if (limiter === undefined) {
      limiter = new Limiter(this.options.concurrencyPerHost);
      this.limiters.set(host, limiter);
    }
    return limiter;
  }

  private count(host: string): void {
    this.counts.set(host, (this.counts.get(host) ?? 0) + 1);
  }
}

type Outcome =
  | { readonly kind: 'response'; readonly url: URL; readonly response: HttpResponse }
  | { readonly kind: 'failure'; readonly url: URL; readonly reason: string };

interface Redirect {
  readonly kind: 'redirect';
  readonly location: URL;
}

/** The default sleep: a timer that an abort ends early. */
export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal === undefined ? {} : { signal });
}

function redirectTarget(response: Response, url: URL, request: HttpRequest): URL {
  const location = response.headers.get('location');
  let target: URL | undefined;
  try {
    target = location === null ? undefined : new URL(location, url);
  } catch {
    target = undefined;
  }
  if (target === undefined || (target.protocol !== 'https:' && target.protocol !== 'http:')) {
    throw new RegistryError(
      'invalid-response',
      `redirect ${response.status} without a valid http(s) Location`,
      {
        reference: request.reference,
        host: url.host,
        status: response.status,
      },
    );
  }
  return target;
}

async function readBounded(response: Response, request: HttpRequest, url: URL): Promise<Buffer> {
  const tooLarge = (): RegistryError =>
    new RegistryError('too-large', `${request.what} is larger than ${request.bodyLimit} bytes`, {
      reference: request.reference,
      host: url.host,
      status: response.status,
    });
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > request.bodyLimit) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (response.body === null) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > request.bodyLimit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

function exhausted(
  outcome: Outcome,
  attempts: number,
  context: { reference?: string | undefined; host: string },
): RegistryError {
  const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
  if (outcome.kind === 'failure') {
    return outcome.reason === 'timeout'
      ? new RegistryError('timeout', `no answer in time after ${tries}`, context)
      : new RegistryError(
          'network',
          `cannot reach the registry (${outcome.reason.slice('network '.length)}) after ${tries}`,
          context,
        );
  }
  const { status } = outcome.response;
  return status === 429
    ? new RegistryError('rate-limited', `rate limited: still HTTP 429 after ${tries}`, { ...context, status })
    : new RegistryError('server-error', `server error after ${tries}`, { ...context, status });
}

/** The system error code of a failed fetch (`ECONNREFUSED`, `UND_ERR_SOCKET`), never its message. */
function networkCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return code;
    current = current.cause;
  }
  return 'error';
}
