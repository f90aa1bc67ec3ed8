import {
  BUILD_WORKFLOW_INPUTS,
  buildWorkflowFileName,
  type FactoryState,
  type ImageUpdate,
  type ManagedImage,
  SETTINGS_FILE,
  type Settings,
  type StateProblem,
  sortProblems,
} from '@image-factory/state-schema';
import { Expr, type ExprValue, imageFrom, quote } from '../expressions.js';
import type { GitSubscriptionProps, ImageSubscriptionProps } from '../subscription.js';
import type { RebuildDispatch } from './dispatch.js';
import { stateError } from './errors.js';
import { cloneUrl, dirnameOf, normalizeGitUrl, providerApiUrl, providerUrl, repoPathOnHost } from './git.js';
import { planRebuildGraph, type ReducedEdge } from './graph.js';
import { baseImageSelection, managedImageSelection } from './image-selection.js';
import { FactoryNames, updateStageNames } from './names.js';

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
  /** Discovery interval in seconds (`warehouses.baseInterval` / `managedInterval`). */
  readonly intervalSeconds: number;
  /** The image subscription. */
  readonly image: ImageSubscriptionProps;
  /** Git subscriptions (managed images: the Dockerfile's source, and the state repo for `local` inputs). */
  readonly git: readonly GitSubscriptionProps[];
}

/** A Stage holding the current Freight of a base Warehouse; downstream rebuild Stages soak on it. */
export interface BaseStagePlan {
  readonly role: 'base';
  readonly name: string;
  readonly subject: string;
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
  'state-repo',
  'state-branch',
] as const;

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

  const graph = planRebuildGraph(
    managed.map((m) => ({ name: m.name, autoRebuild: m.autoRebuild, baseImages: m.baseImages })),
  );

  const warehouses: WarehousePlan[] = [];
  const stages: StagePlan[] = [];

  // Base and external images: a Warehouse each; a base Stage for those feeding a rebuild.
  const feeding = new Set(graph.feeding);
  for (const base of [...bases.values()].sort((a, b) => compare(a.name, b.name))) {
    if (images.has(base.name)) continue; // a managed image of the same name: reported below as a name clash
    const feeds = feeding.has(base.name);
    if (!feeds && !base.external) continue; // a state file nobody uses any more
    const selection = baseImageSelection(base, limit);
    if (!selection.ok) {
      problems.push(
        stateError('invalid-value', base.origin, [selection.field], selection.message, selection.hint),
      );
      continue;
    }
    const name = FactoryNames.base(base.name);
    warehouses.push({
      name,
      role: 'base',
      subject: base.name,
      intervalSeconds: settings.warehouses.baseIntervalSeconds,
      image: selection.subscription,
      git: [],
    });
    if (feeds) stages.push(baseStage(base.name, base.repoURL));
  }

  // Managed images used as bases of others (cascades): their built image, watched like a base.
  for (const name of graph.managedBases) {
    const image = images.get(name) as ManagedImage;
    warehouses.push({
      name: FactoryNames.base(name),
      role: 'base',
      subject: name,
      intervalSeconds: settings.warehouses.managedIntervalSeconds,
      image: managedImageSelection(image, limit),
      git: [],
    });
    stages.push(baseStage(name, image.reference.name));
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
      const dispatch = rebuildDispatch(image, settings, problems);
      if (dispatch !== undefined) {
        stages.push({
          role: 'rebuild',
          name: FactoryNames.rebuild(image.name),
          image: image.name,
          sources: sources.map((base) => ({
            base,
            warehouse: FactoryNames.base(base),
            stage: FactoryNames.base(base),
          })),
          reduced: graph.reduced.get(image.name) ?? [],
          soakSeconds: image.rebuildDelaySeconds,
          dispatch,
          autoPromote: image.autoRebuild,
        });
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
      warehouses: [...warehouses].sort((a, b) => compare(a.name, b.name)),
      stages: [...stages].sort((a, b) => compare(a.name, b.name)),
      images,
    },
  };
}

function baseStage(subject: string, repoURL: string): BaseStagePlan {
  const name = FactoryNames.base(subject);
  return { role: 'base', name, subject, warehouse: name, repoURL, autoPromote: true };
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
  const limit = settings.warehouses.discoveryLimit;
  const stateUrl = settings.stateRepo.url;
  if (image.local === undefined || stateUrl === undefined) {
    return [gitSubscription(sourceUrl, image.source.branch, sourcePaths, limit)];
  }
  const localPaths = [image.local.dir];
  if (image.local.dockerfile !== undefined) {
    const dir = dirnameOf(image.local.dockerfile);
    if (dir !== image.local.dir && !dir.startsWith(`${image.local.dir}/`)) localPaths.push(dir);
  }
  if (normalizeGitUrl(stateUrl) === normalizeGitUrl(sourceUrl)) {
    // One repository may be subscribed once per Warehouse: watch both paths on the source branch.
    return [gitSubscription(sourceUrl, image.source.branch, [...sourcePaths, ...localPaths], limit)];
  }
  return [
    gitSubscription(sourceUrl, image.source.branch, sourcePaths, limit),
    gitSubscription(stateUrl, settings.stateRepo.branch, localPaths, limit),
  ];
}

function gitSubscription(
  repoURL: string,
  branch: string,
  includePaths: readonly string[],
  discoveryLimit: number,
): GitSubscriptionProps {
  return {
    repoURL,
    commitSelectionStrategy: 'NewestFromBranch',
    branch,
    ...(includePaths.length > 0 ? { includePaths: [...new Set(includePaths)].sort(compare) } : {}),
    discoveryLimit,
  };
}

/** Verification args of the analysis Stage (`state-repo`/`state-branch` come from the template defaults). */
function analysisArgs(image: ManagedImage, warehouse: string, settings: Settings): Record<string, string> {
  const built = imageFrom(image.reference.name, warehouse);
  const dockerfile = dockerfileLocation(image, settings);
  return {
    image: image.name,
    tag: quote(built.expr.get('Tag')),
    digest: built.digest,
    dockerfile: dockerfile.path,
    'source-repo': image.source.repo,
    'source-provider': image.source.provider,
    'git-repo': dockerfile.repoURL,
    'git-branch': dockerfile.branch,
  };
}

/**
 * How the rebuild of an image is started:
 * - `source.workflow` on GitHub: `workflow_dispatch` of that workflow in `source.repo` at
 *   `source.branch`, without inputs (the factory cannot know which inputs a team's workflow declares);
 * - `source.workflow` on GitLab: a pipeline on `source.branch` of `source.repo`, without variables
 *   (GitLab projects may forbid pipeline variables);
 * - no `source.workflow`: `workflow_dispatch` of the generated `build-<name>.yml` in the state
 *   repository (which must be on `github.url`) at `stateRepo.branch`, with the inputs it declares:
 *   `reason`, plus `increment: patch` for images with a `local.versionFile`.
 */
function rebuildDispatch(
  image: ManagedImage,
  settings: Settings,
  problems: StateProblem[],
): RebuildDispatch | undefined {
  const source = image.source;
  if (source.workflow !== undefined) {
    if (source.provider === 'gitlab') {
      return {
        provider: 'gitlab',
        apiUrl: providerApiUrl(settings, 'gitlab'),
        project: source.repo,
        ref: source.branch,
        variables: {},
        token: settings.secrets.gitlabToken,
      };
    }
    return {
      provider: 'github',
      apiUrl: providerApiUrl(settings, 'github'),
      repo: source.repo,
      workflow: source.workflow,
      ref: source.branch,
      inputs: {},
      token: settings.secrets.githubToken,
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
  const inputs: Record<string, ExprValue> = { [BUILD_WORKFLOW_INPUTS.reason]: REBUILD_REASON };
  if (image.local?.versionFile !== undefined) inputs[BUILD_WORKFLOW_INPUTS.increment] = 'patch';
  return {
    provider: 'github',
    apiUrl: providerApiUrl(settings, 'github'),
    repo,
    workflow,
    ref: settings.stateRepo.branch,
    inputs,
    token: settings.secrets.githubToken,
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
