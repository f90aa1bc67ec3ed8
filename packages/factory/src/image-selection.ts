import type { ImageSubscriptionProps } from '@image-factory/kargo-constructs';
import { type BaseImage, GENERATED_TAG_PATTERN, type ManagedImage } from '@image-factory/state-schema';

/** An image subscription derived from the state, or why it cannot be derived. */
export type ImageSelection =
  | { readonly ok: true; readonly subscription: ImageSubscriptionProps }
  | { readonly ok: false; readonly field: string; readonly message: string; readonly hint?: string };

const LITERAL_TAG_REGEX = /^\^((?:[A-Za-z0-9_-]|\\\.)+)\$$/;

/**
 * Tags a `NewestBuild` subscription of a team's image ignores: names that are moved from build to build
 * (`latest`, branch names, `nightly` …), build-cache tags, and the `sha256-<digest>.sig|.att|.sbom` tags
 * of signatures and attestations (not images). With `cacheByTag`, Kargo reads each other tag's metadata
 * once and caches it (pkg/image/repository_client.go getImageByTag): a moving tag would keep its first
 * image for ever.
 */
export const MUTABLE_TAG_PATTERNS: readonly string[] = [
  '^(latest|edge|nightly|main|master|develop|dev|stable|next|canary)$',
  '(^|-)(cache|buildcache)$',
  '^sha256-[0-9a-f]{64}(\\.[a-z]+)?$',
];

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
 *   the reference's, else the one a literal `allowTags` names, else `latest`. Nothing else: the Digest
 *   selector reads only `constraint` and `platform` (pkg/image/digest_selector.go), so
 *   `allowTagsRegexes`, `discoveryLimit` and `strictSemvers` would be dead configuration.
 * - An `allowTags` regex that names exactly one tag (`^3\.12-slim$`, as the old tool wrote them)
 *   means "this tag", whatever the strategy (with one candidate tag every strategy picks it, and
 *   `SemVer` would even drop it as not strict): `Digest` on that tag as well.
 * - Otherwise the strategy as written, with `allowTags` as `allowTagsRegexes` (Kargo v1.11 rejects
 *   `allowTags`); with `SemVer` and a tag filter, `strictSemvers: false`, so filtered tags such as
 *   `3.12-slim` (no patch number) still count as versions.
 *
 * `platform` (the base entry's, else `warehouses.platform` of the settings) is passed when set. In Kargo
 * v1.11.2 it makes a tag qualify only if its index lists that platform, and adds that platform's
 * annotations; the Freight still records the *index* digest (pkg/image/repository_client.go
 * getImageFromV1ImageIndex), so a rebuild of another architecture of a multi-arch tag still makes new
 * Freight.
 */
export function baseImageSelection(
  base: BaseImage,
  discoveryLimit: number,
  defaultPlatform?: string,
): ImageSelection {
  const literal = literalTagOf(base.allowTags);
  const strategy = literal !== undefined ? 'Digest' : base.imageSelectionStrategy;
  const allowTagsRegexes = base.allowTags !== undefined ? [base.allowTags] : undefined;
  const platform = base.platform ?? defaultPlatform;
  const platformProp = platform !== undefined ? { platform } : {};
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
        ...platformProp,
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
      ...platformProp,
    },
  };
}

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** Whether the factory's generated workflow builds the image (no `source.workflow`). */
function builtByGeneratedWorkflow(image: ManagedImage): boolean {
  return image.source.workflow === undefined;
}

/**
 * Whether a managed image is versioned: it has a `local.versionFile`, or — built by its team's own
 * workflow — its state records a semver. (A generated workflow without a version file tags
 * `sha-<commit>-<run>`, whatever an older state recorded.)
 */
export function isVersioned(image: ManagedImage): boolean {
  if (image.local?.versionFile !== undefined) return true;
  return !builtByGeneratedWorkflow(image) && SEMVER.test(image.state?.currentVersion ?? '');
}

/**
 * How the Warehouse watching a managed image's built image selects new images:
 *
 * - a versioned image uses `SemVer` with `constraint: >=<major>.0.0` (the major of `currentVersion`,
 *   else 0): new releases of the current and later majors, never pre-releases; the constraint only
 *   changes when the major changes, so the manifest does not churn with every build. No `cacheByTag`:
 *   a rebuild may be pushed under the same version (a team's workflow that keeps it, the generated
 *   workflow run with `increment: none`), and only a fresh look at the tag sees the new digest.
 * - otherwise `NewestBuild`, which reads the metadata of every candidate tag on every discovery (Kargo's
 *   docs warn that this load degrades the whole controller), so it is narrowed: built by the generated
 *   workflow, only its `sha-<12 hex>-<run>` tags ({@link GENERATED_TAG_PATTERN}); built by a team's
 *   workflow, every tag but the usual moving ones ({@link MUTABLE_TAG_PATTERNS}); and `cacheByTag: true`
 *   either way, so each tag's metadata is fetched once (such images must not re-push a tag: give them a
 *   version instead).
 */
export function managedImageSelection(image: ManagedImage, discoveryLimit: number): ImageSubscriptionProps {
  const generated = builtByGeneratedWorkflow(image);
  if (!isVersioned(image)) {
    return {
      repoURL: image.reference.name,
      imageSelectionStrategy: 'NewestBuild',
      ...(generated
        ? { allowTagsRegexes: [GENERATED_TAG_PATTERN] }
        : { ignoreTagsRegexes: [...MUTABLE_TAG_PATTERNS] }),
      cacheByTag: true,
      discoveryLimit,
    };
  }
  const major = SEMVER.exec(image.state?.currentVersion ?? '')?.[1] ?? '0';
  return {
    repoURL: image.reference.name,
    imageSelectionStrategy: 'SemVer',
    constraint: `>=${major}.0.0`,
    discoveryLimit,
  };
}
