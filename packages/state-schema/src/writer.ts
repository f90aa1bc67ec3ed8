import { randomUUID } from 'node:crypto';
import { lstat, mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { detectLayout, IMAGES_FILE, isExampleFile, LAYOUT_DIRS, type StateLayout } from './layout.js';
import type { DiscoveryStatus, ImageEntry, ImageSelectionStrategy } from './model.js';
import { sortRecord } from './model-helpers.js';
import {
  baseImageStateName,
  type ImageReference,
  referenceKey,
  tryParseImageReference,
  withDefaultTag,
} from './reference.js';
import {
  isInside,
  listStateDir,
  openStateRoot,
  type Refusal,
  readStateText,
  resolveStatePath,
  type StateRoot,
} from './safe-fs.js';
import { applyFieldUpdates, renderDocument, StateWriteError } from './yaml-edit.js';
import { parseYamlChecked } from './yaml-source.js';

/** Field order of `images/<name>.yaml` (as in examples/state/images/, schema/image-state.schema.json). */
export const MANAGED_STATE_FIELD_ORDER = [
  'name',
  'enrolledAt',
  'lastDiscovery',
  'discoveryStatus',
  'enrollment',
  'baseImages',
  'workflowInputs',
  'currentVersion',
  'currentDigest',
  'builtOn',
  'lastBuilt',
] as const;

/** Field order of `base-images/<name>.yaml` in the current format. */
export const BASE_STATE_FIELD_ORDER = [
  'name',
  'image',
  'allowTags',
  'imageSelectionStrategy',
  'firstDiscovered',
  'lastChecked',
  'currentDigest',
  'previousDigest',
  'lastUpdated',
  'updateHistory',
  'metadata',
] as const;

/** Fields of `images/<name>.yaml` to set; `undefined` leaves a field as it is. */
export interface ManagedImageStateUpdate {
  readonly enrolledAt?: string | undefined;
  readonly lastDiscovery?: string | undefined;
  readonly discoveryStatus?: DiscoveryStatus | undefined;
  /** Copy of the images.yaml entry (use `ManagedImage.entry`). */
  readonly enrollment?: ImageEntry | undefined;
  /** Base image names; written sorted and without duplicates. */
  readonly baseImages?: readonly string[] | undefined;
  /**
   * `workflow_dispatch` input names of the team workflow; written sorted and without duplicates.
   * `null` removes the field (the inputs are not known).
   */
  readonly workflowInputs?: readonly string[] | null | undefined;
  readonly currentVersion?: string | undefined;
  readonly currentDigest?: string | undefined;
  /**
   * Base digests the current version was built on, by base name; written with sorted keys. `null`
   * removes the field (the version was built unpinned).
   */
  readonly builtOn?: Readonly<Record<string, string>> | null | undefined;
  readonly lastBuilt?: string | undefined;
}

/** What a write did. */
export interface WriteResult {
  /** The file, relative to the state directory. */
  readonly file: string;
  /** False when the content was already up to date (nothing was written). */
  readonly changed: boolean;
}

/** A base-image state file found by reference. */
export interface BaseImageFileMatch {
  /** Base image name (the file name without `.yaml`). */
  readonly name: string;
  /** The file, relative to the state directory. */
  readonly file: string;
  /** `current` (has `image`) or `legacy` (the old tool's, has `fullImage`). */
  readonly format: 'current' | 'legacy';
}

/** Initial fields of a new base-image state file. */
export interface BaseImageInit {
  /** ISO timestamp of the discovery (the writer never reads the clock). */
  readonly firstDiscovered?: string | undefined;
  readonly allowTags?: string | undefined;
  readonly imageSelectionStrategy?: ImageSelectionStrategy | undefined;
}

/** Options of {@link writeFileAtomic}. */
export interface WriteFileOptions {
  /**
   * A directory the file must stay inside: neither `path` nor any existing directory on the way
   * to it may lead outside (through `..` or a symbolic link). Give it whenever the path comes from
   * a state repository; a path the user typed needs none.
   */
  readonly root?: string | undefined;
  /** Called with the content read back from the temporary file; throw to refuse the write. */
  readonly verify?: ((written: string) => void) | undefined;
}

/**
 * Writes `content` to `path` atomically (a temporary file in the same directory, read back, then
 * renamed into place), creating parent directories. Returns false, without touching the file, when
 * it already has exactly this content. A symbolic link at `path` itself is replaced, never written
 * through.
 * @throws StateWriteError when `path` leads outside `options.root`, or `verify` refuses.
 */
export async function writeFileAtomic(
  path: string,
  content: string,
  options: WriteFileOptions = {},
): Promise<boolean> {
  const target = resolve(path);
  const root = options.root === undefined ? undefined : resolve(options.root);
  if (root !== undefined) await checkInside(root, target);
  if (await hasContent(target, content)) return false;
  await mkdir(dirname(target), { recursive: true });
  // Again now that every directory exists: one created meanwhile could be a link leading out.
  if (root !== undefined) await checkInside(root, target);
  const temp = join(dirname(target), `.${randomUUID()}.tmp`);
  try {
    // `wx`: a new file, never something planted at the temporary name.
    await writeFile(temp, content, { encoding: 'utf8', flag: 'wx' });
    const written = await readFile(temp, 'utf8');
    if (written !== content)
      throw new StateWriteError(`${path}: the file read back differs from what was written`);
    options.verify?.(written);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return true;
}

/** Refuses `target` when it, or the nearest existing directory on its way, is outside `root`. */
async function checkInside(root: string, target: string): Promise<void> {
  const rel = relative(root, target);
  const shown = rel === '' || rel.startsWith('..') ? target : rel;
  const outside = () =>
    new StateWriteError(
      `${shown} leads outside the state directory ${root} (through a symbolic link or ..); nothing was written`,
    );
  if (!isInside(root, target) || target === root) throw outside();
  const realRoot = await realpath(root);
  // The nearest existing directory on the way decides where the file would land.
  let dir = dirname(target);
  for (;;) {
    const real = await realpath(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (real !== undefined) {
      if (!isInside(realRoot, real)) throw outside();
      return;
    }
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

/** True when `path` is a regular file holding exactly `content` (never reads anything else). */
async function hasContent(path: string, content: string): Promise<boolean> {
  const stats = await lstat(path).catch(() => undefined);
  if (!stats?.isFile() || stats.size !== Buffer.byteLength(content, 'utf8')) return false;
  return (await readFile(path, 'utf8').catch(() => undefined)) === content;
}

/** A `verify` for {@link writeFileAtomic}: the text must load as a YAML map without errors. */
export function verifyLoadsAsMap(file: string): (written: string) => void {
  return (written) => {
    const parsed = parseYamlChecked(file, written);
    const data = parsed.ok ? parsed.data : undefined;
    if (!parsed.ok || data === null || typeof data !== 'object' || Array.isArray(data)) {
      const why = parsed.ok ? 'it is not a YAML map' : (parsed.problems[0]?.message ?? 'it does not parse');
      throw new StateWriteError(`${file}: refusing to write a state file that would not load: ${why}`);
    }
  };
}

/** The error for a state file the writer will not read. */
function refusedError(file: string, refusal: Refusal): StateWriteError {
  const where = refusal.line === undefined ? '' : `:${refusal.line}:${refusal.col ?? 0}`;
  return new StateWriteError(`${file}${where}: ${file} ${refusal.why}`);
}

/** The text of state file `file`, undefined when it does not exist. */
function readExisting(root: StateRoot, file: string): string | undefined {
  const read = readStateText(root, file);
  if (read.ok) return read.text;
  if (read.refusal.reason === 'missing' && read.refusal.why === 'does not exist') return undefined;
  throw refusedError(file, read.refusal);
}

function stateRootOf(dir: string): StateRoot {
  const root = openStateRoot(dir);
  if (root === undefined)
    throw new StateWriteError(`state directory ${resolve(dir)} does not exist or is not a directory`);
  return root;
}

/**
 * The new text of `images/<name>.yaml` after `update`: `existingText` edited in place (other fields,
 * comments and formatting byte-identical), or a new document when there is none. Pure.
 * @throws StateWriteError when the existing text is not a YAML map.
 */
export function applyManagedImageStateUpdate(
  existingText: string | undefined,
  name: string,
  update: ManagedImageStateUpdate,
): string {
  const fields: Record<string, unknown> = {
    enrolledAt: update.enrolledAt,
    lastDiscovery: update.lastDiscovery,
    discoveryStatus: update.discoveryStatus,
    enrollment: update.enrollment === undefined ? undefined : plain(update.enrollment),
    baseImages: update.baseImages === undefined ? undefined : [...new Set(update.baseImages)].sort(),
    workflowInputs:
      update.workflowInputs === undefined || update.workflowInputs === null
        ? update.workflowInputs
        : [...new Set(update.workflowInputs)].sort(),
    currentVersion: update.currentVersion,
    currentDigest: update.currentDigest,
    builtOn:
      update.builtOn === undefined || update.builtOn === null ? update.builtOn : sortRecord(update.builtOn),
    lastBuilt: update.lastBuilt,
  };
  if (existingText === undefined || existingText.trim() === '') {
    // A new document has no field to remove.
    const present = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null));
    return renderDocument({ name, ...present }, MANAGED_STATE_FIELD_ORDER);
  }
  return applyFieldUpdates(existingText, { name, ...fields }, MANAGED_STATE_FIELD_ORDER);
}

/**
 * Updates (or creates) the state file of managed image `name` in the state directory `dir`:
 * `images/<name>.yaml`, or `state/images/<name>.yaml` when that exists or the repository uses the
 * legacy layout. Only the given fields change; the file is not rewritten when nothing changes.
 */
export async function updateManagedImageState(
  dir: string,
  name: string,
  update: ManagedImageStateUpdate,
): Promise<WriteResult> {
  const root = stateRootOf(dir);
  const file = managedStateFile(root, name);
  const existing = readExisting(root, file);
  let next: string;
  try {
    next = applyManagedImageStateUpdate(existing, name, update);
  } catch (error) {
    if (error instanceof StateWriteError)
      throw new StateWriteError(`${file}: ${error.message}`, { cause: error });
    throw error;
  }
  const changed = await writeFileAtomic(join(root.dir, file), next, {
    root: root.dir,
    verify: verifyLoadsAsMap(file),
  });
  return { file, changed };
}

function managedStateFile(root: StateRoot, name: string): string {
  const current = `${LAYOUT_DIRS.current.images}/${name}.yaml`;
  const legacy = `${LAYOUT_DIRS.legacy.images}/${name}.yaml`;
  if (exists(root, current)) return current;
  if (exists(root, legacy)) return legacy;
  return `${LAYOUT_DIRS[detectLayout(root).layout].images}/${name}.yaml`;
}

/** True when `rel` exists, or is a link the reader will refuse (so that the refusal is reported). */
function exists(root: StateRoot, rel: string): boolean {
  const resolved = resolveStatePath(root, rel);
  return resolved.ok || resolved.refusal.reason !== 'missing';
}

/**
 * Finds the base-image state file describing `ref` — by identity ({@link referenceKey}, an untagged
 * reference meaning `:latest`), whatever the file is called, in either format and layout.
 */
export async function findBaseImageFile(
  dir: string,
  ref: ImageReference,
): Promise<BaseImageFileMatch | undefined> {
  const root = stateRootOf(dir);
  const wanted = referenceKey(withDefaultTag(ref));
  for (const file of listBaseImageFiles(root)) {
    const text = readExisting(root, file);
    const described = text === undefined ? undefined : describedReference(file, text);
    if (described && referenceKey(withDefaultTag(described.reference)) === wanted) {
      return { name: file.slice(file.lastIndexOf('/') + 1, -'.yaml'.length), file, format: described.format };
    }
  }
  return undefined;
}

/**
 * Returns the base-image state file for `ref`, creating `base-images/<name>.yaml` (current format)
 * when no file describes it yet. New names follow {@link baseImageStateName} and never collide with
 * an existing base-image file or images.yaml entry.
 */
export async function ensureBaseImageFile(
  dir: string,
  ref: ImageReference,
  init: BaseImageInit = {},
): Promise<BaseImageFileMatch & { readonly created: boolean }> {
  const root = stateRootOf(dir);
  const existing = await findBaseImageFile(root.dir, ref);
  if (existing) return { ...existing, created: false };
  const taken = new Set<string>();
  for (const file of listBaseImageFiles(root))
    taken.add(file.slice(file.lastIndexOf('/') + 1, -'.yaml'.length));
  for (const name of enrolledNames(root)) taken.add(name);
  const name = baseImageStateName(ref, (candidate) => taken.has(candidate));
  const layout: StateLayout = detectLayout(root).layout;
  const file = `${LAYOUT_DIRS[layout].baseImages}/${name}.yaml`;
  await writeFileAtomic(join(root.dir, file), renderBaseImageState(ref, name, init), {
    root: root.dir,
    verify: verifyLoadsAsMap(file),
  });
  return { name, file, format: 'current', created: true };
}

/** The text of a new base-image state file (current format). Pure. */
export function renderBaseImageState(ref: ImageReference, name: string, init: BaseImageInit = {}): string {
  return renderDocument(
    {
      name,
      image: withDefaultTag(ref).normalized,
      allowTags: init.allowTags,
      imageSelectionStrategy: init.imageSelectionStrategy,
      firstDiscovered: init.firstDiscovered,
    },
    BASE_STATE_FIELD_ORDER,
  );
}

function listBaseImageFiles(root: StateRoot): string[] {
  const files: string[] = [];
  for (const dirRel of [LAYOUT_DIRS.current.baseImages, LAYOUT_DIRS.legacy.baseImages]) {
    const listed = listStateDir(root, dirRel);
    if (!listed.ok) {
      if (listed.refusal.reason === 'missing') continue;
      throw refusedError(dirRel, listed.refusal);
    }
    for (const { name, kind } of listed.entries) {
      if (kind === 'directory' && !name.endsWith('.yaml')) continue;
      if (name.endsWith('.yaml') && !isExampleFile(name)) files.push(`${dirRel}/${name}`);
    }
  }
  return files;
}

function describedReference(
  file: string,
  text: string,
): { reference: ImageReference; format: 'current' | 'legacy' } | undefined {
  const parsed = parseYamlChecked(file, text);
  if (!parsed.ok) return undefined;
  const data = parsed.data;
  if (data === null || typeof data !== 'object') return undefined;
  const record = data as Record<string, unknown>;
  const format = typeof record.image === 'string' ? 'current' : 'legacy';
  const written = format === 'current' ? record.image : record.fullImage;
  if (typeof written !== 'string') return undefined;
  const parsedReference = tryParseImageReference(written);
  return parsedReference.ok ? { reference: parsedReference.reference, format } : undefined;
}

function enrolledNames(root: StateRoot): string[] {
  const text = readExisting(root, IMAGES_FILE);
  if (text === undefined) return [];
  const parsed = parseYamlChecked(IMAGES_FILE, text);
  if (!parsed.ok || !Array.isArray(parsed.data)) return [];
  return parsed.data
    .map((entry: unknown) =>
      entry && typeof entry === 'object' ? (entry as { name?: unknown }).name : undefined,
    )
    .filter((name): name is string => typeof name === 'string');
}

function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
