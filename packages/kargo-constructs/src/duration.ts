import type { Duration } from 'cdk8s';

/** Kargo's duration pattern (`interval`, `requiredSoakTime`): hours, minutes, seconds only. */
export const KARGO_DURATION_RE = /^([0-9]+(\.[0-9]+)?(s|m|h))+$/;

/**
 * Formats a duration the way Go's `time.Duration.String()` does for values of a second or more
 * (`5m0s`, `168h0m0s`, `1.5s`), which Kargo's duration pattern accepts. Sub-second values are
 * written in fractional seconds (`0.5s`) because Kargo does not accept `ms`.
 */
export function formatDuration(duration: Duration): string {
  const totalMillis = duration.toMilliseconds();
  if (!Number.isFinite(totalMillis) || totalMillis < 0) {
    throw new RangeError(`duration must be a non-negative finite amount, got ${totalMillis}ms`);
  }
  const millis = Math.round(totalMillis);
  const hours = Math.floor(millis / 3_600_000);
  const minutes = Math.floor((millis % 3_600_000) / 60_000);
  const secondsMillis = millis % 60_000;
  const seconds =
    secondsMillis % 1000 === 0
      ? String(secondsMillis / 1000)
      : (secondsMillis / 1000).toFixed(3).replace(/0+$/, '');
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/** A duration prop: a cdk8s `Duration` is formatted, a string is used as written (and validated). */
export function renderDuration(value: Duration | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : formatDuration(value);
}
