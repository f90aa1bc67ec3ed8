// Running the CLI in-process (through run()) and as the real built binary.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { BufferStream } from '../../src/io.js';
import { run } from '../../src/program.js';
import { TEST_GIT_ENV } from './git-repos.js';

/** The package directory. */
export const PACKAGE_DIR = join(import.meta.dirname, '..', '..');
/**
 * Where the tests build the bundle: the package's layout (package.json, bin/, dist/) in a private
 * directory, so that a concurrent `build` task (turbo runs this package's build next to its tests)
 * never deletes files under a running test, and the tests never touch the real dist/.
 */
export const TEST_PACKAGE_DIR = join(PACKAGE_DIR, 'node_modules', '.cache', 'image-factory-cli');
/** The launcher of the test build (a copy of the committed bin/image-factory.js). */
export const BIN = join(TEST_PACKAGE_DIR, 'bin', 'image-factory.js');

/** What a CLI run produced. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with an isolated environment (plus `env`). */
export async function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; tty?: boolean } = {},
): Promise<CliRun> {
  const stdout = new BufferStream();
  const stderr = new BufferStream(options.tty ?? false);
  const code = await run(args, {
    stdout,
    stderr,
    env: { ...TEST_GIT_ENV, ...options.env },
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Runs the built binary (`node bin/image-factory.js`) with an isolated environment (plus `env`). */
export function runBin(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; bin?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [options.bin ?? BIN, ...args],
      {
        cwd: options.cwd ?? PACKAGE_DIR,
        env: { ...TEST_GIT_ENV, ...options.env },
        encoding: 'utf8',
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 99) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Builds the bundle (tsup) unless dist/bin.js is newer than every source file and than the built
 * sibling packages. Test files run in parallel: a lock directory makes one of them build.
 */
export async function ensureBuilt(): Promise<void> {
  const bundle = join(TEST_PACKAGE_DIR, 'dist', 'bin.js');
  const inputs = [
    join(PACKAGE_DIR, 'src'),
    join(PACKAGE_DIR, '..', '..', 'packages', 'state-schema', 'dist'),
    join(PACKAGE_DIR, '..', '..', 'packages', 'image-reference', 'dist'),
    join(PACKAGE_DIR, '..', '..', 'packages', 'dockerfile-analyzer', 'dist'),
    join(PACKAGE_DIR, '..', '..', 'packages', 'kargo-constructs', 'dist'),
    join(PACKAGE_DIR, '..', '..', 'packages', 'factory', 'dist'),
    join(PACKAGE_DIR, '..', '..', 'packages', 'kargo-simulator', 'dist'),
  ];
  const fresh = () =>
    existsSync(bundle) &&
    statSync(bundle).mtimeMs >=
      Math.max(
        ...inputs.map((dir) => newestMtime(dir)),
        statSync(join(PACKAGE_DIR, 'tsup.config.ts')).mtimeMs,
      );
  const lock = `${TEST_PACKAGE_DIR}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  for (let waited = 0; !fresh(); waited++) {
    try {
      mkdirSync(lock);
    } catch {
      if (waited > 600) throw new Error('timed out waiting for another test file to build the bundle');
      await delay(100);
      continue;
    }
    try {
      if (!fresh()) {
        rmSync(TEST_PACKAGE_DIR, { recursive: true, force: true });
        mkdirSync(TEST_PACKAGE_DIR, { recursive: true });
        cpSync(join(PACKAGE_DIR, 'package.json'), join(TEST_PACKAGE_DIR, 'package.json'));
        cpSync(join(PACKAGE_DIR, 'bin'), join(TEST_PACKAGE_DIR, 'bin'), { recursive: true });
        execFileSync(
          join(PACKAGE_DIR, 'node_modules', '.bin', 'tsup'),
          ['--out-dir', join(TEST_PACKAGE_DIR, 'dist')],
          {
            cwd: PACKAGE_DIR,
            stdio: 'pipe',
            env: { ...process.env, NO_COLOR: '1' },
          },
        );
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
