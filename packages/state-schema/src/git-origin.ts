/**
 * The `origin` remote of a state directory that is a git clone, read from its git config file.
 *
 * The old tool had no settings file: the state repository was simply the clone it ran in. When
 * `image-factory.yaml` does not set `stateRepo.url`, the loader takes the URL of that clone's
 * `origin` from here.
 *
 * Why the config file is parsed instead of running `git config --get remote.origin.url`: the
 * loader is a library, used by the synth app in CI images that may have no git, and must not start
 * processes; the file format is small and documented (git-config(1), "CONFIGURATION FILE"). What
 * is read is bounded: only `<dir>/.git` (never a parent directory's repository, so that a state
 * directory inside another checkout, like the examples of this repository, does not pick up that
 * checkout's origin), no symbolic links, regular files of at most {@link GIT_CONFIG_MAX_BYTES}.
 * `.git` may be a file pointing at the real git directory (`git worktree add`, submodules): that
 * indirection is git's own metadata, written by git on this machine (a repository can never check
 * out a `.git` entry), so it is followed. `include` directives and `url.<base>.insteadOf` rewrites
 * are not applied: the URL is used as written in the repository's own config.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';

/** Largest git config (or `.git` / `commondir` pointer file) read. */
export const GIT_CONFIG_MAX_BYTES = 1024 * 1024;

/** The `origin` remote of a state directory. */
export interface GitOrigin {
  /** The URL, without any user name or password an `https://user:token@host/...` URL carried. */
  readonly url: string;
  /** The config file it was read from: relative to the state directory when inside it (`.git/config`). */
  readonly file: string;
  /** True when credentials were removed from the URL as written. */
  readonly credentialsRemoved: boolean;
}

/**
 * The `remote.origin.url` of the git repository whose work tree is `dir` (the first value when
 * there are several), or undefined when `dir` is not the root of a clone or has no origin.
 * Never throws.
 */
export function readGitOrigin(dir: string): GitOrigin | undefined {
  const root = resolve(dir);
  const configPath = gitConfigPath(root);
  if (configPath === undefined) return undefined;
  const text = readSmallRegularFile(configPath);
  if (text === undefined) return undefined;
  const written = parseGitConfig(text).get('remote.origin.url')?.[0];
  if (written === undefined || written.trim() === '') return undefined;
  const { url, removed } = withoutCredentials(written.trim());
  const rel = relative(root, configPath);
  return {
    url,
    file: rel.startsWith('..') || isAbsolute(rel) ? configPath : rel.split('\\').join('/'),
    credentialsRemoved: removed,
  };
}

/** `<dir>/.git/config`, or the config of the git directory a `.git` file points to. */
function gitConfigPath(root: string): string | undefined {
  const dotGit = join(root, '.git');
  const stat = lstatOrUndefined(dotGit);
  if (stat?.isDirectory()) return join(dotGit, 'config');
  if (!stat?.isFile()) return undefined; // missing, or a symbolic link: not followed
  const pointer = readSmallRegularFile(dotGit);
  const target = /^gitdir: *(.+?)\s*$/m.exec(pointer ?? '')?.[1];
  if (target === undefined) return undefined;
  const gitDir = resolve(root, target);
  if (!lstatOrUndefined(gitDir)?.isDirectory()) return undefined;
  // A worktree's git directory keeps its config in the common directory it names.
  const common = readSmallRegularFile(join(gitDir, 'commondir'))?.trim();
  return join(common ? resolve(gitDir, common) : gitDir, 'config');
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** The text of a regular file (not a symbolic link) of at most {@link GIT_CONFIG_MAX_BYTES}, else undefined. */
function readSmallRegularFile(path: string): string | undefined {
  const stat = lstatOrUndefined(path);
  if (!stat?.isFile() || stat.size > GIT_CONFIG_MAX_BYTES) return undefined;
  try {
    const bytes = readFileSync(path);
    return bytes.length > GIT_CONFIG_MAX_BYTES ? undefined : bytes.toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * Parses git config text into `section.subsection.key` → values (in file order). Section and key
 * names are lower-cased, subsections kept as written (git-config(1)): `[remote "origin"]` +
 * `url = x` gives `remote.origin.url`. Handles comments (`#`, `;`), double quotes, the escapes
 * `\\ \" \n \t \b`, and lines continued with a trailing backslash.
 */
export function parseGitConfig(text: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  let section: string | undefined;
  // One iterator: a continued value takes the lines after it from the same iterator.
  const lines = text.replace(/\r\n/g, '\n').split('\n').values();
  for (const written of lines) {
    let line = written;
    const header = /^\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line);
    if (header) {
      const name = (header[1] ?? '').toLowerCase();
      const sub = header[2]?.replace(/\\(.)/g, '$1');
      // `[section.sub]` is the deprecated spelling of `[section "sub"]` (subsection lower-cased).
      section = sub === undefined ? name : `${name}.${sub}`;
      line = line.slice(header[0].length);
      if (/^\s*([#;].*)?$/.test(line)) continue;
    }
    const variable = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*(=?)(.*)$/.exec(line);
    if (!variable || section === undefined) continue;
    let raw = variable[3] ?? '';
    // A value continues on the next line when the line ends in an unescaped, unquoted backslash.
    while (endsWithContinuation(raw)) {
      const next = lines.next();
      if (next.done) break;
      raw = raw.slice(0, -1) + next.value;
    }
    const value = variable[2] === '=' ? parseValue(raw) : 'true';
    const key = `${section}.${(variable[1] ?? '').toLowerCase()}`;
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  return values;
}

function endsWithContinuation(raw: string): boolean {
  const backslashes = raw.length - raw.replace(/\\+$/, '').length;
  return backslashes % 2 === 1;
}

function parseValue(raw: string): string {
  let out = '';
  let quoted = false;
  // Whitespace outside quotes is kept only between other characters (trimmed at both ends).
  let pendingSpace = '';
  // One iterator: an escape takes the character after the backslash from it.
  const chars = raw[Symbol.iterator]();
  for (const ch of chars) {
    if (!quoted && (ch === '#' || ch === ';')) break;
    if (ch === '"') {
      quoted = !quoted;
      out += pendingSpace;
      pendingSpace = '';
      continue;
    }
    if (ch === '\\') {
      const next = chars.next();
      if (!next.done) {
        out += pendingSpace + ({ n: '\n', t: '\t', b: '\b' }[next.value] ?? next.value);
        pendingSpace = '';
        continue;
      }
    }
    if (!quoted && (ch === ' ' || ch === '\t')) {
      if (out !== '') pendingSpace += ch;
      continue;
    }
    out += pendingSpace + ch;
    pendingSpace = '';
  }
  return out;
}

/** The URL without user name and password (only URLs with a scheme carry them; `git@host:path` names an SSH user). */
function withoutCredentials(url: string): { url: string; removed: boolean } {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url)) return { url, removed: false };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, removed: false };
  }
  if (parsed.username === '' && parsed.password === '') return { url, removed: false };
  // ssh://git@host/path names the SSH user, not a secret: keep a user name without a password there.
  if (parsed.protocol === 'ssh:' && parsed.password === '') return { url, removed: false };
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), removed: true };
}
