// The CLI's work runs on the main thread; Node's other threads (V8's platform workers, which compile
// optimised code and help the garbage collector, and the delayed-task and signal threads) should use
// idle CPUs, not take the main thread's. Chrome runs V8's background work at a lower priority for
// that reason; Node runs it at the main thread's. On a machine with few CPUs (a CI runner or a pod
// with 2 vCPUs) Node's four workers then compete with the main thread while a cold run warms up:
// `image-factory base-images` on 2,000 Dockerfiles took ~535 ms, and ~435 ms with the other threads
// lowered (2 vCPUs, Node 20; `pnpm bench`, discovery). Node 24 measured the same either way, and with
// idle CPUs nothing changes.

import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** How much lower (in nice levels) the other threads run than the main thread. */
export const BACKGROUND_NICE_OFFSET = 10;
/** The lowest priority (highest nice value) there is. */
const MAX_NICE = 19;

/** The system calls used, injectable for tests. */
export interface ThreadSystem {
  /** The ids of the process's threads (Linux: the entries of /proc/self/task); throws elsewhere. */
  readonly threadIds: () => readonly string[];
  readonly getPriority: (id: number) => number;
  readonly setPriority: (id: number, nice: number) => void;
}

const LINUX: ThreadSystem = {
  threadIds: () => readdirSync('/proc/self/task'),
  getPriority,
  setPriority,
};

/**
 * Lowers the priority of every thread of the process except the main thread (`mainThreadId`, the
 * process id) to {@link BACKGROUND_NICE_OFFSET} nice levels below the main thread's. Only ever lowers:
 * a thread already at that level or lower is left alone, so the user's `nice` is kept and no
 * privilege is needed. Threads created later by the main thread (libuv's pool, child processes)
 * start at the main thread's priority. Best effort: without /proc (not Linux) it does nothing, and a
 * thread that ends meanwhile or refuses is skipped. Returns how many threads it lowered.
 */
export function lowerBackgroundThreads(mainThreadId: number, system: ThreadSystem = LINUX): number {
  let ids: readonly string[];
  let target: number;
  try {
    ids = system.threadIds();
    target = Math.min(MAX_NICE, system.getPriority(mainThreadId) + BACKGROUND_NICE_OFFSET);
  } catch {
    return 0;
  }
  let lowered = 0;
  for (const name of ids) {
    const id = Number(name);
    if (!Number.isSafeInteger(id) || id <= 0 || id === mainThreadId) continue;
    try {
      if (system.getPriority(id) >= target) continue;
      system.setPriority(id, target);
      lowered++;
    } catch {
      // The thread ended, or the system refused: leave it as it is.
    }
  }
  return lowered;
}
