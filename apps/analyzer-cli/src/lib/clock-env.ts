import { CliError } from '../errors.js';
import { type Clock, systemClock } from './clock.js';

/**
 * The clock of a command: `SOURCE_DATE_EPOCH` (seconds since the epoch, the reproducible-builds
 * convention) when set, else the system clock.
 */
export function clockFromEnv(env: Readonly<Record<string, string | undefined>>): Clock {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return systemClock;
  if (!/^\d+$/.test(epoch)) {
    throw new CliError(`SOURCE_DATE_EPOCH "${epoch}" is not a number of seconds since 1970-01-01`);
  }
  const date = new Date(Number(epoch) * 1000);
  return () => new Date(date);
}
