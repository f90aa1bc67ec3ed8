/**
 * Where the state repository is, as both apps (the `image-factory` CLI and `pnpm synth`) find it,
 * and how they show paths in messages. A module of its own (entry `@image-factory/state-schema/state-dir`)
 * so that a CLI can build its help text without loading the schemas. The apps pass the environment
 * and working directory in: a library reads no process state.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** The environment variable naming the state repository checkout. */
export const STATE_DIR_ENV = 'IMAGE_FACTORY_STATE_DIR';

/** The default state checkout: a sibling of the current directory. */
export const DEFAULT_STATE_DIR = '../image-factory-state';

/** The help text of a `--state-dir` option: where the state is when the option is not given. */
export const STATE_DIR_HELP = `the state repository checkout (default: $${STATE_DIR_ENV}, else ${DEFAULT_STATE_DIR})`;

/**
 * The state directory: `flag` (the app's `--state-dir`), else `$IMAGE_FACTORY_STATE_DIR` when set and
 * not empty, else `../image-factory-state`, resolved against `cwd`.
 */
export function resolveStateDir(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): string {
  const fromEnv = env[STATE_DIR_ENV];
  const chosen = flag ?? (fromEnv === undefined || fromEnv === '' ? DEFAULT_STATE_DIR : fromEnv);
  return resolve(cwd, chosen);
}

/**
 * How a path is shown in a message: relative to `cwd` when it lies inside it (so that
 * `path:line:col` is clickable in terminals and editors), `.` for `cwd` itself, absolute otherwise.
 */
export function displayPath(file: string, cwd: string): string {
  const absolute = resolve(cwd, file);
  const rel = relative(cwd, absolute);
  if (rel === '') return '.';
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? absolute : rel;
}
