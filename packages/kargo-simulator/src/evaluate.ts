import { runtime } from '@image-factory/kargo-constructs';
import { GITLAB_PINS_VARIABLE, parsePins } from '@image-factory/state-schema';
import type { DiscoveredCommit, DiscoveredImage } from './registry.js';

const {
  evaluateExpression,
  evaluateJsonTemplate,
  evaluateTemplate,
  GoStruct,
  isUnknown,
  LookupMap,
  TEMPLATE_FUNCTIONS,
} = runtime;

/** The value every `secret()`/`sharedSecret()` key evaluates to: the simulation holds no credentials. */
export const SECRET_PLACEHOLDER = '<secret>';

/** A Freight as promotion expressions see it. */
export interface FreightView {
  readonly name: string;
  readonly origin: string;
  readonly images: readonly DiscoveredImage[];
  readonly commits: readonly DiscoveredCommit[];
}

/** Where a promotion's steps are evaluated. */
export interface PromotionContext {
  readonly project: string;
  readonly stage: string;
  readonly promotion: string;
  /** The Freight being promoted. */
  readonly target: FreightView;
  /**
   * The Freight collection the steps see: the target and the Stage's current Freight of its other origins
   * (pkg/promotion/local_orchestrator.go builds the collection; pkg/expressions/function/functions.go
   * `imageFrom`/`commitFrom` search it).
   */
  readonly collection: readonly FreightView[];
  readonly vars: readonly { readonly name: string; readonly value?: string | undefined }[];
  /** The Stage's requested origins (to resolve `imageFrom`/`commitFrom` without an origin). */
  readonly requested: readonly RequestedOrigin[];
}

export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
}

const IMAGE_FIELDS = [
  { name: 'RepoURL', json: 'repoURL', omitEmpty: true },
  { name: 'Tag', json: 'tag', omitEmpty: true },
  { name: 'Digest', json: 'digest', omitEmpty: true },
  { name: 'Annotations', json: 'annotations', omitEmpty: true },
] as const;
const COMMIT_FIELDS = [
  { name: 'RepoURL', json: 'repoURL', omitEmpty: true },
  { name: 'ID', json: 'id', omitEmpty: true },
  { name: 'Branch', json: 'branch', omitEmpty: true },
] as const;
const ORIGIN_FIELDS = [
  { name: 'Kind', json: 'kind', omitEmpty: false },
  { name: 'Name', json: 'name', omitEmpty: false },
] as const;

function originName(arg: unknown): string | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (arg instanceof GoStruct && typeof arg.values.Name === 'string') return arg.values.Name;
  throw new EvaluationError('the origin argument is not a warehouse(...)');
}

/** A requested origin of the Stage and the repositories its Warehouse subscribes to. */
export interface RequestedOrigin {
  readonly name: string;
  readonly imageRepos: readonly string[];
  readonly gitRepos: readonly string[];
}

/**
 * Finds the artifact of a repository in the collection, as `imageFrom`/`commitFrom` do
 * (pkg/controller/freight/finder.go FindImage/FindCommit): without an origin, the one requested Warehouse
 * subscribing to the repository (two are an error, none gives nil); then that origin's Freight in the
 * collection (none promoted yet gives nil).
 */
function find<T extends { readonly repoURL: string }>(
  collection: readonly FreightView[],
  requested: readonly RequestedOrigin[] | undefined,
  pick: (f: FreightView) => readonly T[],
  repos: (o: RequestedOrigin) => readonly string[],
  repoURL: unknown,
  explicit: string | undefined,
  what: string,
): T | undefined {
  if (typeof repoURL !== 'string') throw new EvaluationError(`${what}() needs a repository URL`);
  let origin = explicit;
  if (origin === undefined && requested !== undefined) {
    const providers = requested.filter((o) => repos(o).includes(repoURL));
    if (providers.length > 1) {
      throw new EvaluationError(
        `multiple requested Freight could provide ${repoURL}: ${what}() needs a Freight origin to disambiguate`,
      );
    }
    origin = providers[0]?.name;
    if (origin === undefined) return undefined;
  }
  for (const freight of collection) {
    if (origin !== undefined && freight.origin !== origin) continue;
    const found = pick(freight).find((a) => a.repoURL === repoURL);
    if (found !== undefined) return found;
  }
  return undefined;
}

function functionsFor(
  collection: readonly FreightView[],
  requested?: readonly RequestedOrigin[],
): Record<string, runtime.ExprFunction> {
  const lookup = (kind: string) => new LookupMap(kind, () => SECRET_PLACEHOLDER) as unknown;
  return {
    ...TEMPLATE_FUNCTIONS,
    warehouse: ([name]) =>
      new GoStruct('kargoapi.FreightOrigin', ORIGIN_FIELDS, { Kind: 'Warehouse', Name: name }),
    imageFrom: ([repoURL, origin]) => {
      const image = find(
        collection,
        requested,
        (f) => f.images,
        (o) => o.imageRepos,
        repoURL,
        originName(origin),
        'imageFrom',
      );
      if (image === undefined) return null;
      return new GoStruct('kargoapi.Image', IMAGE_FIELDS, {
        RepoURL: image.repoURL,
        Tag: image.tag,
        Digest: image.digest,
        Annotations: { ...image.annotations },
      });
    },
    commitFrom: ([repoURL, origin]) => {
      const commit = find(
        collection,
        requested,
        (f) => f.commits,
        (o) => o.gitRepos,
        repoURL,
        originName(origin),
        'commitFrom',
      );
      if (commit === undefined) return null;
      return new GoStruct('kargoapi.GitCommit', COMMIT_FIELDS, {
        RepoURL: commit.repoURL,
        ID: commit.id,
        Branch: commit.branch ?? '',
      });
    },
    secret: () => lookup('a Secret'),
    sharedSecret: () => lookup('a shared Secret'),
  };
}

/** The environment of a promotion step (pkg/promotion/evaluator.go BuildExprEnv), with real Freight. */
export function promotionEnvironment(context: PromotionContext, stepAlias: string): runtime.ExprEnvironment {
  const vars: Record<string, unknown> = {};
  const env: runtime.ExprEnvironment = {
    variables: {
      ctx: {
        project: context.project,
        stage: context.stage,
        promotion: context.promotion,
        targetFreight: { name: context.target.name, origin: { name: context.target.origin } },
        meta: { promotion: { actor: 'kargo', rollback: false }, step: { alias: stepAlias } },
      },
      vars,
      outputs: {},
    },
    functions: functionsFor(context.collection, context.requested),
  };
  for (const v of context.vars) {
    vars[v.name] =
      v.value === undefined ? '' : evaluateTemplate(v.value, (code) => evaluateExpression(code, env));
  }
  return env;
}

/**
 * Evaluates a step's config as Kargo does before running the step (pkg/expressions/json_templates.go
 * EvaluateJSONTemplate). Throws EvaluationError when Kargo would fail the Promotion.
 */
export function evaluateStepConfig(config: unknown, context: PromotionContext, stepAlias: string): unknown {
  const env = promotionEnvironment(context, stepAlias);
  let result: unknown;
  try {
    result = evaluateJsonTemplate(config, (code) => evaluateExpression(code, env));
  } catch (error) {
    throw new EvaluationError(`step ${stepAlias}: ${(error as Error).message}`);
  }
  assertKnown(result, stepAlias);
  return result;
}

function assertKnown(value: unknown, where: string): void {
  if (isUnknown(value))
    throw new EvaluationError(`step ${where}: a value cannot be evaluated (${value.reason})`);
  if (Array.isArray(value)) for (const v of value) assertKnown(v, where);
  else if (typeof value === 'object' && value !== null)
    for (const v of Object.values(value)) assertKnown(v, where);
}

/**
 * `spec.freightCreationCriteria.expression` of a Warehouse, evaluated on the artifacts discovery found
 * (pkg/controller/warehouses/warehouses.go: a Freight is created only when it evaluates to true).
 */
export function freightCriteriaHold(expression: string, candidate: FreightView): boolean {
  // pkg/expressions/function/functions.go DiscoveredArtifactsOperations: imageFrom/commitFrom of the discovered artifacts.
  const env: runtime.ExprEnvironment = { variables: {}, functions: functionsFor([candidate]) };
  try {
    const result = evaluateExpression(expression, env);
    // A non-boolean result is parsed as Go's strconv.ParseBool parses its %v text.
    return (
      result === true ||
      (typeof result === 'string' && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(result))
    );
  } catch (error) {
    throw new EvaluationError(`freightCreationCriteria of ${candidate.origin}: ${(error as Error).message}`);
  }
}

/** A rebuild dispatch: an `http` step starting a CI workflow or pipeline. */
export interface DispatchRequest {
  readonly provider: 'github' | 'gitlab';
  readonly method: string;
  readonly url: string;
  /** The evaluated body text. */
  readonly body: string;
  /**
   * The base digests the build is pinned to (`inputs.pins` / `IMAGE_FACTORY_PINS`: JSON text of an object
   * reference → digest; docs/rebuilds.md), or `undefined` when the dispatch passes none (an unpinned build).
   */
  readonly pins?: Readonly<Record<string, string>> | undefined;
}

const GITHUB_DISPATCH = /\/repos\/[^/]+\/[^/]+\/actions\/workflows\/[^/]+\/dispatches$/;
const GITLAB_PIPELINE = /\/projects\/[^/]+\/pipeline$/;

/** The dispatched pins, read as strictly as the generated build workflow reads them (`parsePins`). */
function dispatchedPins(text: unknown): Record<string, string> | undefined {
  if (typeof text !== 'string') throw new EvaluationError('pins is not a string after evaluation');
  const parsed = parsePins(text);
  if (!parsed.ok) throw new EvaluationError(`pins ${parsed.reason}`);
  return parsed.pins === undefined ? undefined : Object.fromEntries(parsed.pins);
}

/** Recognizes an evaluated `http` step config that dispatches a build (GitHub workflow_dispatch, GitLab pipeline). */
export function dispatchOf(config: unknown): DispatchRequest | undefined {
  if (typeof config !== 'object' || config === null) return undefined;
  const { url, method, body } = config as Record<string, unknown>;
  if (typeof url !== 'string') return undefined;
  const provider = GITHUB_DISPATCH.test(url) ? 'github' : GITLAB_PIPELINE.test(url) ? 'gitlab' : undefined;
  if (provider === undefined) return undefined;
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? null);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EvaluationError(`the dispatch body to ${url} is not JSON`);
  }
  let pinsText: unknown;
  if (typeof parsed === 'object' && parsed !== null) {
    const { inputs, variables } = parsed as Record<string, unknown>;
    if (provider === 'github' && typeof inputs === 'object' && inputs !== null) {
      pinsText = (inputs as Record<string, unknown>).pins;
    }
    if (provider === 'gitlab' && Array.isArray(variables)) {
      pinsText = variables.find((v) => (v as { key?: unknown })?.key === GITLAB_PINS_VARIABLE)?.value;
    }
  }
  return {
    provider,
    method: typeof method === 'string' ? method : 'GET',
    url,
    body: text,
    pins: pinsText === undefined ? undefined : dispatchedPins(pinsText),
  };
}
