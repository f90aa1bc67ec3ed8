import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { MAX_DOCKERFILE_BYTES, readFile } from '../base-images/read-files.js';
import { CliError } from '../errors.js';

/**
 * Checks that `path` is a relative, `/`-separated path that stays inside its root: not absolute,
 * no `..` segment, no backslash, not empty. Returns the path without `./` segments.
 */
export function checkRelativePath(path: string, what: string): string {
  const fail = (why: string): never => {
    throw new CliError(
      `${what} "${path}" ${why}`,
      1,
      'give a path relative to the repository root, e.g. app/Dockerfile',
    );
  };
  if (path.trim() === '') fail('is empty');
  if (path.includes('\0')) fail('contains a NUL character');
  if (path.includes('\\')) fail('contains a backslash');
  if (isAbsolute(path) || path.startsWith('/') || /^[A-Za-z]:/.test(path)) fail('is absolute');
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) fail('contains ".." (it must stay inside the repository)');
  if (segments.length === 0) fail('names the repository root, not a file');
  return segments.join('/');
}

/**
 * Reads `relPath` inside `root`, refusing anything that resolves outside it (a symlink that
 * escapes, `..`, an absolute path), anything that is not a regular file, and files larger than
 * {@link MAX_DOCKERFILE_BYTES} (a Dockerfile of a hostile repository may be huge).
 */
export async function readFileInside(root: string, relPath: string, what: string): Promise<string> {
  const clean = checkRelativePath(relPath, what);
  const full = join(root, ...clean.split('/'));
  let real: string;
  try {
    real = await realpath(full);
  } catch {
    const exists = await lstat(full).then(
      () => true,
      () => false,
    );
    throw new CliError(
      exists
        ? `${what} "${clean}" is a symbolic link to a missing file`
        : `${what} "${clean}" does not exist`,
    );
  }
  const realRoot = await realpath(root);
  const rel = relative(realRoot, real);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new CliError(`${what} "${clean}" resolves outside the repository (symbolic link to ${real})`);
  }
  const stats = await lstat(real);
  if (!stats.isFile()) throw new CliError(`${what} "${clean}" is not a file`);
  const read = readFile(real, realRoot);
  if (!read.ok) throw new CliError(`${what} "${clean}" ${read.error}`);
  return read.text;
}
