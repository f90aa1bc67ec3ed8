/**
 * The analysis image this project publishes: `.github/workflows/release-analysis-image.yml` builds
 * `apps/analyzer-cli/Dockerfile` and pushes it to {@link ANALYSIS_IMAGE_REPOSITORY}, tagged with the version
 * of `@image-factory/analyzer-cli`. The default `analysis.image` of the settings is that image pinned to
 * the CLI version this package is released with (never `:latest`, so a running job never changes under a
 * Stage's feet). `@image-factory/state-schema` and `@image-factory/analyzer-cli` are released together
 * (a changesets `fixed` group), and `pnpm version-packages` rewrites {@link ANALYZER_CLI_VERSION}
 * (scripts/sync-analysis-image.mjs); tests/analysis-image.test.ts fails if they ever differ.
 */
export const ANALYSIS_IMAGE_REPOSITORY = 'ghcr.io/image-factory/analyzer-cli';

/** The version of `@image-factory/analyzer-cli` released with this package. */
export const ANALYZER_CLI_VERSION = '0.1.0';

/** The default `analysis.image`: this project's analysis image at {@link ANALYZER_CLI_VERSION}. */
export const DEFAULT_ANALYSIS_IMAGE = `${ANALYSIS_IMAGE_REPOSITORY}:${ANALYZER_CLI_VERSION}`;

/** The GitHub repository of Image Factory, which the state repository's workflow checks out. */
export const FACTORY_REPOSITORY = 'image-factory/image-factory';

/**
 * The git tag changesets gives the release of {@link ANALYZER_CLI_VERSION} (`<package>@<version>`):
 * the default version of Image Factory the state repository's workflow runs, so that a release of
 * the factory never changes a state repository's CI unnoticed.
 */
export const FACTORY_RELEASE_TAG = `@image-factory/analyzer-cli@${ANALYZER_CLI_VERSION}`;
