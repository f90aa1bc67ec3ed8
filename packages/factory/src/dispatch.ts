import {
  containsExpression,
  Expr,
  type ExprValue,
  imageFrom,
  quote,
  Step,
  secret,
} from '@image-factory/kargo-constructs';
import type { SecretKeyRef } from '@image-factory/state-schema';
import { Duration } from 'cdk8s';

/**
 * A GitHub Actions `workflow_dispatch` of a workflow file.
 *
 * @see https://docs.github.com/en/rest/actions/workflows#create-a-workflow-dispatch-event
 */
export interface GitHubWorkflowDispatch {
  readonly provider: 'github';
  /** REST API base URL, e.g. `https://api.github.com` (GitHub Enterprise: `https://host/api/v3`). */
  readonly apiUrl: string;
  /** `owner/name` of the repository holding the workflow. */
  readonly repo: string;
  /** Workflow file name, e.g. `build-platform-api.yml`. */
  readonly workflow: string;
  /** Branch (or tag) to run the workflow on. */
  readonly ref: string;
  /**
   * `workflow_dispatch` inputs; only inputs the workflow declares (GitHub rejects others). A value is a
   * literal string or an {@link Expr} evaluated at promotion time.
   */
  readonly inputs: Readonly<Record<string, ExprValue>>;
  /** Secret key holding a token allowed to dispatch workflows (`actions: write`). */
  readonly token: SecretKeyRef;
}

/**
 * A GitLab CI pipeline run on a branch, created through the API with a project (or personal)
 * access token with `api` scope.
 *
 * @see https://docs.gitlab.com/api/pipelines/#create-a-new-pipeline
 */
export interface GitLabPipelineTrigger {
  readonly provider: 'gitlab';
  /** REST API base URL, e.g. `https://gitlab.com/api/v4`. */
  readonly apiUrl: string;
  /** Project path, e.g. `acme/data/reports-worker` (URL-encoded in the request). */
  readonly project: string;
  /** Branch to run the pipeline on. */
  readonly ref: string;
  /** CI/CD variables of the pipeline (literal strings or {@link Expr}s evaluated at promotion time). */
  readonly variables: Readonly<Record<string, ExprValue>>;
  /** Secret key holding the access token (sent as `PRIVATE-TOKEN`). */
  readonly token: SecretKeyRef;
}

/** How the rebuild of a managed image is started. */
export type RebuildDispatch = GitHubWorkflowDispatch | GitLabPipelineTrigger;

/** The HTTP request a {@link RebuildDispatch} sends. */
export interface DispatchRequest {
  readonly method: 'POST';
  readonly url: string;
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  readonly body: string;
}

/** A JSON request body whose leaves may be expressions. */
export type BodyValue = ExprValue | readonly BodyValue[] | { readonly [key: string]: BodyValue };

function hasExpression(value: BodyValue): boolean {
  if (value instanceof Expr) return true;
  if (typeof value === 'string' && containsExpression(value)) {
    throw new Error(
      `request body value ${JSON.stringify(value)} contains a Kargo expression inside JSON text: Kargo would evaluate the whole body and re-type it into an object; pass an Expr (e.g. Expr.concat("base ", Expr.ctx("stage"))) instead`,
    );
  }
  if (Array.isArray(value)) return value.some(hasExpression);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasExpression);
  return false;
}

function toExpr(value: BodyValue): Expr {
  if (value instanceof Expr) return value;
  if (Array.isArray(value)) return Expr.list(value.map(toExpr));
  if (value !== null && typeof value === 'object') {
    return Expr.map(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toExpr(v)])));
  }
  return Expr.literal(value as string | number | boolean | null);
}

/**
 * The JSON text of a request body, for the `http` step's `body` (a string).
 *
 * Without expressions it is plain JSON text: Kargo only evaluates strings containing `${{` or `${%`, so it
 * stays a string. With expressions it must not be JSON text with expressions inside: Kargo would evaluate
 * it and, the result being valid JSON, re-type it into an object, which the `http` step's schema rejects
 * (pkg/expressions/json_templates.go EvaluateTemplate). It is written instead as one expression,
 * `quote({...})` on an expr-lang map: quote() of a non-string marshals it to JSON between double quotes
 * (json_templates.go `unsafeQuoteFunc`), and a result enclosed in double quotes stays the string inside.
 */
export function jsonBody(body: BodyValue): string {
  return hasExpression(body) ? quote(toExpr(body)) : JSON.stringify(body);
}

/** The request of a dispatch (header values and body may contain `${{ }}` expressions). */
export function dispatchRequest(dispatch: RebuildDispatch): DispatchRequest {
  if (dispatch.provider === 'github') {
    const [owner = '', name = ''] = dispatch.repo.split('/');
    const path = `repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/actions/workflows/${encodeURIComponent(dispatch.workflow)}/dispatches`;
    const body: Record<string, BodyValue> = { ref: dispatch.ref };
    if (Object.keys(dispatch.inputs).length > 0) body.inputs = { ...dispatch.inputs };
    return {
      method: 'POST',
      url: `${dispatch.apiUrl}/${path}`,
      headers: [
        { name: 'Accept', value: 'application/vnd.github+json' },
        { name: 'Authorization', value: `Bearer ${secret(dispatch.token.name)(dispatch.token.key)}` },
        { name: 'Content-Type', value: 'application/json' },
        { name: 'X-GitHub-Api-Version', value: '2022-11-28' },
      ],
      body: jsonBody(body),
    };
  }
  const variables = Object.entries(dispatch.variables);
  return {
    method: 'POST',
    url: `${dispatch.apiUrl}/projects/${encodeURIComponent(dispatch.project)}/pipeline`,
    headers: [
      { name: 'Content-Type', value: 'application/json' },
      { name: 'PRIVATE-TOKEN', value: secret(dispatch.token.name)(dispatch.token.key) },
    ],
    body: jsonBody({
      ref: dispatch.ref,
      ...(variables.length > 0 ? { variables: variables.map(([key, value]) => ({ key, value })) } : {}),
    }),
  };
}

/**
 * The `workflow_dispatch` input of a build workflow carrying the pins (contract of issue 16; the same
 * text as `BUILD_WORKFLOW_INPUTS.pins` in `@image-factory/state-schema`).
 */
export const PINS_INPUT = 'pins';
/** The GitLab CI variable carrying the pins to a pipeline (the same JSON text as {@link PINS_INPUT}). */
export const GITLAB_PINS_VARIABLE = 'IMAGE_FACTORY_PINS';
/**
 * The manifest (and index) annotation a pinned build records its pins in; Kargo copies image annotations
 * into the Freight (pkg/image/repository_client.go), where the analysis job reads them for `builtOn`.
 */
export const PINS_ANNOTATION = 'io.github.image-factory.pins';

/** One base of a rebuild whose Freight digest is passed to the build. */
export interface PinSource {
  /** The repository the base's Warehouse subscribes to (normalized, e.g. `docker.io/library/python`). */
  readonly repoURL: string;
  /** The base's Warehouse: the Freight origin the digest is read from. */
  readonly warehouse: string;
  /**
   * The normalized `repo:tag` reference the pin is keyed by (e.g. `docker.io/library/python:3.12-slim`);
   * `undefined`: `repoURL` and the tag of the Freight's image (a managed image used as a base, whose
   * dependents' Dockerfiles are not recorded with a tag).
   */
  readonly reference?: string | undefined;
}

/** JSON text of a string without its quotes (references and repositories never need escaping, but may). */
function jsonInner(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/**
 * The `pins` value of a rebuild: an expression evaluating to a *string* holding the compact JSON text of
 * `{"<repo:tag>":"sha256:…",…}`, one key per base, keys sorted, digests from the Promotion's Freight
 * (`imageFrom(repoURL, warehouse(name)).Digest`).
 *
 * The Promotion's Freight collection holds the target Freight and, for every other origin the Stage
 * requests, the Freight of its last Promotion (pkg/controller/promotions/promotions.go
 * buildTargetFreightCollection). An origin never promoted into the Stage yet has no Freight there, and
 * `imageFrom` then returns nil (pkg/controller/freight/finder.go FindImage; a nil `*Image`, which expr-lang
 * compares equal to nil: vm/runtime Equal → IsNil); reading `.Digest` of it would fail the Promotion. So
 * each entry is written only when its image is there (`imageFrom(…) == nil ? "" : ",\"key\":\"digest\""`),
 * and the leading comma is trimmed (`trimPrefix`): such a base is built unpinned until its first change.
 *
 * Built by concatenation rather than `toJSON()` because expr-lang's toJSON indents (json.MarshalIndent),
 * and the text must stay a string: it is a value inside the `quote()`d body map, so Kargo's re-typing of
 * the template result (pkg/expressions/json_templates.go) applies to the body as a whole, which stays a
 * string, and the pins inside it are a JSON string for GitHub/GitLab.
 */
export function pinsExpr(sources: readonly PinSource[]): Expr {
  const keyed = sources.map((source) => ({
    source,
    sortKey: source.reference ?? `${source.repoURL}:`,
  }));
  keyed.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  const entries = keyed.map(({ source }) => {
    const image = imageFrom(source.repoURL, { warehouseName: source.warehouse }).expr;
    const key: readonly ExprValue[] =
      source.reference !== undefined
        ? [`,"${jsonInner(source.reference)}":"`]
        : [`,"${jsonInner(source.repoURL)}:`, image.get('Tag'), '":"'];
    const entry = Expr.concat(...key, image.get('Digest'), '"');
    return Expr.raw(`(${image.code} == nil ? "" : ${entry.code})`);
  });
  if (entries.length === 0) return Expr.literal('{}');
  return Expr.concat('{', Expr.call('trimPrefix', Expr.concat(...entries), ','), '}');
}

/** A 2xx answer: the run was created (GitHub answers 204, GitLab 201). */
export const DISPATCH_SUCCESS_EXPRESSION = 'response.status >= 200 && response.status < 300';
/**
 * A client error other than 429 fails the promotion at once (bad token, unknown workflow or ref,
 * undeclared input): retrying cannot help. 5xx and 429 answers are retried until the step timeout.
 */
export const DISPATCH_FAILURE_EXPRESSION =
  'response.status >= 400 && response.status < 500 && response.status != 429';
/** How long a dispatch answered with 5xx/429 is retried before the promotion fails (rendered `1h0m0s`). */
export const DISPATCH_RETRY_TIMEOUT = Duration.hours(1);
/** Network errors tolerated in a row before the promotion fails. */
export const DISPATCH_ERROR_THRESHOLD = 3;

/** The `http` promotion step that performs a dispatch. */
export function dispatchStep(dispatch: RebuildDispatch): Step {
  const request = dispatchRequest(dispatch);
  return Step.http(
    {
      method: request.method,
      url: request.url,
      headers: request.headers.map((h) => ({ ...h })),
      body: request.body,
      successExpression: DISPATCH_SUCCESS_EXPRESSION,
      failureExpression: DISPATCH_FAILURE_EXPRESSION,
    },
    {
      as: 'dispatch',
      retry: { timeout: DISPATCH_RETRY_TIMEOUT, errorThreshold: DISPATCH_ERROR_THRESHOLD },
    },
  );
}
