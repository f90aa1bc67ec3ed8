import { RegistryError } from './errors.js';

/** A platform as written in an image index: `os/architecture[/variant]`. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string | undefined;
}

// Components as they appear in index entries: lowercase letters, digits, `.`, `_` and `-`
// (`linux`, `amd64`, `arm64`, `v8`, `ppc64le`, `windows`, …).
const COMPONENT = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * Parses `os/arch[/variant]`, e.g. `linux/amd64`, `linux/arm64/v8`, `linux/arm/v7`.
 *
 * Matching is exact, as Kargo's: a Warehouse's `platform` is split on `/` and compared with each
 * index entry's os, architecture and variant by string equality
 * (Kargo v1.11.2 pkg/image/platform_constraint.go, parsePlatformConstraint and matches), so
 * `linux/arm64` does not match an entry with variant `v8` and no aliases (`x86_64`, `aarch64`)
 * are applied. Answering with the same rule keeps this client's digest the one Kargo discovers.
 *
 * @throws RegistryError (`invalid-reference`) for anything else.
 */
export function parsePlatform(text: string): Platform {
  const parts = text.split('/');
  const [os = '', architecture = '', variant] = parts;
  const valid =
    parts.length >= 2 &&
    parts.length <= 3 &&
    parts.every((part) => COMPONENT.test(part) && part.length <= 64);
  if (!valid) {
    throw new RegistryError(
      'invalid-reference',
      `invalid platform "${text.slice(0, 100)}": write os/architecture[/variant] in lowercase, e.g. linux/amd64 or linux/arm64/v8`,
    );
  }
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

/** `os/architecture[/variant]`. */
export function formatPlatform({ os, architecture, variant }: Platform): string {
  return variant === undefined || variant === ''
    ? `${os}/${architecture}`
    : `${os}/${architecture}/${variant}`;
}

/** Exact match on os, architecture and variant (a missing variant equals an empty one), as Kargo. */
export function platformMatches(wanted: Platform, entry: Platform): boolean {
  return (
    wanted.os === entry.os &&
    wanted.architecture === entry.architecture &&
    (wanted.variant ?? '') === (entry.variant ?? '')
  );
}
