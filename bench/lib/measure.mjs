// Running a command as a separate process and measuring its wall time and peak memory.

import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const GNU_TIME = '/usr/bin/time';
const RSS_PRELOAD = new URL('./report-max-rss.mjs', import.meta.url).pathname;

/** How peak memory is measured: GNU time's `%M` when installed, else a preload reporting `maxRSS`. */
export const RSS_METHOD = (() => {
  if (process.env.BENCH_RSS === 'preload') return 'preload';
  try {
    accessSync(GNU_TIME, constants.X_OK);
    return 'gnu-time';
  } catch {
    return 'preload';
  }
})();

/** A short description of {@link RSS_METHOD} for report headers. */
export function rssMethodLabel() {
  return RSS_METHOD === 'gnu-time'
    ? '/usr/bin/time -f "%M %U %S" (peak RSS and CPU time of the process)'
    : 'node --import bench/lib/report-max-rss.mjs (process.resourceUsage() at exit)';
}

let counter = 0;

/**
 * Runs `command args` (no shell) to completion. Returns wall time (ms, measured around spawn and
 * exit), exit code, captured stdout/stderr, and with `rss: true` the peak RSS in KiB and the CPU
 * time (user + system, ms; 10 ms resolution with GNU time).
 * `command` must be `process.execPath` for the preload fallback of `rss`.
 *
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, rss?: boolean, captureStdout?: boolean }} [options]
 * @returns {Promise<{ ms: number, code: number | null, signal: string | null, stdout: string, stderr: string, rssKiB?: number, cpuMs?: number }>}
 */
export function runProcess(command, args, options = {}) {
  const { cwd, env = process.env, rss = false, captureStdout = true } = options;
  let file = command;
  let argv = [...args];
  let rssFile;
  if (rss && RSS_METHOD === 'gnu-time') {
    rssFile = join(tmpdir(), `bench-rss-${process.pid}-${counter++}.txt`);
    file = GNU_TIME;
    argv = ['-f', '%M %U %S', '-o', rssFile, command, ...args];
  } else if (rss) {
    if (command !== process.execPath) throw new Error('peak RSS without GNU time needs a node command');
    rssFile = join(tmpdir(), `bench-rss-${process.pid}-${counter++}.txt`);
    argv = ['--import', RSS_PRELOAD, ...args];
  }
  const childEnv = rss && RSS_METHOD === 'preload' ? { ...env, BENCH_RSS_FILE: rssFile } : env;
  return new Promise((resolve, reject) => {
    const stdout = [];
    const stderr = [];
    const start = performance.now();
    const child = spawn(file, argv, {
      cwd,
      env: childEnv,
      stdio: ['ignore', captureStdout ? 'pipe' : 'ignore', 'pipe'],
    });
    child.stdout?.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = performance.now() - start;
      const result = {
        ms,
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      };
      if (rssFile) {
        try {
          const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
          // GNU time prefixes "Command exited with non-zero status N" when the command fails.
          const [rssKiB, user, system] = lines[lines.length - 1].split(' ').map(Number);
          result.rssKiB = rssKiB;
          result.cpuMs = (user + system) * 1000;
        } catch {
          result.rssKiB = Number.NaN;
          result.cpuMs = Number.NaN;
        }
        rmSync(rssFile, { force: true });
      }
      resolve(result);
    });
  });
}

/** Throws with the command's stderr when it did not exit 0 (or one of `okCodes`). */
export function assertExit(result, what, okCodes = [0]) {
  if (result.code === null || !okCodes.includes(result.code)) {
    const tail = result.stderr.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${what} exited with ${result.code ?? result.signal}:\n${tail}`);
  }
  return result;
}
