// Option parsing shared by the command registrations: light (commander and the state-dir module
// only), because every registration runs at start.

import { STATE_DIR_HELP } from '@image-factory/state-schema/state-dir';
import { InvalidArgumentError, Option } from 'commander';

/**
 * A commander argument parser for a whole number from `min` to `max`. Commander reports a refused
 * value as `error: option '<flags>' argument '<value>' is invalid. <reason>` (exit 2).
 */
export function integerOption(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    }
    return parsed;
  };
}

/** `--state-dir <dir>`, with the default and help text both apps share. */
export function stateDirOption(): Option {
  return new Option('--state-dir <dir>', STATE_DIR_HELP);
}
