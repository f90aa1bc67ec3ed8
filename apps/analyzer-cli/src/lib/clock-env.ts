import { CliError } from '../errors.js';
import { type Clock, systemClock } from './clock.js';

/** The largest SOURCE_DATE_EPOCH: 9999-12-31T23:59:59Z (state timestamps have four-digit years). */
export const MAX_SOURCE_DATE_EPOCH = 253_402_300_799;

/**
 * The clock of a command: `SOURCE_DATE_EPOCH` (seconds since the epoch, the reproducible-builds
 * convention) when set, else the system clock. Throws a {@link CliError} for a value that is not a
 * whole number of seconds up to {@link MAX_SOURCE_DATE_EPOCH}.
 */
export function clockFromEnv(env: Readonly<Record<string, string | undefined>>): Clock {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return systemClock;
  const hint = 'SOURCE_DATE_EPOCH is a whole number of seconds since 1970-01-01T00:00:00Z, e.g. 1767323045';
  if (!/^\d+$/.test(epoch)) {
    throw new CliError(
      `SOURCE_DATE_EPOCH "${shorten(epoch)}" is not a number of seconds since 1970-01-01`,
      1,
      hint,
    );
  }
  // Compare digit strings: a 400-digit value is no Number worth converting.
  const digits = epoch.replace(/^0+(?=\d)/, '');
  const max = String(MAX_SOURCE_DATE_EPOCH);
  if (digits.length > max.length || (digits.length === max.length && digits > max)) {
    throw new CliError(
      `SOURCE_DATE_EPOCH "${shorten(epoch)}" is out of range: at most ${max} (9999-12-31T23:59:59Z)`,
      1,
      hint,
    );
  }
  const date = new Date(Number(digits) * 1000);
  return () => new Date(date);
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
