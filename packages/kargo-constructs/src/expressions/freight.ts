import { Expr, type Expression, type ExprValue } from './expr.js';

/** Where a Freight artifact comes from: a Warehouse name, a Warehouse construct or an origin object. */
export type FreightOriginRef =
  | string
  | { readonly warehouseName: string }
  | { readonly kind: 'Warehouse'; readonly name: string }
  | Expr;

function originArg(origin: FreightOriginRef | undefined): Expr | undefined {
  if (origin === undefined) return undefined;
  if (origin instanceof Expr) return origin;
  if (typeof origin === 'string') return Expr.warehouse(origin);
  if ('warehouseName' in origin) return Expr.warehouse(origin.warehouseName);
  return Expr.warehouse(origin.name);
}

function fromCall(fn: string, args: readonly (ExprValue | undefined)[]): Expr {
  return Expr.call(fn, ...args.filter((a): a is ExprValue => a !== undefined));
}

/** Fields of the image found by `imageFrom()`, as rendered expressions. */
export interface ImageFromRef {
  /** The `imageFrom(…)` call, for composing (e.g. `.expr.get('Tag').orElse('latest')`). */
  readonly expr: Expr;
  /** `${{ imageFrom(…).RepoURL }}` */
  readonly repoURL: Expression;
  /**
   * `${{ imageFrom(…).Tag }}`, for use inside text (a commit message, `repo:${tag}`). As a whole config
   * value use {@link quotedTag}: Kargo re-types a whole-value result, so a tag `1.20` would become the
   * number 1.2.
   */
  readonly tag: Expression;
  /** `${{ quote(imageFrom(…).Tag) }}`: the tag as a whole config value, always a string. */
  readonly quotedTag: Expression;
  /** `${{ imageFrom(…).Digest }}` */
  readonly digest: Expression;
  /** `${{ imageFrom(…).Annotations["key"] }}` */
  annotation(key: string): Expression;
}

/**
 * The image from the target Freight (or the given origin) for `repoURL`.
 *
 * @param repoURL the image repository as subscribed in the Warehouse (a literal, or an {@link Expr}).
 * @param origin a Warehouse (name or construct) when several origins carry the same image.
 * @example imageFrom('ghcr.io/acme/app').tag // '${{ imageFrom("ghcr.io/acme/app").Tag }}'
 */
export function imageFrom(repoURL: ExprValue, origin?: FreightOriginRef): ImageFromRef {
  const call = fromCall('imageFrom', [repoURL, originArg(origin)]);
  return {
    expr: call,
    repoURL: call.get('RepoURL').render(),
    tag: call.get('Tag').render(),
    quotedTag: Expr.call('quote', call.get('Tag')).render(),
    digest: call.get('Digest').render(),
    annotation: (key: string) => call.get('Annotations', key).render(),
  };
}

/** Fields of the commit found by `commitFrom()`, as rendered expressions. */
export interface CommitFromRef {
  /** The `commitFrom(…)` call, for composing. */
  readonly expr: Expr;
  /** `${{ commitFrom(…).ID }}`: the commit SHA. */
  readonly id: Expression;
  /** `${{ commitFrom(…).Branch }}` */
  readonly branch: Expression;
  /** `${{ commitFrom(…).Tag }}` */
  readonly tag: Expression;
  /** `${{ commitFrom(…).Message }}` */
  readonly message: Expression;
  /** `${{ commitFrom(…).Author }}` */
  readonly author: Expression;
  /** `${{ commitFrom(…).Committer }}` */
  readonly committer: Expression;
  /** `${{ commitFrom(…).RepoURL }}` */
  readonly repoURL: Expression;
}

/**
 * The git commit from the target Freight (or the given origin) for `repoURL`.
 *
 * @example commitFrom('https://github.com/acme/app.git').id // '${{ commitFrom("https://github.com/acme/app.git").ID }}'
 */
export function commitFrom(repoURL: ExprValue, origin?: FreightOriginRef): CommitFromRef {
  const call = fromCall('commitFrom', [repoURL, originArg(origin)]);
  return {
    expr: call,
    id: call.get('ID').render(),
    branch: call.get('Branch').render(),
    tag: call.get('Tag').render(),
    message: call.get('Message').render(),
    author: call.get('Author').render(),
    committer: call.get('Committer').render(),
    repoURL: call.get('RepoURL').render(),
  };
}

/** Fields of the chart found by `chartFrom()`, as rendered expressions. */
export interface ChartFromRef {
  /** The `chartFrom(…)` call, for composing. */
  readonly expr: Expr;
  /** `${{ chartFrom(…).RepoURL }}` */
  readonly repoURL: Expression;
  /** `${{ chartFrom(…).Name }}` */
  readonly name: Expression;
  /** `${{ chartFrom(…).Version }}` */
  readonly version: Expression;
}

/**
 * The Helm chart from the target Freight (or the given origin).
 *
 * @param repoURL the chart repository (`oci://…` or `https://…`).
 * @param chartName the chart name, for HTTP(S) repositories only.
 * @param origin a Warehouse (name or construct) when several origins carry the chart.
 */
export function chartFrom(
  repoURL: ExprValue,
  chartName?: ExprValue,
  origin?: FreightOriginRef,
): ChartFromRef {
  const call = fromCall('chartFrom', [repoURL, chartName, originArg(origin)]);
  return {
    expr: call,
    repoURL: call.get('RepoURL').render(),
    name: call.get('Name').render(),
    version: call.get('Version').render(),
  };
}
