import type { BaseImage, ManagedImage } from '@image-factory/state-schema';
import type { ImageSubscriptionProps } from '../subscription.js';

/** An image subscription derived from the state, or why it cannot be derived. */
export type ImageSelection =
  | { readonly ok: true; readonly subscription: ImageSubscriptionProps }
  | { readonly ok: false; readonly field: string; readonly message: string; readonly hint?: string };

const LITERAL_TAG_REGEX = /^\^((?:[A-Za-z0-9_-]|\\\.)+)\$$/;

/**
 * The tag an anchored, literal `allowTags` regex selects (`^3\.12-slim$` → `3.12-slim`), or
 * `undefined` when the regex can match more than one tag.
 */
export function literalTagOf(allowTags: string | undefined): string | undefined {
  if (allowTags === undefined) return undefined;
  const match = LITERAL_TAG_REGEX.exec(allowTags);
  return match ? (match[1] as string).replace(/\\\./g, '.') : undefined;
}

/**
 * How the Warehouse watching a base (or external) image selects new images:
 *
 * - `Digest` (written, or defaulted because the reference has a tag): follow the digest of the tag
 *   (`constraint: <tag>`), so a new image pushed under the same tag makes new Freight. The tag is
 *   the reference's, else the one a literal `allowTags` names, else `latest`.
 * - An `allowTags` regex that names exactly one tag (`^3\.12-slim$`, as the old tool wrote them)
 *   means "this tag", whatever the strategy (with one candidate tag every strategy picks it, and
 *   `SemVer` would even drop it as not strict): `Digest` on that tag as well.
 * - Otherwise the strategy as written, with `allowTags` as `allowTagsRegexes` (Kargo v1.11 rejects
 *   `allowTags`); with `SemVer` and a tag filter, `strictSemvers: false`, so filtered tags such as
 *   `3.12-slim` (no patch number) still count as versions.
 */
export function baseImageSelection(base: BaseImage, discoveryLimit: number): ImageSelection {
  const literal = literalTagOf(base.allowTags);
  const strategy = literal !== undefined ? 'Digest' : base.imageSelectionStrategy;
  const allowTagsRegexes = base.allowTags !== undefined ? [base.allowTags] : undefined;
  if (strategy === 'Digest') {
    const tag = base.tag ?? literal ?? 'latest';
    if (base.allowTags !== undefined && !new RegExp(base.allowTags).test(tag)) {
      return {
        ok: false,
        field: 'allowTags',
        message: `base image "${base.name}": allowTags ${JSON.stringify(base.allowTags)} does not match the tag "${tag}" that the Digest strategy follows, so the Warehouse would never find an image`,
        hint: `make allowTags match "${tag}", remove it, or choose another imageSelectionStrategy`,
      };
    }
    return {
      ok: true,
      subscription: {
        repoURL: base.repoURL,
        imageSelectionStrategy: 'Digest',
        constraint: tag,
        ...(allowTagsRegexes !== undefined ? { allowTagsRegexes } : {}),
        discoveryLimit,
      },
    };
  }
  return {
    ok: true,
    subscription: {
      repoURL: base.repoURL,
      imageSelectionStrategy: strategy,
      ...(allowTagsRegexes !== undefined ? { allowTagsRegexes } : {}),
      ...(strategy === 'SemVer' && allowTagsRegexes !== undefined ? { strictSemvers: false } : {}),
      discoveryLimit,
    },
  };
}

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** Whether a managed image is versioned: it has a `local.versionFile`, or its state records a semver. */
export function isVersioned(image: ManagedImage): boolean {
  return image.local?.versionFile !== undefined || SEMVER.test(image.state?.currentVersion ?? '');
}

/**
 * How the Warehouse watching a managed image's built image selects new images:
 *
 * - a versioned image (a `local.versionFile`, or a semver `currentVersion` in its state) uses
 *   `SemVer` with `constraint: >=<major>.0.0` (the major of `currentVersion`, else 0): new releases
 *   of the current and later majors, never pre-releases (a `suffix` build such as `2.5.0-rc1` is
 *   not rolled out to consumers); the constraint only changes when the major changes, so the
 *   manifest does not churn with every build;
 * - any other image uses `NewestBuild`: whatever tagging scheme its build uses, the most recently
 *   pushed image wins.
 */
export function managedImageSelection(image: ManagedImage, discoveryLimit: number): ImageSubscriptionProps {
  if (!isVersioned(image)) {
    return { repoURL: image.reference.name, imageSelectionStrategy: 'NewestBuild', discoveryLimit };
  }
  const major = SEMVER.exec(image.state?.currentVersion ?? '')?.[1] ?? '0';
  return {
    repoURL: image.reference.name,
    imageSelectionStrategy: 'SemVer',
    constraint: `>=${major}.0.0`,
    discoveryLimit,
  };
}
