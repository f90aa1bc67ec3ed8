import { resolve } from 'node:path';
import type { CliIO } from './io.js';

/** The default state checkout: a sibling of the current directory. */
export const DEFAULT_STATE_DIR = '../image-factory-state';

/**
 * Where the state repository is: `--state-dir`, else `$IMAGE_FACTORY_STATE_DIR`, else
 * `../image-factory-state`, resolved against the working directory.
 */
export function resolveStateDir(flag: string | undefined, io: Pick<CliIO, 'env' | 'cwd'>): string {
  const chosen = flag ?? nonEmpty(io.env.IMAGE_FACTORY_STATE_DIR) ?? DEFAULT_STATE_DIR;
  return resolve(io.cwd, chosen);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
