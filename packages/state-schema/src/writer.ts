import { randomUUID } from 'node:crypto';
import { access, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { detectLayout, IMAGES_FILE, isExampleFile, LAYOUT_DIRS, type StateLayout } from './layout.js';
import type { DiscoveryStatus, ImageEntry, ImageSelectionStrategy } from './model.js';
import {
  baseImageStateName,
  type ImageReference,
  referenceKey,
  tryParseImageReference,
  withDefaultTag,
} from './reference.js';
import { applyFieldUpdates, renderDocument, StateWriteError } from './yaml-edit.js';

/** Field order of `images/<name>.yaml` (product.md §2.2). */
export const MANAGED_STATE_FIELD_ORDER = [
  'name',
  'enrolledAt',
  'lastDiscovery',
  'discoveryStatus',
  'enrollment',
  'baseImages',
  'currentVersion',
  'currentDigest',
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
  readonly currentVersion?: string | undefined;
  readonly currentDigest?: string | undefined;
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

/**
 * Writes `content` to `path` atomically (a temporary file in the same directory, then rename),
 * creating parent directories. Returns false, without touching the file, when it already has exactly
 * this content.
 */
export async function writeFileAtomic(path: string, content: string): Promise<boolean> {
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing === content) return false;
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${randomUUID()}.tmp`);
  try {
    await writeFile(temp, content, 'utf8');
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return true;
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
    currentVersion: update.currentVersion,
    currentDigest: update.currentDigest,
    lastBuilt: update.lastBuilt,
  };
  if (existingText === undefined || existingText.trim() === '') {
    return renderDocument({ name, ...fields }, MANAGED_STATE_FIELD_ORDER);
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
  const root = resolve(dir);
  const file = await managedStateFile(root, name);
  const path = join(root, file);
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  let next: string;
  try {
    next = applyManagedImageStateUpdate(existing, name, update);
  } catch (error) {
    if (error instanceof StateWriteError)
      throw new StateWriteError(`${file}: ${error.message}`, { cause: error });
    throw error;
  }
  return { file, changed: await writeFileAtomic(path, next) };
}

async function managedStateFile(root: string, name: string): Promise<string> {
  const current = `${LAYOUT_DIRS.current.images}/${name}.yaml`;
  const legacy = `${LAYOUT_DIRS.legacy.images}/${name}.yaml`;
  if (await fileExists(join(root, current))) return current;
  if (await fileExists(join(root, legacy))) return legacy;
  return `${LAYOUT_DIRS[detectLayout(root).layout].images}/${name}.yaml`;
}

/**
 * Finds the base-image state file describing `ref` — by identity ({@link referenceKey}, an untagged
 * reference meaning `:latest`), whatever the file is called, in either format and layout.
 */
export async function findBaseImageFile(
  dir: string,
  ref: ImageReference,
): Promise<BaseImageFileMatch | undefined> {
  const wanted = referenceKey(withDefaultTag(ref));
  for (const file of await listBaseImageFiles(resolve(dir))) {
    const text = await readFile(join(resolve(dir), file), 'utf8');
    const described = describedReference(text);
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
  const root = resolve(dir);
  const existing = await findBaseImageFile(root, ref);
  if (existing) return { ...existing, created: false };
  const taken = new Set<string>();
  for (const file of await listBaseImageFiles(root))
    taken.add(file.slice(file.lastIndexOf('/') + 1, -'.yaml'.length));
  for (const name of await enrolledNames(root)) taken.add(name);
  const name = baseImageStateName(ref, (candidate) => taken.has(candidate));
  const layout: StateLayout = detectLayout(root).layout;
  const file = `${LAYOUT_DIRS[layout].baseImages}/${name}.yaml`;
  await writeFileAtomic(join(root, file), renderBaseImageState(ref, name, init));
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

async function listBaseImageFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  for (const dirRel of [LAYOUT_DIRS.current.baseImages, LAYOUT_DIRS.legacy.baseImages]) {
    const names = await readdir(join(root, dirRel)).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (name.endsWith('.yaml') && !isExampleFile(name)) files.push(`${dirRel}/${name}`);
    }
  }
  return files;
}

function describedReference(
  text: string,
): { reference: ImageReference; format: 'current' | 'legacy' } | undefined {
  let data: unknown;
  try {
    data = parse(text);
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== 'object') return undefined;
  const record = data as Record<string, unknown>;
  const format = typeof record.image === 'string' ? 'current' : 'legacy';
  const written = format === 'current' ? record.image : record.fullImage;
  if (typeof written !== 'string') return undefined;
  const parsed = tryParseImageReference(written);
  return parsed.ok ? { reference: parsed.reference, format } : undefined;
}

async function enrolledNames(root: string): Promise<string[]> {
  const text = await readFile(join(root, IMAGES_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return [];
  try {
    const data: unknown = parse(text);
    if (!Array.isArray(data)) return [];
    return data
      .map((entry: unknown) =>
        entry && typeof entry === 'object' ? (entry as { name?: unknown }).name : undefined,
      )
      .filter((name): name is string => typeof name === 'string');
  } catch {
    return [];
  }
}

async function fileExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
