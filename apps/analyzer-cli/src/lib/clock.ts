/** Where timestamps come from: injected so that tests and dry runs are deterministic. */
export type Clock = () => Date;

/** The system clock. */
export const systemClock: Clock = () => new Date();

/** ISO 8601 timestamp in UTC without milliseconds, e.g. `2026-01-02T03:04:05Z`. */
export function isoTimestamp(clock: Clock): string {
  return clock()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
}
