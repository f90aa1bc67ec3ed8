/** Statuses worth another attempt: rate limiting and the server-side failures that are usually brief. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/**
 * The wait a `Retry-After` header asks for, in milliseconds (RFC 9110 section 10.2.3): either
 * delay-seconds (`120`) or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`, compared with `now`).
 * A date in the past means 0. Anything else (negative, fractional, garbage) is undefined: the
 * caller then uses its own backoff.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  // IMF-fixdate, and the obsolete RFC 850 and asctime forms, all of which Date.parse reads; a bare
  // number or ISO date is not an HTTP date.
  if (!/^[A-Za-z]{3,9}, /.test(text) && !/^[A-Za-z]{3} [A-Za-z]{3} /.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** How the pause between attempts grows. */
export interface BackoffOptions {
  /** Pause before the first retry, before jitter. @default 250 */
  readonly baseMs?: number;
  /** Upper bound of a pause computed by backoff (a `Retry-After` may ask for more). @default 8000 */
  readonly maxMs?: number;
}

/**
 * The pause before retry number `retry` (1 for the first retry): exponential, `baseMs * 2^(retry-1)`
 * capped at `maxMs`, with "equal jitter" (half fixed, half random) so that many clients that failed
 * together do not come back together, while every pause still grows. `random` returns [0, 1).
 */
export function backoffDelay(retry: number, random: () => number, options: BackoffOptions = {}): number {
  const { baseMs = 250, maxMs = 8000 } = options;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
