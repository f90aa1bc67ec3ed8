import { commitFrom, type GitSubscriptionProps, imageFrom, quote } from '@image-factory/kargo-constructs';
import type { ManagedImage, Settings } from '@image-factory/state-schema';
import { compareStrings } from '@image-factory/state-schema';
import { PINS_ANNOTATION } from '../dispatch.js';
import { cloneUrl, dirnameOf, normalizeGitUrl } from '../git.js';
import { managedImageSelection } from '../image-selection.js';
import { FactoryNames } from '../names.js';
import type { PlanContext } from './context.js';
import type { AnalysisStagePlan, WarehousePlan } from './plan.js';

/** Names of the `analyze-dockerfile` template arguments (the `image-factory analyze` flags). */
export const ANALYSIS_ARGS = [
  'image',
  'tag',
  'digest',
  'dockerfile',
  'source-repo',
  'source-provider',
  'git-repo',
  'git-branch',
  'git-commit',
  'built-at',
  'state-repo',
  'state-branch',
  'built-on',
] as const;

/**
 * `discoveryLimit` of the git subscriptions. Kargo builds Freight from the first (newest) commit a
 * subscription discovers (pkg/controller/warehouses/warehouses.go buildFreightFromLatestArtifacts), and
 * with `includePaths` it walks and diffs history until it has found `discoveryLimit` matching commits
 * (pkg/controller/git/commit/newest_from_branch_selector.go selectCommits): one is all the factory uses.
 */
export const GIT_DISCOVERY_LIMIT = 1;

/** The OCI annotation a build records its time in; read from the Freight for `--built-at`. */
export const CREATED_ANNOTATION = 'org.opencontainers.image.created';

/**
 * A managed image: its Warehouse (the built image, and the git repositories its build reads) and the
 * Stage verifying each new version with the analysis job.
 */
export function planManagedImage(
  image: ManagedImage,
  context: PlanContext,
): { readonly warehouse: WarehousePlan; readonly analysis: AnalysisStagePlan } {
  const { settings } = context;
  const warehouse = FactoryNames.image(image.name);
  return {
    warehouse: {
      name: warehouse,
      role: 'image',
      subject: image.name,
      intervalSeconds: settings.warehouses.managedIntervalSeconds,
      image: managedImageSelection(image, settings.warehouses.discoveryLimit),
      git: sourceSubscriptions(image, settings),
    },
    analysis: {
      role: 'analysis',
      name: FactoryNames.analysis(image.name),
      image: image.name,
      warehouse,
      repoURL: image.reference.name,
      args: analysisArgs(image, warehouse, settings),
      autoPromote: true,
    },
  };
}

/** Where the Dockerfile to analyse lives: the source repository, or the state repo for `local.dockerfile`. */
export function dockerfileLocation(
  image: ManagedImage,
  settings: Settings,
): { readonly repoURL: string; readonly branch: string; readonly path: string } {
  if (image.local?.dockerfile !== undefined && settings.stateRepo.url !== undefined) {
    return {
      repoURL: settings.stateRepo.url,
      branch: settings.stateRepo.branch,
      path: image.local.dockerfile,
    };
  }
  return {
    repoURL: cloneUrl(settings, { provider: image.source.provider, path: image.source.repo }),
    branch: image.source.branch,
    path: image.source.dockerfile,
  };
}

/**
 * Git subscriptions of a managed image's Warehouse: its source repository at `source.branch`,
 * limited to the Dockerfile's directory (the Dockerfile itself when it is at the root), and — for
 * images with `local` build inputs — the state repository limited to `local.dir` (a change of the
 * patches, the VERSION file or a local Dockerfile is a change of the build).
 */
function sourceSubscriptions(image: ManagedImage, settings: Settings): GitSubscriptionProps[] {
  const sourceUrl = cloneUrl(settings, { provider: image.source.provider, path: image.source.repo });
  const sourceDir = dirnameOf(image.source.dockerfile);
  // A Dockerfile at the root: its directory would be every path, so watch the file itself.
  const sourcePaths = [sourceDir === '.' ? image.source.dockerfile : sourceDir];
  const stateUrl = settings.stateRepo.url;
  if (image.local === undefined || stateUrl === undefined) {
    return [gitSubscription(sourceUrl, image.source.branch, sourcePaths)];
  }
  const localPaths = [image.local.dir];
  if (image.local.dockerfile !== undefined) {
    const dir = dirnameOf(image.local.dockerfile);
    if (dir !== image.local.dir && !dir.startsWith(`${image.local.dir}/`)) localPaths.push(dir);
  }
  if (normalizeGitUrl(stateUrl) === normalizeGitUrl(sourceUrl)) {
    // One repository may be subscribed once per Warehouse: watch both paths on the source branch.
    return [gitSubscription(sourceUrl, image.source.branch, [...sourcePaths, ...localPaths])];
  }
  return [
    gitSubscription(sourceUrl, image.source.branch, sourcePaths),
    gitSubscription(stateUrl, settings.stateRepo.branch, localPaths),
  ];
}

/**
 * A git subscription following a branch, limited to paths: {@link GIT_DISCOVERY_LIMIT} commit, and a
 * blobless clone (`git clone --filter blob:none`, Kargo v1.11 `blobless`: pkg/controller/git/repo.go
 * Clone): finding the commits that touch `includePaths` needs commits and trees only, not file contents
 * (GitHub and GitLab serve partial clones).
 */
function gitSubscription(
  repoURL: string,
  branch: string,
  includePaths: readonly string[],
): GitSubscriptionProps {
  return {
    repoURL,
    commitSelectionStrategy: 'NewestFromBranch',
    branch,
    ...(includePaths.length > 0 ? { includePaths: [...new Set(includePaths)].sort(compareStrings) } : {}),
    discoveryLimit: GIT_DISCOVERY_LIMIT,
    blobless: true,
  };
}

/**
 * Verification args of the analysis Stage (`state-repo`/`state-branch` come from the template defaults).
 * Every expression evaluates to a string, as Kargo's analysis-run builder requires (the tag `quote()`d).
 *
 * - `git-commit`: the commit of the Dockerfile's repository in the same Freight as the image (the image
 *   Warehouse subscribes to that repository), so the job analyses that commit, not the branch head at
 *   the time it runs. Kargo pairs the newest image with the newest commit when it discovers either, so
 *   this is the commit current when the image was discovered — the built one unless a commit landed
 *   between the build and the discovery.
 * - `built-at`: the `org.opencontainers.image.created` annotation of the image, which Kargo copies into
 *   the Freight from the manifest (or index) annotations (pkg/image/repository_client.go); empty when
 *   the build did not set it (`docker/build-push-action` only does with `annotations:`). The image's
 *   creation time Kargo also reads (`CreatedAt`) stays in the Warehouse's discovered artifacts and is not
 *   part of the Freight, so expressions cannot read it.
 */
function analysisArgs(image: ManagedImage, warehouse: string, settings: Settings): Record<string, string> {
  const built = imageFrom(image.reference.name, warehouse);
  const dockerfile = dockerfileLocation(image, settings);
  return {
    image: image.name,
    tag: built.quotedTag,
    digest: built.digest,
    dockerfile: dockerfile.path,
    'source-repo': image.source.repo,
    'source-provider': image.source.provider,
    'git-repo': dockerfile.repoURL,
    'git-branch': dockerfile.branch,
    'git-commit': commitFrom(dockerfile.repoURL, warehouse).id,
    'built-at': quote(built.expr.get('Annotations', CREATED_ANNOTATION)),
    // The pins the build recorded (empty when it was not pinned); quote() keeps the JSON text a string.
    'built-on': quote(built.expr.get('Annotations', PINS_ANNOTATION)),
  };
}
