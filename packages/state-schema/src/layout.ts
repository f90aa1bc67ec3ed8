import { type Refusal, resolveStatePath, type StateRoot } from './safe-fs.js';

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

/**
 * The layout of a state directory: `legacy` when only `state/images` or `state/base-images`
 * exist, else `current`. `mixed` is true when both layouts have directories. A layout directory
 * that is a symbolic link leading outside the state directory counts as present, so that reading
 * it reports the problem instead of silently choosing the other layout.
 */
export function detectLayout(root: StateRoot): { layout: StateLayout; mixed: boolean } {
  const present = (rel: string) => {
    const resolved = resolveStatePath(root, rel);
    return resolved.ok ? resolved.stats.isDirectory() : isRefusedLink(resolved.refusal);
  };
  const hasCurrent = present(LAYOUT_DIRS.current.images) || present(LAYOUT_DIRS.current.baseImages);
  const hasLegacy = present(LAYOUT_DIRS.legacy.images) || present(LAYOUT_DIRS.legacy.baseImages);
  return { layout: hasLegacy && !hasCurrent ? 'legacy' : 'current', mixed: hasLegacy && hasCurrent };
}

function isRefusedLink(refusal: Refusal): boolean {
  return refusal.reason === 'outside' || refusal.reason === 'unreadable';
}
