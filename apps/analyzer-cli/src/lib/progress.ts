import type { OutputStream } from '../io.js';

/** Reports progress of a long operation over many items. */
export interface Progress {
  /** Item `index` (1-based) of `total` started. */
  step(index: number, total: number, label: string): void;
  /** The operation ended: clear the progress line. */
  done(): void;
}

/** Progress that says nothing (pipes, CI, `--json`). */
export const silentProgress: Progress = { step: () => {}, done: () => {} };

/**
 * A one-line progress indicator on `stream` when it is a terminal and neither `quiet` nor CI
 * (`CI` set in `env`) asks for silence; otherwise {@link silentProgress}.
 */
export function terminalProgress(
  stream: OutputStream,
  env: Readonly<Record<string, string | undefined>>,
  quiet = false,
): Progress {
  if (quiet || stream.isTTY !== true || (env.CI !== undefined && env.CI !== '' && env.CI !== 'false')) {
    return silentProgress;
  }
  let shown = false;
  return {
    step(index, total, label) {
      stream.write(`\r\x1b[2K[${index}/${total}] ${label}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
