// Reading many files with bounded concurrency, handing them out in the order given.

import { readFile } from 'node:fs';
import { resolve } from 'node:path';

/** A file's text, or why it could not be read. */
export type FileContent =
  | { readonly file: string; readonly ok: true; readonly text: string }
  | { readonly file: string; readonly ok: false; readonly error: string };

/** Files read ahead of the consumer. */
const READ_AHEAD = 32;

/**
 * Yields each file's content in the order of `files` while up to {@link READ_AHEAD} reads run
 * ahead, so thousands of files stream through one process without waiting on each read.
 */
export async function* readFiles(files: readonly string[], cwd: string): AsyncGenerator<FileContent> {
  const pending: Promise<FileContent>[] = [];
  let next = 0;
  const start = () => {
    const file = files[next++];
    if (file !== undefined) pending.push(readOne(file, cwd));
  };
  while (next < files.length && pending.length < READ_AHEAD) start();
  while (pending.length > 0) {
    const content = await (pending.shift() as Promise<FileContent>);
    start();
    yield content;
  }
}

/** Callback `readFile`: much cheaper per small file than the FileHandle-based `fs/promises` one. */
function readOne(file: string, cwd: string): Promise<FileContent> {
  return new Promise((done) => {
    readFile(resolve(cwd, file), (error, buffer) => {
      done(
        error
          ? { file, ok: false, error: describe(error) }
          : { file, ok: true, text: buffer.toString('utf8') },
      );
    });
  });
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
