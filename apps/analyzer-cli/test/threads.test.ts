// The CLI lowers the priority of Node's background threads so that they use idle CPUs, not the main
// thread's (src/threads.ts).
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKGROUND_NICE_OFFSET, lowerBackgroundThreads, type ThreadSystem } from '../src/threads.js';
import { BIN, ensureBuilt } from './helpers/cli.js';
import { tempDir } from './helpers/git-repos.js';

/** A fake process: thread id -> nice value; ids in `refuse` fail like a thread that has ended. */
function fakeSystem(threads: Record<string, number>, refuse: readonly number[] = []) {
  const nice = new Map(Object.entries(threads).map(([id, value]) => [Number(id), value]));
  const calls: [number, number][] = [];
  const system: ThreadSystem = {
    threadIds: () => Object.keys(threads),
    getPriority: (id) => {
      const value = nice.get(id);
      if (value === undefined) throw new Error(`ESRCH: no such thread ${id}`);
      return value;
    },
    setPriority: (id, value) => {
      if (refuse.includes(id)) throw new Error(`ESRCH: no such thread ${id}`);
      calls.push([id, value]);
      nice.set(id, value);
    },
  };
  return { system, nice, calls };
}

describe('lowerBackgroundThreads', () => {
  it('lowers every thread but the main one to 10 nice levels below it', () => {
    const { system, nice, calls } = fakeSystem({ 100: 0, 101: 0, 102: 0, 103: 0 });
    expect(lowerBackgroundThreads(100, system)).toBe(3);
    expect(calls).toEqual([
      [101, 10],
      [102, 10],
      [103, 10],
    ]);
    expect(nice.get(100)).toBe(0);
  });

  it('keeps the user’s nice: relative to the main thread, capped at 19, never raising a thread', () => {
    // The user ran `nice -n 5 image-factory ...`: the others go to 15; one was already lower.
    const niced = fakeSystem({ 200: 5, 201: 5, 202: 17 });
    expect(lowerBackgroundThreads(200, niced.system)).toBe(1);
    expect(niced.calls).toEqual([[201, 15]]);
    expect(niced.nice.get(202)).toBe(17);

    const low = fakeSystem({ 300: 15, 301: 15 });
    expect(lowerBackgroundThreads(300, low.system)).toBe(1);
    expect(low.calls).toEqual([[301, 19]]);
  });

  it('skips threads that end meanwhile and entries that are not thread ids', () => {
    const { system, calls } = fakeSystem({ 400: 0, 401: 0, 402: 0, self: 0 }, [401]);
    expect(lowerBackgroundThreads(400, system)).toBe(1);
    expect(calls).toEqual([[402, 10]]);
  });

  it('does nothing where threads cannot be listed (no /proc)', () => {
    const system: ThreadSystem = {
      threadIds: () => {
        throw Object.assign(new Error("ENOENT: no such file or directory, scandir '/proc/self/task'"), {
          code: 'ENOENT',
        });
      },
      getPriority: () => 0,
      setPriority: () => {
        throw new Error('must not be called');
      },
    };
    expect(lowerBackgroundThreads(1, system)).toBe(0);
  });
});

/** The nice value of each thread of `pid` (Linux: field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNice(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // After the command name in parentheses: state is field 3, nice is field 19.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), Number(fields[16]));
    } catch {
      // The thread ended.
    }
  }
  return out;
}

/**
 * Writes `text` to the named pipe `fifo` once a reader has it open. Non-blocking, so that a reader
 * that never comes fails the test instead of hanging it.
 */
async function writeWhenRead(fifo: string, text: string): Promise<void> {
  for (let tries = 0; ; tries++) {
    let fd: number;
    try {
      fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO' || tries > 400) throw error;
      await delay(25);
      continue;
    }
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    return;
  }
}

describe('the built binary', () => {
  const scratch = tempDir('if-threads');
  beforeAll(ensureBuilt, 180_000);
  afterAll(() => scratch.cleanup());

  it('runs its background threads below the main thread while it works', async () => {
    // base-images reading a named pipe waits for a writer: meanwhile its threads can be looked at.
    const fifo = join(scratch.dir, 'Dockerfile');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [BIN, 'base-images', '--json', fifo], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const pid = child.pid ?? 0;
    // The child's main thread runs at this thread's priority; the others 10 levels lower (at most 19).
    const parentNice = getPriority();
    const lowerNice = Math.min(19, parentNice + BACKGROUND_NICE_OFFSET);
    let seen = new Map<number, number>();
    let written = false;
    try {
      if (existsSync('/proc/self/task')) {
        // Node starts 4 platform worker threads (V8's compiler and GC helpers) before any user code.
        for (let tries = 0; tries < 200; tries++) {
          seen = threadNice(pid);
          if ([...seen.values()].filter((nice) => nice === lowerNice).length >= 4) break;
          await delay(25);
        }
        expect(seen.get(pid)).toBe(parentNice);
        const lowered = [...seen].filter(([tid, nice]) => tid !== pid && nice === lowerNice);
        expect(lowered.length).toBeGreaterThanOrEqual(4);
      } else {
        // Not Linux: there is nothing to look at and nothing is changed.
        expect(lowerBackgroundThreads(process.pid)).toBe(0);
      }
      await writeWhenRead(fifo, 'FROM alpine:3.20\n');
      written = true;
    } finally {
      // A failed expectation must not leave the child waiting on the pipe for ever.
      if (!written) child.kill();
    }
    expect(await exited).toBe(0);
    expect(
      (JSON.parse(stdout) as { files: { images: { familiar: string }[] }[] }).files[0]?.images.map(
        (i) => i.familiar,
      ),
    ).toEqual(['alpine:3.20']);
  });
});
