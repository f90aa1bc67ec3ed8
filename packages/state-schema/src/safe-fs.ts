import {
  closeSync,
  constants,
  type Dirent,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * Reading a state repository that may be hostile. A state repository is edited by many teams
 * through pull requests, so any file in it may be a symbolic link to `/dev/zero` or
 * `/proc/self/environ`, a FIFO, or simply huge. Every read of the state goes through here:
 *
 * - paths are relative to the state directory and resolved with `realpath`; a symbolic link is
 *   followed only while it stays inside the state directory (a link between two state files is
 *   harmless and git keeps it), anything leading outside is refused without being opened;
 * - only regular files are read: the descriptor is opened with `O_NOFOLLOW | O_NONBLOCK` (a FIFO
 *   cannot block the open) and `fstat`-ed, and it must be the very file that was checked (same
 *   device and inode), so a swap between the check and the open is noticed;
 * - at most {@link MAX_STATE_FILE_BYTES} are read, whatever the file claims its size is;
 * - the bytes must be UTF-8 (YAML is Unicode text): the first invalid byte is reported with its
 *   line and column, and nothing is ever decoded with replacement characters.
 *
 * Refusals never include the content of the refused file.
 */

/**
 * The largest state file read, in bytes (4 MiB). `images.yaml` is the largest state file: about
 * 320 bytes per image, so 5,000 images take 1.6 MB; state files of single images are a few KiB.
 * What a file may cost to parse is bounded further by its number of YAML nodes (MAX_YAML_NODES).
 */
export const MAX_STATE_FILE_BYTES = 4 * 1024 * 1024;

/** A state directory, with its real path (what every path read must stay inside). */
export interface StateRoot {
  /** The directory as given (absolute). */
  readonly dir: string;
  /** `realpath` of {@link dir}. */
  readonly real: string;
}

/** Why a path of the state was not read. */
export type RefusalReason = 'missing' | 'outside' | 'not-a-file' | 'too-large' | 'not-utf8' | 'unreadable';

/** A path of the state that was not read, with a message fragment that follows the path. */
export interface Refusal {
  readonly reason: RefusalReason;
  /** What is wrong, to be written after the path: `is a FIFO, not a regular file`. */
  readonly why: string;
  /** Where in the file (1-based), for `not-utf8`. */
  readonly line?: number | undefined;
  readonly col?: number | undefined;
  /** How to fix it, when there is something useful to say. */
  readonly hint?: string | undefined;
}

/** A result, or the reason there is none. */
export type SafeResult<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly refusal: Refusal };

/** The state directory `dir`, or undefined when it does not exist or is not a directory. */
export function openStateRoot(dir: string): StateRoot | undefined {
  const absolute = resolve(dir);
  try {
    const real = realpathSync(absolute);
    return statSync(real).isDirectory() ? { dir: absolute, real } : undefined;
  } catch {
    return undefined;
  }
}

/** True when the real path `real` is `root.real` or below it. */
export function isInside(rootReal: string, real: string): boolean {
  const rel = relative(rootReal, real);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

const refuse = (reason: RefusalReason, why: string, hint?: string): { ok: false; refusal: Refusal } => ({
  ok: false,
  refusal: { reason, why, ...(hint === undefined ? {} : { hint }) },
});

const OUTSIDE_HINT =
  'state files must be inside the state repository: replace the symbolic link by the file itself';

/**
 * Resolves `rel` (relative to the state directory, `/`-separated) to its real path, following
 * symbolic links only while they stay inside the state directory. Does not open anything.
 */
export function resolveStatePath(root: StateRoot, rel: string): SafeResult<{ real: string; stats: Stats }> {
  const segments = rel.split('/');
  if (rel === '' || rel.includes('\0') || isAbsolute(rel) || segments.includes('..')) {
    return refuse('outside', 'leads outside the state directory');
  }
  const path = join(root.dir, ...segments);
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      const dangling = lstatOrUndefined(path)?.isSymbolicLink() === true;
      return refuse('missing', dangling ? 'is a symbolic link to a missing file' : 'does not exist');
    }
    if (code === 'ELOOP') return refuse('unreadable', 'is a loop of symbolic links');
    return refuse('unreadable', `cannot be read (${String(code)})`);
  }
  if (!isInside(root.real, real)) {
    return refuse('outside', 'is a symbolic link leading outside the state directory', OUTSIDE_HINT);
  }
  try {
    return { ok: true, real, stats: statSync(real) };
  } catch (error) {
    return refuse('unreadable', `cannot be read (${String((error as NodeJS.ErrnoException).code)})`);
  }
}

/** What kind of thing `stats` describes, for messages. */
export function describeKind(stats: Stats | Dirent): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'a regular file';
}

/**
 * Checks that `rel` is a regular file inside the state directory (following symbolic links that
 * stay inside), without reading it. Returns the refusal, or undefined when it is one.
 */
export function checkStateFile(root: StateRoot, rel: string): Refusal | undefined {
  const resolved = resolveStatePath(root, rel);
  if (!resolved.ok) return resolved.refusal;
  if (!resolved.stats.isFile()) return notAFile(resolved.stats).refusal;
  return undefined;
}

/** {@link checkStateFile} for the state directory `dir`. */
export function checkFileInState(dir: string, rel: string): Refusal | undefined {
  const root = openStateRoot(dir);
  if (root === undefined) return { reason: 'missing', why: 'does not exist' };
  return checkStateFile(root, rel);
}

function notAFile(stats: Stats): { ok: false; refusal: Refusal } {
  return refuse('not-a-file', `is ${describeKind(stats)}, not a regular file`);
}

/** The kind of a directory entry, without following symbolic links. */
export type EntryKind = 'file' | 'symlink' | 'directory' | 'other';

/** A directory entry of the state. */
export interface StateDirEntry {
  readonly name: string;
  readonly kind: EntryKind;
}

/** Lists the directory `rel` of the state (sorted by name). `missing` when it does not exist. */
export function listStateDir(root: StateRoot, rel: string): SafeResult<{ entries: StateDirEntry[] }> {
  const resolved = resolveStatePath(root, rel);
  if (!resolved.ok) return resolved;
  if (!resolved.stats.isDirectory()) {
    return refuse('not-a-file', `is ${describeKind(resolved.stats)}, not a directory`);
  }
  let dirents: Dirent[];
  try {
    dirents = readdirSync(resolved.real, { withFileTypes: true });
  } catch (error) {
    return refuse('unreadable', `cannot be read (${String((error as NodeJS.ErrnoException).code)})`);
  }
  const entries = dirents
    .map(
      (entry): StateDirEntry => ({
        name: entry.name,
        kind: entry.isFile()
          ? 'file'
          : entry.isSymbolicLink()
            ? 'symlink'
            : entry.isDirectory()
              ? 'directory'
              : 'other',
      }),
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ok: true, entries };
}

/** Formats a byte count for messages: `1 MiB`, `512 KiB`, `100 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * Reads the regular file `rel` of the state as UTF-8 text: at most `maxBytes`, never through a
 * symbolic link leading outside the state directory, never from a FIFO or device. A byte order
 * mark is kept in the text (writers give back the bytes they were given).
 */
export function readStateText(
  root: StateRoot,
  rel: string,
  maxBytes: number = MAX_STATE_FILE_BYTES,
): SafeResult<{ text: string }> {
  const bytes = readStateBytes(root, rel, maxBytes);
  if (!bytes.ok) return bytes;
  return decodeUtf8(bytes.bytes);
}

/** {@link readStateText} without decoding. */
export function readStateBytes(
  root: StateRoot,
  rel: string,
  maxBytes: number = MAX_STATE_FILE_BYTES,
): SafeResult<{ bytes: Buffer }> {
  const resolved = resolveStatePath(root, rel);
  if (!resolved.ok) return resolved;
  const { real, stats } = resolved;
  if (!stats.isFile()) return notAFile(stats);
  return readRegularFile(real, stats, maxBytes, 'state file');
}

/**
 * Reads the regular file at `path` (which must not be a symbolic link) if it is still the file
 * `expected` describes: at most `maxBytes`. `what` names the limit in messages (`state file`).
 */
export function readRegularFile(
  path: string,
  expected: Stats | undefined,
  maxBytes: number,
  what: string,
): SafeResult<{ bytes: Buffer }> {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer for ever.
    fd = openSync(
      path,
      constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY,
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return refuse('missing', 'does not exist');
    if (code === 'ELOOP') return refuse('not-a-file', 'is a symbolic link, not a regular file');
    return refuse('unreadable', `cannot be read (${String(code)})`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return notAFile(stats);
    if (expected !== undefined && (stats.dev !== expected.dev || stats.ino !== expected.ino)) {
      return refuse('unreadable', 'changed while it was being read');
    }
    const tooLarge = () =>
      refuse(
        'too-large',
        `is larger than the ${formatBytes(maxBytes)} limit for a ${what}`,
        'state files are small YAML documents: is this the right file?',
      );
    if (stats.size > maxBytes) return tooLarge();
    // Read to the end but never past one byte over the limit, whatever the size said (a file may
    // grow while it is read).
    let buffer = Buffer.allocUnsafe(Math.min(stats.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) return tooLarge();
        const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > maxBytes) return tooLarge();
    return { ok: true, bytes: buffer.subarray(0, length) };
  } catch (error) {
    return refuse('unreadable', `cannot be read (${String((error as NodeJS.ErrnoException).code)})`);
  } finally {
    closeSync(fd);
  }
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes UTF-8 strictly. YAML is Unicode text; a file that is not valid UTF-8 is refused with
 * the position of its first invalid byte rather than decoded with U+FFFD replacement characters,
 * which a writer would then save, silently changing bytes the user never touched.
 */
export function decodeUtf8(bytes: Uint8Array): SafeResult<{ text: string }> {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return {
      ok: false,
      refusal: {
        reason: 'not-utf8',
        why: 'is UTF-16 encoded: state files are UTF-8',
        line: 1,
        col: 1,
        hint: 'save the file as UTF-8',
      },
    };
  }
  try {
    return { ok: true, text: STRICT_UTF8.decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = STRICT_UTF8.decode(bytes.subarray(0, offset));
    const lineStart = before.lastIndexOf('\n') + 1;
    const line = before.split('\n').length;
    const byte = (bytes[offset] ?? 0).toString(16).padStart(2, '0');
    return {
      ok: false,
      refusal: {
        reason: 'not-utf8',
        why: `is not valid UTF-8 (byte 0x${byte})`,
        line,
        col: before.length - lineStart + 1,
        hint: 'save the file as UTF-8 (state files are never rewritten with replacement characters)',
      },
    };
  }
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    const continuation = bytes.subarray(i + 1, i + length);
    if (continuation.length < length - 1) return i; // cut short by the end of the file
    for (const [k, c] of continuation.entries()) {
      if (k === 0 ? c < low || c > high : c < 0x80 || c > 0xbf) return i;
    }
    i += length;
  }
  return bytes.length;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
