// Reading the Dockerfiles given to `image-factory base-images`.

import { readFileSync } from 'node:fs';
import { isAbsolute, sep } from 'node:path';

/** A file's text, or why it could not be read. */
export type FileContent =
  | { readonly file: string; readonly ok: true; readonly text: string }
  | { readonly file: string; readonly ok: false; readonly error: string };

/**
 * Reads one file. Reads are synchronous on purpose: for thousands of small files one
 * `readFileSync` (one open/fstat/read/close on the main thread) is several times faster than promise
 * reads, whose four thread-pool round trips per file dominate, and a reader thread loses more to its
 * start and to the second core's JIT work than it hides (measured by `pnpm bench`, discovery).
 */
export function readFile(file: string, cwd: string): FileContent {
  try {
    // Joined, not resolved: the system follows `..` and `.` itself, and path.resolve's
    // normalisation costs more than the read for a small file.
    const path = isAbsolute(file) ? file : `${cwd}${sep}${file}`;
    return { file, ok: true, text: readFileSync(path, UTF8) };
  } catch (error) {
    return { file, ok: false, error: describe(error) };
  }
}

/** An options object, not 'utf8': Node copies a string option into a new object on every call. */
const UTF8 = { encoding: 'utf8' } as const;

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
