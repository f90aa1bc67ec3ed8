import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The enrollment registry, at the root of the state repository. */
export const IMAGES_FILE = 'images.yaml';
/** Optional factory settings, at the root of the state repository. */
export const SETTINGS_FILE = 'image-factory.yaml';

/** Where state files live in each layout (relative to the state directory, `/`-separated). */
export const LAYOUT_DIRS = {
  current: { images: 'images', baseImages: 'base-images' },
  legacy: { images: 'state/images', baseImages: 'state/base-images' },
} as const;

/** A state repository layout: `current` (images/, base-images/) or `legacy` (state/images, state/base-images). */
export type StateLayout = keyof typeof LAYOUT_DIRS;

/** True for `*.example.yaml` files, which are never read. */
export function isExampleFile(fileName: string): boolean {
  return fileName.endsWith('.example.yaml');
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The layout of a state directory: `legacy` when only `state/images` or `state/base-images`
 * exist, else `current`. `mixed` is true when both layouts have directories.
 */
export function detectLayout(dir: string): { layout: StateLayout; mixed: boolean } {
  const hasCurrent =
    isDirectory(join(dir, LAYOUT_DIRS.current.images)) ||
    isDirectory(join(dir, LAYOUT_DIRS.current.baseImages));
  const hasLegacy =
    isDirectory(join(dir, LAYOUT_DIRS.legacy.images)) ||
    isDirectory(join(dir, LAYOUT_DIRS.legacy.baseImages));
  return { layout: hasLegacy && !hasCurrent ? 'legacy' : 'current', mixed: hasLegacy && hasCurrent };
}

/** True when `path` exists (file or directory). */
export function exists(path: string): boolean {
  return existsSync(path);
}
