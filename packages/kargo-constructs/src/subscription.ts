import type * as gen from './generated/subscriptions.js';
import { toPlainJson } from './private/render.js';

/** How a Warehouse picks the newest image. */
export type ImageSelectionStrategy = 'SemVer' | 'Lexical' | 'NewestBuild' | 'Digest';

/** How a Warehouse picks the newest commit. */
export type CommitSelectionStrategy = 'NewestFromBranch' | 'SemVer' | 'Lexical' | 'NewestTag';

/**
 * A container image repository to watch.
 *
 * @see https://docs.kargo.io/user-guide/reference-docs/warehouses#image-subscriptions
 */
export interface ImageSubscriptionProps {
  /** Image repository without tag or digest, e.g. `ghcr.io/acme/app` or `docker.io/library/python`. */
  readonly repoURL: string;
  /**
   * How the newest image is chosen: `SemVer` (newest semantic version tag), `Lexical` (last tag in
   * lexical order), `NewestBuild` (most recently built) or `Digest` (follow the digest of the
   * mutable tag named in `constraint`).
   *
   * @default 'SemVer'
   */
  readonly imageSelectionStrategy?: ImageSelectionStrategy;
  /**
   * Strategy-specific constraint: a semver range for `SemVer` (e.g. `^1.2.0`), the tag to track
   * for `Digest` (required there, e.g. `latest` or `3.12-slim`).
   *
   * @default - no constraint
   */
  readonly constraint?: string;
  /**
   * Only consider tags with major, minor and patch components (`SemVer` only).
   *
   * @default true
   */
  readonly strictSemvers?: boolean;
  /**
   * Regular expressions a tag must match to be considered (replaces the removed `allowTags`).
   *
   * @default - all tags
   */
  readonly allowTagsRegexes?: readonly string[];
  /**
   * Regular expressions of tags to ignore (replaces the removed `ignoreTags`).
   *
   * @default - none
   */
  readonly ignoreTagsRegexes?: readonly string[];
  /**
   * `os/arch` the image must be available for, e.g. `linux/amd64`.
   *
   * @default - the platform of the Kargo controller
   */
  readonly platform?: string;
  /**
   * Skip TLS certificate verification for the registry.
   *
   * @default false
   */
  readonly insecureSkipTLSVerify?: boolean;
  /**
   * Maximum number of images discovered (1–100).
   *
   * @default 20
   */
  readonly discoveryLimit?: number;
  /**
   * Cache image metadata by tag (faster; only safe for immutable tags). Kargo operators can make it
   * mandatory for non-`Digest` subscriptions.
   *
   * @default - not set (Kargo treats it as false)
   */
  readonly cacheByTag?: boolean;
}

/**
 * A git repository to watch.
 *
 * @see https://docs.kargo.io/user-guide/reference-docs/warehouses#git-subscriptions
 */
export interface GitSubscriptionProps {
  /** Repository URL (`https://…`; SSH URLs are deprecated since Kargo v1.10). */
  readonly repoURL: string;
  /**
   * How the newest commit is chosen.
   *
   * @default 'NewestFromBranch'
   */
  readonly commitSelectionStrategy?: CommitSelectionStrategy;
  /**
   * Branch to watch (`NewestFromBranch` only).
   *
   * @default - the repository's default branch
   */
  readonly branch?: string;
  /**
   * Semver range for tags (`SemVer` strategy). For git this field is still called `semverConstraint`.
   *
   * @default - no constraint
   */
  readonly semverConstraint?: string;
  /**
   * Only consider strict semver tags (`SemVer` only).
   *
   * @default true
   */
  readonly strictSemvers?: boolean;
  /**
   * Regular expressions a tag must match (tag-based strategies).
   *
   * @default - all tags
   */
  readonly allowTagsRegexes?: readonly string[];
  /**
   * Regular expressions of tags to ignore (tag-based strategies).
   *
   * @default - none
   */
  readonly ignoreTagsRegexes?: readonly string[];
  /**
   * Only commits touching these paths produce Freight: exact paths, or `glob:` / `regex:` patterns.
   *
   * @default - every path
   */
  readonly includePaths?: readonly string[];
  /**
   * Commits touching only these paths are ignored: exact paths, or `glob:` / `regex:` patterns.
   *
   * @default - none
   */
  readonly excludePaths?: readonly string[];
  /**
   * expr-lang filter over commit or tag metadata (no `${{ }}`), e.g. `!(subject contains "[skip ci]")`.
   *
   * @default - no filter
   */
  readonly expressionFilter?: string;
  /**
   * Only consider commits/tags after this RFC 3339 time.
   *
   * @default - no limit
   */
  readonly since?: string;
  /**
   * Clone without blobs (faster discovery in large repositories).
   *
   * @default false
   */
  readonly blobless?: boolean;
  /**
   * Skip TLS certificate verification.
   *
   * @default false
   */
  readonly insecureSkipTLSVerify?: boolean;
  /**
   * Maximum number of commits discovered (1–100).
   *
   * @default 20
   */
  readonly discoveryLimit?: number;
}

/**
 * A Helm chart repository to watch.
 *
 * @see https://docs.kargo.io/user-guide/reference-docs/warehouses#helm-chart-subscriptions
 */
export interface ChartSubscriptionProps {
  /** `oci://registry/path/chart` or `https://charts.example.com`. */
  readonly repoURL: string;
  /**
   * Chart name: required for HTTP(S) repositories, forbidden for `oci://` ones.
   *
   * @default - none (OCI)
   */
  readonly name?: string;
  /**
   * Semver range of versions to consider.
   *
   * @default - all versions
   */
  readonly semverConstraint?: string;
  /**
   * Maximum number of versions discovered (1–100).
   *
   * @default 20
   */
  readonly discoveryLimit?: number;
  /**
   * Skip TLS certificate verification.
   *
   * @default false
   */
  readonly insecureSkipTLSVerify?: boolean;
}

/** A subscription handled by a plugin/enterprise subscriber: `{<kind>: {name, config, discoveryLimit}}`. */
export interface GenericSubscriptionProps {
  /** Name of the subscription (unique within the Warehouse). */
  readonly name: string;
  /**
   * Subscriber-specific configuration.
   *
   * @default - none
   */
  readonly config?: Readonly<Record<string, unknown>>;
  /**
   * Maximum number of artifacts discovered.
   *
   * @default - the subscriber's default
   */
  readonly discoveryLimit?: number;
}

/**
 * One entry of a Warehouse's `spec.subscriptions[]`. The built-in kinds render Kargo's defaults
 * explicitly (selection strategy, `strictSemvers`, `discoveryLimit`) so that the manifest matches
 * what Kargo's webhook stores and GitOps diffs stay clean — except for a `Digest` image subscription,
 * which reads only `constraint` and `platform` (pkg/image/digest_selector.go): writing the others would
 * suggest a filtering that does not happen (the webhook still stores its defaults, fields the manifest
 * does not set, which GitOps diffs leave alone).
 */
export class Subscription {
  /** An image subscription. */
  public static image(props: ImageSubscriptionProps): Subscription {
    const { repoURL, imageSelectionStrategy, strictSemvers, discoveryLimit, ...rest } = props;
    const digest = imageSelectionStrategy === 'Digest';
    const image: gen.ImageSubscription = {
      repoURL,
      imageSelectionStrategy: imageSelectionStrategy ?? 'SemVer',
      ...(strictSemvers !== undefined || !digest ? { strictSemvers: strictSemvers ?? true } : {}),
      ...(discoveryLimit !== undefined || !digest ? { discoveryLimit: discoveryLimit ?? 20 } : {}),
      ...(toPlainJson(rest) as Omit<gen.ImageSubscription, 'repoURL'>),
    };
    return new Subscription('image', image, repoURL);
  }

  /** A git subscription. */
  public static git(props: GitSubscriptionProps): Subscription {
    const { repoURL, commitSelectionStrategy, strictSemvers, discoveryLimit, ...rest } = props;
    const git: gen.GitSubscription = {
      repoURL,
      commitSelectionStrategy: commitSelectionStrategy ?? 'NewestFromBranch',
      strictSemvers: strictSemvers ?? true,
      discoveryLimit: discoveryLimit ?? 20,
      ...(toPlainJson(rest) as Omit<gen.GitSubscription, 'repoURL'>),
    };
    return new Subscription('git', git, repoURL);
  }

  /** A Helm chart subscription. */
  public static chart(props: ChartSubscriptionProps): Subscription {
    const { repoURL, discoveryLimit, ...rest } = props;
    const chart: gen.ChartSubscription = {
      repoURL,
      discoveryLimit: discoveryLimit ?? 20,
      ...(toPlainJson(rest) as Omit<gen.ChartSubscription, 'repoURL'>),
    };
    return new Subscription('chart', chart, repoURL);
  }

  /** A generic subscription (Kargo ≥ 1.9) served by a plugin or enterprise subscriber. */
  public static generic(kind: string, props: GenericSubscriptionProps): Subscription {
    if (kind === 'image' || kind === 'git' || kind === 'chart' || !/^[A-Za-z][A-Za-z0-9]*$/.test(kind)) {
      throw new Error(
        `Subscription.generic(): kind "${kind}" must be an identifier other than image, git and chart (use Subscription.${kind}() for those)`,
      );
    }
    return new Subscription(kind, toPlainJson(props) as Record<string, unknown>, undefined);
  }

  /** `image`, `git`, `chart` or the generic kind. */
  public readonly kind: string;
  /** The subscribed repository URL (built-in kinds). */
  public readonly repoURL?: string;
  private readonly body: Readonly<Record<string, unknown>>;

  private constructor(kind: string, body: object, repoURL: string | undefined) {
    this.kind = kind;
    this.body = body as Record<string, unknown>;
    if (repoURL !== undefined) this.repoURL = repoURL;
  }

  /** The subscription as it appears in `spec.subscriptions[]`, e.g. `{ image: {...} }`. */
  public toJson(): Record<string, unknown> {
    return { [this.kind]: structuredClone(this.body) };
  }
}
