import { randomUUID } from 'node:crypto';
import { link, lstat, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CliError } from '../errors.js';

/**
 * Writes `files` under `dir` (created when missing), never replacing anything: when one of them
 * exists, nothing is written. Each file is written to a temporary file, then hard-linked to its
 * name, which fails if the name appeared meanwhile, so a file is either complete or absent.
 * Returns the paths written.
 */
export async function writeNewFiles(dir: string, files: ReadonlyMap<string, string>): Promise<string[]> {
  const existing: string[] = [];
  for (const path of files.keys()) {
    if (await exists(join(dir, path))) existing.push(path);
  }
  if (existing.length > 0) {
    throw new CliError(
      `${dir} already holds ${existing.join(', ')}: nothing was written`,
      1,
      'init creates a new state repository and never overwrites a file: run it in an empty directory, or move those files away',
    );
  }
  const written: string[] = [];
  for (const [path, content] of files) {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    const temp = join(dirname(target), `.${randomUUID()}.tmp`);
    try {
      await writeFile(temp, content, { encoding: 'utf8', flag: 'wx' });
      await link(temp, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new CliError(`${path} appeared while init was writing: left alone`, 1);
      }
      throw error;
    } finally {
      await rm(temp, { force: true });
    }
    written.push(path);
  }
  return written;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
