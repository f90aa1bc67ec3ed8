import type { GitSubscriptionProps, ImageSubscriptionProps } from '@image-factory/kargo-constructs';
import { commitFrom, Expr, type ExprValue, imageFrom, quote } from '@image-factory/kargo-constructs';
import {
  type BaseImage,
  BUILD_WORKFLOW_INPUTS,
  buildWorkflowFileName,
  type FactoryState,
  type ImageUpdate,
  type ManagedImage,
  problem,
  SETTINGS_FILE,
  type Settings,
  type StateProblem,
  sortProblems,
} from '@image-factory/state-schema';
import {
  GITLAB_PINS_VARIABLE,
  PINS_ANNOTATION,
  PINS_INPUT,
  type PinSource,
  pinsExpr,
  type RebuildDispatch,
} from './dispatch.js';
import { stateError } from './errors.js';
import { cloneUrl, dirnameOf, normalizeGitUrl, providerApiUrl, providerUrl, repoPathOnHost } from './git.js';
import { planRebuildGraph, type ReducedEdge } from './graph.js';
import { baseImageSelection, managedImageSelection } from './image-selection.js';
import { FactoryNames, updateStageNames } from './names.js';
import { stateValueProblems } from './state-values.js';
import { yamlUpdateValueKind } from './updates.js';

/** The part of a loaded state the factory reads. */
export type FactoryInput = Pick<FactoryState, 'settings' | 'managedImages' | 'baseImages'>;

/** A Warehouse to generate. */
export interface WarehousePlan {
  /** `metadata.name`. */
  readonly name: string;
  /** `base`: watches a base/external image (or a managed image used as a base); `image`: a managed image. */
  readonly role: 'base' | 'image';
  /** The base, external or managed image it is about. */
  readonly subject: string;
  /**
   * Discovery interval in seconds: `warehouses.baseInterval` / `managedInterval`, raised for a sampling
   * Warehouse (a base Warehouse feeding rebuilds that soak) to {@link samplingIntervalSeconds}.
   */
  readonly intervalSeconds: number;
  /** For a base Warehouse feeding rebuilds: the soak time (seconds) of those rebuilds, else `undefined`. */
  readonly soakSeconds?: number | undefined;
  /** The image subscription. */
  readonly image: ImageSubscriptionProps;
  /** Git subscriptions (managed images: the Dockerfile's source, and the state repo for `local` inputs). */
  readonly git: readonly GitSubscriptionProps[];
}

/**
 * A Stage holding the current Freight of a base Warehouse; downstream rebuild Stages soak on it. There is
 * one per base *and soak time*: the rebuild Stages sharing it all request the same origin from the same
 * upstream Stage with the same `requiredSoakTime` (see {@link planImageFactory}).
 */
export interface BaseStagePlan {
  readonly role: 'base';
  readonly name: string;
  readonly subject: string;
  /** The `requiredSoakTime` (seconds) of every rebuild Stage downstream of it. */
  readonly soakSeconds: number;
  readonly warehouse: string;
  /** The watched image repository (for `imageFrom`). */
  readonly repoURL: string;
  readonly autoPromote: true;
}

/** The Stage verifying each new version of a managed image with the analysis job. */
export interface AnalysisStagePlan {
  readonly role: 'analysis';
  readonly name: string;
  readonly image: string;
  readonly warehouse: string;
  readonly repoURL: string;
  /** Verification arguments of the `analyze-dockerfile` template. */
  readonly args: Readonly<Record<string, string>>;
  readonly autoPromote: true;
}

/** One base feeding a rebuild Stage. */
export interface RebuildSourcePlan {
  /** The base (base image or managed image) name. */
  readonly base: string;
  /** Its Warehouse (the Freight origin). */
  readonly warehouse: string;
  /** Its base Stage (the upstream Stage the Freight soaks in). */
  readonly stage: string;
}

/** The Stage dispatching the build of a managed image when one of its bases changed. */
export interface RebuildStagePlan {
  readonly role: 'rebuild';
  readonly name: string;
  readonly image: string;
  /** One requested Freight per base, in base-name order. */
  readonly sources: readonly RebuildSourcePlan[];
  /** Direct bases left out because their change arrives through another base (see `planRebuildGraph`). */
  readonly reduced: readonly ReducedEdge[];
  /** `rebuildDelay` in seconds: the `requiredSoakTime` of every source. */
  readonly soakSeconds: number;
  readonly dispatch: RebuildDispatch;
  /** `autoRebuild`. */
  readonly autoPromote: boolean;
  /**
   * Whether the dispatch passes the pins (the digests of the Freight) to the build: always for the
   * generated workflow; for a team's `source.workflow`, only when it declares the input.
   */
  readonly pinned: boolean;
}

/** A Stage bumping one consumer (`updates[]` entry) to each analysed version. */
export interface UpdateStagePlan {
  readonly role: 'update';
  readonly name: string;
  readonly image: string;
  /** Index in the image's `updates[]`. */
  readonly index: number;
  readonly update: ImageUpdate;
  readonly warehouse: string;
  /** The analysis Stage the versions must have been verified in. */
  readonly upstream: string;
  readonly autoPromote: true;
}

/** Any generated Stage. */
export type StagePlan = BaseStagePlan | AnalysisStagePlan | RebuildStagePlan | UpdateStagePlan;

/** Everything the factory generates, before it becomes constructs. Lists are sorted by name. */
export interface FactoryPlan {
  readonly settings: Settings;
  /** Warnings about what is generated (e.g. `unpinned-rebuild`), positioned like the loader's. */
  readonly warnings: readonly StateProblem[];
  readonly warehouses: readonly WarehousePlan[];
  readonly stages: readonly StagePlan[];
  /** The managed images, by name. */
  readonly images: ReadonlyMap<string, ManagedImage>;
}

/** The plan, or every reason the state cannot be turned into one. */
export type FactoryPlanResult =
  | { readonly ok: true; readonly plan: FactoryPlan }
  | { readonly ok: false; readonly problems: readonly StateProblem[] };

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
 * `reason` input of a generated build workflow: which base changed, and the promotion that asked
 * (`"base image " + ctx.targetFreight.origin.name + " changed (Kargo promotion " + ctx.promotion + ")"`).
 */
export const REBUILD_REASON: Expr = Expr.concat(
  'base image ',
  Expr.ctx('targetFreight', 'origin', 'name'),
  ' changed (Kargo promotion ',
  Expr.ctx('promotion'),
  ')',
);

const SETTINGS_ORIGIN = { file: SETTINGS_FILE, line: 0, col: 0 };

/** Annotation of a rebuild Stage whose dispatch passes no pins (a team workflow without the input). */
export const UNPINNED_ANNOTATION = 'image-factory.io/unpinned';

/**
 * Margin of a sampling Warehouse's interval over the soak time: covers the time from discovery until the
 * new Freight is the base Stage's current Freight (the Stage's reconcile and the no-op promotion) and the
 * controllers' requeue jitter, so that each Freight stays in the base Stage at least the soak time.
 */
export const SAMPLING_MARGIN_SECONDS = 3_600;

/**
 * Discovery interval of a base Warehouse whose Freight feeds rebuilds soaking `soakSeconds`:
 * `max(intervalSeconds, soak + SAMPLING_MARGIN_SECONDS)` (the configured interval when nothing soaks).
 *
 * Why (Kargo v1.11.2): `requiredSoakTime` counts the *longest continuous* stay of a Freight in the
 * upstream Stage (api/v1alpha1/freight_types.go GetLongestSoak: the longest completed stay or the
 * current one), and the auto-promoting base Stage replaces its Freight with every new one. A base pushed
 * more often than the soak would never have a Freight that stayed long enough: its dependents would
 * never be rebuilt. A Warehouse discovers only when `DiscoveredAt + spec.interval` has passed (besides a
 * generation change, a refresh request, or never having discovered: pkg/controller/warehouses/warehouses.go
 * shouldDiscoverArtifacts; the requeue is `GetInterval` in api/v1alpha1/warehouse_types.go), and makes
 * Freight only when the discovered artifacts differ (the Freight name is their hash). So at most one new
 * Freight per interval enters the base Stage, and each stays there at least `interval − latency ≥ soak`:
 * however often the base changes, one digest per interval soaks and is rebuilt on. The CRD's interval
 * pattern has no day unit (`^([0-9]+(\.[0-9]+)?(s|m|h))+$`); the construct renders hours (`169h0m0s`).
 */
export function samplingIntervalSeconds(intervalSeconds: number, soakSeconds: number): number {
  return soakSeconds > 0 ? Math.max(intervalSeconds, soakSeconds + SAMPLING_MARGIN_SECONDS) : intervalSeconds;
}

/**
 * Turns a loaded state into the list of Warehouses and Stages to generate (pure; no constructs).
 * Problems that make the state impossible to wire — `stateRepo.url` missing or not on GitHub when
 * it is needed, a `yaml-update` without `key`, an `allowTags` that rules out the followed tag,
 * two objects with the same generated name — are returned all at once, each with file and line.
 */
export function planImageFactory(state: FactoryInput): FactoryPlanResult {
  const settings = state.settings;
  const problems: StateProblem[] = [];
  const managed = [...state.managedImages].sort((a, b) => compare(a.name, b.name));
  const images = new Map(managed.map((m) => [m.name, m]));
  const bases = new Map(state.baseImages.map((b) => [b.name, b]));
  const limit = settings.warehouses.discoveryLimit;
  const stateRepoUrl = settings.stateRepo.url;

  if (managed.length > 0 && stateRepoUrl === undefined) {
    problems.push(
      stateError(
        'missing-field',
        SETTINGS_ORIGIN,
        ['stateRepo', 'url'],
        `stateRepo.url is not set, but the analysis job of every managed image (${managed.map((m) => m.name).join(', ')}) commits what it discovers to the state repository`,
        'set stateRepo.url (and stateRepo.branch if not main) in image-factory.yaml, e.g. stateRepo: {url: https://github.com/acme/image-factory-state.git}',
      ),
    );
  }

  // Second line of defence behind `validate`: no state value that ends up in a step config, a
  // verification argument or another field Kargo evaluates may hold an expression.
  const unsafe = stateValueProblems(state);
  if (unsafe.length > 0) return { ok: false, problems: sortProblems(unsafe) };

  const graph = planRebuildGraph(
    managed.map((m) => ({ name: m.name, autoRebuild: m.autoRebuild, baseImages: m.baseImages })),
  );

  const warehouses: WarehousePlan[] = [];
  const stages: StagePlan[] = [];
  const warnings: StateProblem[] = [];

  // The soak times each base is needed with: one Warehouse and one base Stage per (base, soak time).
  // Kargo offers Freight to a Stage when it has soaked for requiredSoakTime in *any* Stage it was
  // verified in (pkg/api/warehouse.go ListFreightFromWarehouse), but the Promotion webhook and the Stage
  // controller count only the Stage's own upstream Stages (api/v1alpha1/stage_types.go
  // IsFreightAvailable; pkg/webhook/kubernetes/promotion/webhook.go). With one base Stage shared by
  // rebuilds of different soak times, base Freight held long in one rebuild Stage (an autoRebuild:false
  // image, or a short rebuildDelay) would be offered to a sibling that soaks longer, whose Promotion the
  // webhook refuses — and the sibling's reconcile fails (pkg/controller/stages regular_stages.go
  // autoPromoteFreight). Grouping by soak time means every rebuild Stage requesting an origin names the
  // same upstream Stage and the same soak, and Freight only reaches one of them after that soak in that
  // upstream Stage: whatever Stage it soaked in, it soaked in the upstream first.
  const soaks = new Map<string, Set<number>>();
  for (const image of managed) {
    for (const base of graph.sources.get(image.name) ?? []) {
      const set = soaks.get(base) ?? new Set<number>();
      set.add(image.rebuildDelaySeconds);
      soaks.set(base, set);
    }
  }
  const soakTimes = (base: string): number[] => [...(soaks.get(base) ?? [])].sort((a, b) => a - b);

  // Base and external images: a Warehouse per soak time (and one for an external image that feeds
  // nothing); a base Stage per soak time.
  for (const base of [...bases.values()].sort((a, b) => compare(a.name, b.name))) {
    if (images.has(base.name)) continue; // a managed image of the same name: reported below as a name clash
    const times = soakTimes(base.name);
    if (times.length === 0 && !base.external) continue; // a state file nobody uses any more
    const selection = baseImageSelection(base, limit, settings.warehouses.platform);
    if (!selection.ok) {
      problems.push(
        stateError('invalid-value', base.origin, [selection.field], selection.message, selection.hint),
      );
      continue;
    }
    // Name → soak time of the rebuilds it feeds (`undefined`: an external image's Warehouse feeding none).
    const names = new Map<string, number | undefined>();
    if (base.external) names.set(FactoryNames.base(base.name), undefined);
    for (const soak of times) names.set(FactoryNames.base(base.name, soak), soak);
    for (const [name, soak] of [...names].sort(([a], [b]) => compare(a, b))) {
      const interval = settings.warehouses.baseIntervalSeconds;
      warehouses.push({
        name,
        role: 'base',
        subject: base.name,
        intervalSeconds: soak === undefined ? interval : samplingIntervalSeconds(interval, soak),
        ...(soak === undefined ? {} : { soakSeconds: soak }),
        image: selection.subscription,
        git: [],
      });
    }
    for (const soak of times) stages.push(baseStage(base.name, soak, base.repoURL));
  }

  // Managed images used as bases of others (cascades): their built image, watched like a base.
  for (const name of graph.managedBases) {
    const image = images.get(name) as ManagedImage;
    for (const soak of soakTimes(name)) {
      warehouses.push({
        name: FactoryNames.base(name, soak),
        role: 'base',
        subject: name,
        // A cascade samples too: the managed image's builds are a base that may change often.
        intervalSeconds: samplingIntervalSeconds(settings.warehouses.managedIntervalSeconds, soak),
        soakSeconds: soak,
        image: managedImageSelection(image, limit),
        git: [],
      });
      stages.push(baseStage(name, soak, image.reference.name));
    }
  }

  for (const image of managed) {
    const warehouse = FactoryNames.image(image.name);
    warehouses.push({
      name: warehouse,
      role: 'image',
      subject: image.name,
      intervalSeconds: settings.warehouses.managedIntervalSeconds,
      image: managedImageSelection(image, limit),
      git: sourceSubscriptions(image, settings),
    });
    const analysis = FactoryNames.analysis(image.name);
    stages.push({
      role: 'analysis',
      name: analysis,
      image: image.name,
      warehouse,
      repoURL: image.reference.name,
      args: analysisArgs(image, warehouse, settings),
      autoPromote: true,
    });

    const sources = graph.sources.get(image.name) ?? [];
    if (sources.length > 0) {
      const pins = pinsExpr(
        sources.map((base) => pinSource(base, image.rebuildDelaySeconds, images, bases, settings)),
      );
      const rebuild = rebuildDispatch(image, settings, pins, problems);
      if (rebuild !== undefined) {
        stages.push({
          role: 'rebuild',
          name: FactoryNames.rebuild(image.name),
          image: image.name,
          sources: sources.map((base) => ({
            base,
            warehouse: FactoryNames.base(base, image.rebuildDelaySeconds),
            stage: FactoryNames.base(base, image.rebuildDelaySeconds),
          })),
          reduced: graph.reduced.get(image.name) ?? [],
          soakSeconds: image.rebuildDelaySeconds,
          dispatch: rebuild.dispatch,
          autoPromote: image.autoRebuild,
          pinned: rebuild.pinned,
        });
        if (!rebuild.pinned) warnings.push(unpinnedWarning(image));
      }
    }

    const names = updateStageNames(image.name, image.updates);
    image.updates.forEach((update, index) => {
      if (update.type === 'yaml-update' && (update.key === undefined || update.key === '')) {
        problems.push(
          stateError(
            'missing-field',
            image.origin,
            ['updates', index, 'key'],
            `image "${image.name}": updates[${index}] (${update.repo} ${update.path}) is a yaml-update without "key", so the factory does not know which value to set`,
            'add key: the dotted path of the value to set, e.g. key: image.tag (a key ending in "tag" gets the tag, in "digest" the digest, any other key the full image reference)',
          ),
        );
        return;
      }
      const digestKeyProblem = digestKeyIssue(update);
      if (digestKeyProblem !== undefined) {
        problems.push(
          stateError(
            'invalid-value',
            image.origin,
            ['updates', index, 'digestKey'],
            `image "${image.name}": updates[${index}] (${update.repo} ${update.path}): ${digestKeyProblem}`,
            'remove digestKey, or use it beside a key that ends in "tag" (or holds the image reference) of a yaml-update',
          ),
        );
        return;
      }
      stages.push({
        role: 'update',
        name: names[index] as string,
        image: image.name,
        index,
        update,
        warehouse,
        upstream: analysis,
        autoPromote: true,
      });
    });
  }

  problems.push(
    ...duplicateNames(
      'Warehouse',
      warehouses.map((w) => ({ name: w.name, of: w.subject })),
    ),
    ...duplicateNames(
      'Stage',
      stages.map((s) => ({ name: s.name, of: s.role === 'base' ? s.subject : s.image })),
    ),
  );
  for (const name of graph.managedBases) {
    const clash = bases.get(name);
    if (clash !== undefined) {
      problems.push(
        stateError(
          'duplicate-name',
          clash.origin,
          ['name'],
          `base image "${name}" has the name of a managed image that is itself used as a base image, so both would need the Warehouse "${FactoryNames.base(name)}"`,
          'rename the base-images file (its name must differ from every managed image name)',
        ),
      );
    }
  }

  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };
  return {
    ok: true,
    plan: {
      settings,
      warnings: sortProblems(warnings),
      warehouses: [...warehouses].sort((a, b) => compare(a.name, b.name)),
      stages: [...stages].sort((a, b) => compare(a.name, b.name)),
      images,
    },
  };
}

/** Why an entry's `digestKey` cannot be used, or `undefined`. */
function digestKeyIssue(update: ImageUpdate): string | undefined {
  if (update.digestKey === undefined) return undefined;
  if (update.type !== 'yaml-update') {
    return 'digestKey is only for yaml-update (kustomize-set-image always pins the digest)';
  }
  if (update.digestKey === update.key) return `digestKey is the same key as key ("${update.key}")`;
  if (yamlUpdateValueKind(update.key ?? '') === 'digest') {
    return `key "${update.key}" already gets the digest, so digestKey would set it twice`;
  }
  return undefined;
}

function baseStage(subject: string, soakSeconds: number, repoURL: string): BaseStagePlan {
  const name = FactoryNames.base(subject, soakSeconds);
  return { role: 'base', name, subject, soakSeconds, warehouse: name, repoURL, autoPromote: true };
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
    ...(includePaths.length > 0 ? { includePaths: [...new Set(includePaths)].sort(compare) } : {}),
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

/**
 * The `workflow_dispatch` input names (or, on GitLab, variable names) the team's `source.workflow`
 * declares, as generate-state records them in `images/<name>.yaml` (`workflowInputs`); `undefined`
 * when unknown. Read through a structural type so that this works before and after the field is part
 * of the `ManagedImage` model.
 */
function workflowInputsOf(image: ManagedImage): readonly string[] | undefined {
  const inputs = (image as { readonly workflowInputs?: unknown }).workflowInputs;
  if (!Array.isArray(inputs)) return undefined;
  return inputs.filter((input): input is string => typeof input === 'string');
}

/** Where the digest of one base of a rebuild comes from, and the reference it pins. */
function pinSource(
  base: string,
  soakSeconds: number,
  images: ReadonlyMap<string, ManagedImage>,
  bases: ReadonlyMap<string, BaseImage>,
  settings: Settings,
): PinSource {
  const warehouse = FactoryNames.base(base, soakSeconds);
  const managed = images.get(base);
  if (managed !== undefined) return { repoURL: managed.reference.name, warehouse };
  const found = bases.get(base);
  if (found === undefined) return { repoURL: base, warehouse };
  // The reference the Dockerfiles use: the tag the Warehouse follows (Digest strategy), else the tag
  // recorded in the base-images file — the one BuildKit sees in FROM and overrides by named context.
  const selection = baseImageSelection(
    found,
    settings.warehouses.discoveryLimit,
    settings.warehouses.platform,
  );
  const followed =
    selection.ok && selection.subscription.imageSelectionStrategy === 'Digest'
      ? selection.subscription.constraint
      : undefined;
  const tag = followed ?? found.tag ?? 'latest';
  return { repoURL: found.repoURL, warehouse, reference: `${found.repoURL}:${tag}` };
}

/** The `unpinned-rebuild` warning of an image whose team workflow does not declare the pins input. */
function unpinnedWarning(image: ManagedImage): StateProblem {
  const gitlab = image.source.provider === 'gitlab';
  const declared = workflowInputsOf(image);
  const what = gitlab
    ? `the variable ${GITLAB_PINS_VARIABLE}`
    : `the workflow_dispatch input "${PINS_INPUT}"`;
  return problem(
    'warning',
    'unpinned-rebuild',
    image.origin,
    ['source', 'workflow'],
    `image "${image.name}": its rebuilds are unpinned: ${image.source.workflow ?? ''} ${
      declared === undefined ? 'has no recorded inputs (run generate-state)' : `does not declare ${what}`
    }, so the build resolves its base tags itself instead of building on the digests that soaked`,
    gitlab
      ? `read ${GITLAB_PINS_VARIABLE} in the pipeline (see docs/rebuilds.md) and record it with generate-state`
      : `declare a "${PINS_INPUT}" input in the workflow and build with --build-context per entry (see docs/rebuilds.md), then run generate-state`,
  );
}

/**
 * How the rebuild of an image is started, and whether it passes the pins ({@link pinsExpr}):
 * - `source.workflow` on GitHub: `workflow_dispatch` of that workflow in `source.repo` at
 *   `source.branch`, with `reason` and `pins` only when the workflow declares them (`workflowInputs`:
 *   GitHub rejects undeclared inputs); without `pins` the rebuild is unpinned;
 * - `source.workflow` on GitLab: a pipeline on `source.branch` of `source.repo`, with the variable
 *   `IMAGE_FACTORY_PINS` only when recorded as declared (GitLab projects may forbid pipeline variables);
 * - no `source.workflow`: `workflow_dispatch` of the generated `build-<name>.yml` in the state
 *   repository (which must be on `github.url`) at `stateRepo.branch`, with the inputs it declares:
 *   `reason` and `pins`, plus `increment: patch` for images with a `local.versionFile`.
 */
function rebuildDispatch(
  image: ManagedImage,
  settings: Settings,
  pins: Expr,
  problems: StateProblem[],
): { readonly dispatch: RebuildDispatch; readonly pinned: boolean } | undefined {
  const source = image.source;
  if (source.workflow !== undefined) {
    const declared = new Set(workflowInputsOf(image) ?? []);
    if (source.provider === 'gitlab') {
      const pinned = declared.has(GITLAB_PINS_VARIABLE);
      return {
        pinned,
        dispatch: {
          provider: 'gitlab',
          apiUrl: providerApiUrl(settings, 'gitlab'),
          project: source.repo,
          ref: source.branch,
          variables: pinned ? { [GITLAB_PINS_VARIABLE]: pins } : {},
          token: settings.secrets.gitlabToken,
        },
      };
    }
    const inputs: Record<string, ExprValue> = {};
    if (declared.has(BUILD_WORKFLOW_INPUTS.reason)) inputs[BUILD_WORKFLOW_INPUTS.reason] = REBUILD_REASON;
    if (declared.has(PINS_INPUT)) inputs[PINS_INPUT] = pins;
    return {
      pinned: declared.has(PINS_INPUT),
      dispatch: {
        provider: 'github',
        apiUrl: providerApiUrl(settings, 'github'),
        repo: source.repo,
        workflow: source.workflow,
        ref: source.branch,
        inputs,
        token: settings.secrets.githubToken,
      },
    };
  }
  const workflow = buildWorkflowFileName(image.name);
  const stateUrl = settings.stateRepo.url;
  if (stateUrl === undefined) {
    problems.push(
      stateError(
        'missing-field',
        image.origin,
        ['source', 'workflow'],
        `image "${image.name}" has no source.workflow, so its rebuild dispatches the generated workflow ${workflow} in the state repository, but stateRepo.url is not set in image-factory.yaml`,
        'set stateRepo.url in image-factory.yaml to the GitHub repository holding this state, or set source.workflow to the build workflow of the source repository',
      ),
    );
    return undefined;
  }
  const repo = repoPathOnHost(stateUrl, providerUrl(settings, 'github'));
  if (repo === undefined || repo.split('/').length !== 2) {
    problems.push(
      stateError(
        'invalid-value',
        SETTINGS_ORIGIN,
        ['stateRepo', 'url'],
        `stateRepo.url "${stateUrl}" is not a repository on ${providerUrl(settings, 'github')}, but image "${image.name}" (no source.workflow) is rebuilt by the generated GitHub Actions workflow ${workflow} in the state repository`,
        'host the state repository on GitHub (set github.url/github.apiUrl for GitHub Enterprise), or set source.workflow on the image',
      ),
    );
    return undefined;
  }
  const inputs: Record<string, ExprValue> = {
    [BUILD_WORKFLOW_INPUTS.reason]: REBUILD_REASON,
    [PINS_INPUT]: pins,
  };
  if (image.local?.versionFile !== undefined) inputs[BUILD_WORKFLOW_INPUTS.increment] = 'patch';
  return {
    pinned: true,
    dispatch: {
      provider: 'github',
      apiUrl: providerApiUrl(settings, 'github'),
      repo,
      workflow,
      ref: settings.stateRepo.branch,
      inputs,
      token: settings.secrets.githubToken,
    },
  };
}

function duplicateNames(
  kind: string,
  items: readonly { readonly name: string; readonly of: string }[],
): StateProblem[] {
  const seen = new Map<string, number>();
  for (const item of items) seen.set(item.name, (seen.get(item.name) ?? 0) + 1);
  return [...seen.entries()]
    .filter(([, count]) => count > 1)
    .map(([name]) =>
      stateError(
        'duplicate-name',
        { file: 'images.yaml', line: 0, col: 0 },
        [],
        `two ${kind}s would be named "${name}" (${items
          .filter((i) => i.name === name)
          .map((i) => i.of)
          .join(', ')})`,
        'rename one of the images or base images',
      ),
    );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
