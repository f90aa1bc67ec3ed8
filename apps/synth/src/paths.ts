import { isAbsolute, relative } from 'node:path';

/**
 * How a path is shown in messages: relative to `cwd` when it is inside it, so that terminals and
 * editors open `path:line:col` on a click; absolute otherwise (`../../x` says less than `/x`).
 *
 * Local stand-in with the signature of the `displayPath(file, cwd)` shared by both apps from
 * `@image-factory/state-schema`; to be replaced by that one.
 */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
