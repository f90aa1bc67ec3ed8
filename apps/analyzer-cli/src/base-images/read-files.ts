// Reading the Dockerfiles given to `image-factory base-images`.

import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { isAbsolute, sep } from 'node:path';

/**
 * The largest Dockerfile read (4 MiB). BuildKit reads lines of at most 64 KiB; a real Dockerfile is
 * a few KiB, and the largest generated ones (thousands of stages) stay under 2 MiB.
 */
export const MAX_DOCKERFILE_BYTES = 4 * 1024 * 1024;

/** A file's text, or why it could not be read. */
export type FileContent =
  | { readonly file: string; readonly ok: true; readonly text: string }
  | { readonly file: string; readonly ok: false; readonly error: string };

/**
 * Reads one file: a regular file or a pipe (`<(curl ...)`), at most {@link MAX_DOCKERFILE_BYTES};
 * never a device (a Dockerfile in a checkout may be a symbolic link to `/dev/zero`, which would be
 * read for ever). Git stores no pipes, so a pipe is always the user's own. Reads are synchronous on
 * purpose: for thousands of small files one stat/open/fstat/read/close on the main thread is
 * several times faster than promise reads, whose four thread-pool round trips per file dominate,
 * and a reader thread loses more to its start and to the second core's JIT work than it hides
 * (measured by `pnpm bench`, discovery).
 */
export function readFile(file: string, cwd: string): FileContent {
  let fd: number;
  try {
    // Joined, not resolved: the system follows `..` and `.` itself, and path.resolve's
    // normalisation costs more than the read for a small file.
    const path = isAbsolute(file) ? file : `${cwd}${sep}${file}`;
    // Devices are refused before they are opened (opening some has effects, or waits).
    const stats = statSync(path);
    if (!stats.isFile() && !stats.isFIFO()) return { file, ok: false, error: notADockerfile(stats) };
    fd = openSync(path, constants.O_RDONLY | constants.O_NOCTTY);
  } catch (error) {
    return { file, ok: false, error: describe(error) };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() && !stats.isFIFO()) return { file, ok: false, error: notADockerfile(stats) };
    const tooLarge = {
      file,
      ok: false,
      error: `is larger than ${MAX_DOCKERFILE_BYTES / 1024 / 1024} MiB`,
    } as const;
    if (stats.size > MAX_DOCKERFILE_BYTES) return tooLarge;
    // Up to one byte past the limit, whatever the size said (a pipe has none; a file may grow).
    let buffer = Buffer.allocUnsafe(stats.isFile() ? stats.size + 1 : 64 * 1024);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > MAX_DOCKERFILE_BYTES) return tooLarge;
        const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, MAX_DOCKERFILE_BYTES + 1));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > MAX_DOCKERFILE_BYTES) return tooLarge;
    return { file, ok: true, text: buffer.toString('utf8', 0, length) };
  } catch (error) {
    return { file, ok: false, error: describe(error) };
  } finally {
    closeSync(fd);
  }
}

function notADockerfile(stats: Stats): string {
  return `is ${kindOf(stats)}, not a Dockerfile`;
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory, not a Dockerfile';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
