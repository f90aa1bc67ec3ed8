import { Expr, type ExprValue } from '@image-factory/kargo-constructs';
import {
  type BaseImage,
  BUILD_WORKFLOW_INPUTS,
  buildWorkflowFileName,
  type ManagedImage,
  problem,
  type Settings,
  type StateProblem,
} from '@image-factory/state-schema';
import {
  GITLAB_PINS_VARIABLE,
  PINS_INPUT,
  type PinSource,
  pinsExpr,
  type RebuildDispatch,
} from '../dispatch.js';
import { stateError } from '../errors.js';
import { providerApiUrl, providerUrl, repoPathOnHost } from '../git.js';
import { baseImageSelection } from '../image-selection.js';
import { FactoryNames } from '../names.js';
import { type PlanContext, SETTINGS_ORIGIN } from './context.js';
import type { RebuildStagePlan } from './plan.js';

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

/** Annotation of a rebuild Stage whose dispatch passes no pins (a team workflow without the input). */
export const UNPINNED_ANNOTATION = 'image-factory.io/unpinned';

/**
 * The Stage dispatching the rebuild of a managed image when one of its bases changed: one requested
 * Freight per base (from that base's Stage of the image's soak time), and the dispatch with the pins
 * of that Freight. `undefined` for an image without bases, or when the dispatch cannot be wired (the
 * problem is reported).
 */
export function planRebuildStage(image: ManagedImage, context: PlanContext): RebuildStagePlan | undefined {
  const { settings, images, bases, graph, problems } = context;
  const sources = graph.sources.get(image.name) ?? [];
  if (sources.length === 0) return undefined;
  const pins = pinsExpr(
    sources.map((base) => pinSource(base, image.rebuildDelaySeconds, images, bases, settings)),
  );
  const rebuild = rebuildDispatch(image, settings, pins, problems);
  if (rebuild === undefined) return undefined;
  return {
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
  };
}

/** The `unpinned-rebuild` warning of an image whose team workflow does not declare the pins input. */
export function unpinnedWarning(image: ManagedImage): StateProblem {
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
