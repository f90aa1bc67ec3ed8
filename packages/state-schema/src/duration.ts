/**
 * Durations as written in the state (`30m`, `24h`, `7d`, `90s`, `1h30m`, `1d12h`): one or more
 * `<digits><unit>` parts with units `d`, `h`, `m`, `s` in that order, each at most once.
 */
export const DURATION_PATTERN = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** The same rule as a JSON Schema / zod pattern string. */
export const DURATION_REGEX_SOURCE = '^(?=\\d)(?:\\d+d)?(?:\\d+h)?(?:\\d+m)?(?:\\d+s)?$';

/** Parses a duration to whole seconds; `undefined` when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (text === '') return undefined;
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  const [, d, h, m, s] = match;
  const seconds = Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3_600 + Number(m ?? 0) * 60 + Number(s ?? 0);
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}

/**
 * Renders seconds as a Kargo / Go duration using only `h`, `m` and `s`
 * (`604800` -> `168h`, `5400` -> `1h30m`, `90` -> `1m30s`, `0` -> `0s`).
 * @throws RangeError for negative or non-integer input.
 */
export function toKargoDuration(seconds: number): string {
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new RangeError(`a duration must be a whole, non-negative number of seconds (got ${seconds})`);
  }
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  const s = seconds % 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}`;
}
