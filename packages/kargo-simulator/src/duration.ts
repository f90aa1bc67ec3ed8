/** Milliseconds in one unit of a duration. */
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const DURATION_RE = /^(?:(\d+(?:\.\d+)?)(ms|s|m|h|d))+$/;
const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/**
 * Parses a duration as Kargo writes it (Go's `time.ParseDuration` units: `24h0m0s`, `5m`) or as a user
 * does on the command line (`2d`, `1d12h`; `d` is not a Go unit, accepted here for convenience) into
 * milliseconds. Returns `undefined` for anything else.
 */
export function parseDuration(text: string): number | undefined {
  if (!DURATION_RE.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART_RE)) {
    total += Number(amount) * (UNIT_MS[unit ?? 's'] ?? 0);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/** Formats milliseconds for people: `2d4h`, `7d`, `1h30m`, `45s`, `0s`. */
export function formatMillis(ms: number): string {
  if (ms <= 0) return '0s';
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [
    ['d', UNIT_MS.d],
    ['h', UNIT_MS.h],
    ['m', UNIT_MS.m],
    ['s', UNIT_MS.s],
  ] as const) {
    if (size === undefined) continue;
    const amount = Math.floor(rest / size);
    if (amount > 0) parts.push(`${amount}${unit}`);
    rest -= amount * size;
  }
  return parts.length > 0 ? parts.join('') : `${rest}ms`;
}

export const HOUR = 3_600_000;
export const SECOND = 1000;
export const MINUTE = 60_000;
export const DAY = 86_400_000;
