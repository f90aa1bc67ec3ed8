// A model of what Kargo v1.11.2's external webhook server does with a delivery: which Warehouses of the
// Project it refreshes (a refresh makes the Warehouse discover at once, whatever its interval:
// pkg/controller/warehouses/warehouses.go shouldDiscoverArtifacts), and the path it publishes a
// receiver at. Used to check generated Warehouses and ProjectConfigs at synth time and in tests.
import { createHash } from 'node:crypto';

/** The subscriptions of a Warehouse, as written in its manifest (`spec.subscriptions`). */
export interface WarehouseSubscriptions {
  readonly name: string;
  readonly subscriptions: readonly {
    readonly image?: ImageSubscriptionSpec | undefined;
    readonly git?: GitSubscriptionSpec | undefined;
  }[];
}

/** The image subscription fields that decide whether a pushed tag concerns it. */
export interface ImageSubscriptionSpec {
  readonly repoURL: string;
  readonly imageSelectionStrategy?: string | undefined;
  readonly constraint?: string | undefined;
  readonly allowTagsRegexes?: readonly string[] | undefined;
  readonly ignoreTagsRegexes?: readonly string[] | undefined;
  readonly strictSemvers?: boolean | undefined;
}

/** The git subscription fields that decide whether a push concerns it. */
export interface GitSubscriptionSpec {
  readonly repoURL: string;
  readonly branch?: string | undefined;
  readonly includePaths?: readonly string[] | undefined;
  readonly excludePaths?: readonly string[] | undefined;
}

/** What a receiver extracts from a delivery and hands to `refreshWarehouses`. */
export interface WebhookDelivery {
  /** Normalized repository URLs. */
  readonly repoURLs: readonly string[];
  /** Tags or refs (`refs/heads/main`) pushed. */
  readonly qualifiers: readonly string[];
  /** Files a git push changed (empty: unknown, every path matches). */
  readonly changedFiles: readonly string[];
}

/**
 * Kargo's `urls.NormalizeImage` (pkg/urls/image.go): lower case; Docker Hub repositories lose the
 * registry and the `library/` prefix (`docker.io/library/python` → `python`); others keep
 * `registry/repository`; a tag or digest is dropped.
 */
export function normalizeImageUrl(repoURL: string): string {
  let ref = repoURL.trim().toLowerCase();
  const at = ref.indexOf('@');
  if (at >= 0) ref = ref.slice(0, at);
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > lastSlash) ref = ref.slice(0, colon);
  const [first, ...rest] = ref.split('/');
  const hasRegistry = rest.length > 0 && first !== undefined && /[.:]|^localhost$/.test(first);
  const registry = hasRegistry ? (first as string) : 'index.docker.io';
  const repository = hasRegistry ? rest.join('/') : ref;
  if (registry === 'docker.io' || registry === 'index.docker.io' || registry === 'registry-1.docker.io') {
    return repository.replace(/^library\//, '');
  }
  return `${registry}/${repository}`;
}

/**
 * Kargo's `urls.NormalizeGit` (pkg/urls/git.go): lower case; http(s) and ssh URLs lose user info (http
 * only), a trailing `/` and `.git`; SCP-style `git@host:path` becomes `ssh://git@host/path`.
 */
export function normalizeGitRepoUrl(repoURL: string): string {
  const repo = repoURL.trim().toLowerCase();
  const trim = (path: string) => path.replace(/\/$/, '').replace(/\.git$/, '');
  if (/^https?:\/\//.test(repo) || repo.startsWith('ssh://')) {
    try {
      const url = new URL(repo);
      if (url.search !== '') return repoURL;
      const user = repo.startsWith('ssh://') && url.username !== '' ? `${url.username}@` : '';
      return `${url.protocol}//${user}${url.host}${trim(url.pathname)}`;
    } catch {
      return repoURL;
    }
  }
  const scp = /^((?:[\w-]+@)?[\w-]+(?:\.[\w-]+)*)(?::(.*))?$/.exec(repo);
  if (scp === null) return repoURL;
  const path = trim(scp[2] ?? '');
  return path === '' ? `ssh://${scp[1]}` : `ssh://${scp[1]}/${path}`;
}

/** A GitHub `package` / `registry_package` event (published or updated container package). */
export function githubPackageDelivery(packageUrl: string, tag: string): WebhookDelivery {
  // github.go: a trailing ":" GitHub sometimes sends is trimmed before normalizing.
  return { repoURLs: [normalizeImageUrl(packageUrl.replace(/:$/, ''))], qualifiers: [tag], changedFiles: [] };
}

/** A GitHub or GitLab push event: both URLs of the repository, the ref, the files of its commits. */
export function gitPushDelivery(
  urls: readonly string[],
  ref: string,
  changedFiles: readonly string[],
): WebhookDelivery {
  return { repoURLs: urls.map(normalizeGitRepoUrl), qualifiers: [ref], changedFiles: [...changedFiles] };
}

/** A Docker Hub push (`repository.repo_name`, `push_data.tag`). */
export function dockerhubDelivery(repoName: string, tag: string): WebhookDelivery {
  return { repoURLs: [normalizeImageUrl(repoName)], qualifiers: [tag], changedFiles: [] };
}

/** A Quay "Push to Repository" notification (`docker_url`, `updated_tags`). */
export function quayDelivery(dockerUrl: string, tags: readonly string[]): WebhookDelivery {
  return { repoURLs: [normalizeImageUrl(dockerUrl)], qualifiers: [...tags], changedFiles: [] };
}

/**
 * The Warehouses a delivery refreshes (pkg/webhook/external/refresh.go refreshWarehouses and
 * shouldRefresh): every Warehouse with a subscription to one of the delivery's repository URLs whose
 * selector accepts one of the qualifiers — an image subscription the pushed tag (`MatchesTag`), a git
 * subscription the pushed ref (`MatchesRef`) and, when the changed files are known, one of them
 * (`MatchesPaths`). Which Warehouse the push was meant for plays no part. Sorted by name.
 */
export function refreshedWarehouses(
  warehouses: readonly WarehouseSubscriptions[],
  delivery: WebhookDelivery,
): string[] {
  const out = new Set<string>();
  for (const repoURL of delivery.repoURLs) {
    for (const warehouse of warehouses) {
      for (const { image, git } of warehouse.subscriptions) {
        if (git !== undefined && normalizeGitRepoUrl(git.repoURL) === repoURL) {
          if (
            delivery.qualifiers.some((ref) => gitMatchesRef(git, ref)) &&
            (delivery.changedFiles.length === 0 || gitMatchesPaths(git, delivery.changedFiles))
          ) {
            out.add(warehouse.name);
          }
        }
        if (image !== undefined && normalizeImageUrl(image.repoURL) === repoURL) {
          if (delivery.qualifiers.some((tag) => imageMatchesTag(image, tag))) out.add(warehouse.name);
        }
      }
    }
  }
  return [...out].sort();
}

/** `MatchesRef` of a NewestFromBranch selector (pkg/controller/git/commit/newest_from_branch_selector.go). */
function gitMatchesRef(git: GitSubscriptionSpec, ref: string): boolean {
  if (!ref.startsWith('refs/heads/')) return false;
  const branch = ref.slice('refs/heads/'.length);
  if (git.branch === undefined || git.branch === '') return branch === 'main' || branch === 'master';
  return branch === git.branch;
}

/**
 * `MatchesPaths` (pkg/controller/git/commit/base_selector.go) with plain include/exclude paths, which
 * Kargo matches as base directories (pkg/pattern/matcher.go BaseDirMatcher: the relative path from the
 * base holds no `..`). `glob:` and `regex:` patterns are not modeled.
 */
function gitMatchesPaths(git: GitSubscriptionSpec, paths: readonly string[]): boolean {
  const under = (base: string, path: string) => {
    if (/^(glob|regex|regexp):/.test(base)) throw new Error(`path pattern "${base}" is not modeled`);
    const b = base.replace(/\/+$/, '');
    if (b === '.' || b === '') return !path.includes('..');
    if (path === b) return true;
    return path.startsWith(`${b}/`) && !path.slice(b.length + 1).includes('..');
  };
  return paths.some(
    (path) =>
      (git.includePaths === undefined || git.includePaths.some((p) => under(p, path))) &&
      !(git.excludePaths ?? []).some((p) => under(p, path)),
  );
}

/** `MatchesTag` of Kargo's image selectors (pkg/image/digest_selector.go, tag_based_selector.go, semver_selector.go). */
export function imageMatchesTag(image: ImageSubscriptionSpec, tag: string): boolean {
  const strategy = image.imageSelectionStrategy ?? 'SemVer';
  if (strategy === 'Digest') return image.constraint === tag;
  if ((image.ignoreTagsRegexes ?? []).some((r) => new RegExp(r).test(tag))) return false;
  const allow = image.allowTagsRegexes ?? [];
  if (allow.length > 0 && !allow.some((r) => new RegExp(r).test(tag))) return false;
  if (strategy !== 'SemVer') return true;
  const version = parseSemver(tag, image.strictSemvers ?? true);
  if (version === undefined) return false;
  return image.constraint === undefined || image.constraint === '' || satisfies(version, image.constraint);
}

interface Semver {
  readonly parts: readonly [number, number, number];
  readonly prerelease: string;
}

/**
 * Kargo's semver parsing (pkg/controller/semver/parser.go: Masterminds `NewVersion`, and with strict
 * semvers also `StrictNewVersion` of the tag without its `v`).
 */
function parseSemver(tag: string, strict: boolean): Semver | undefined {
  const loose = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(tag);
  if (loose === null) return undefined;
  if (
    strict &&
    !/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(
      tag.replace(/^v/, ''),
    )
  ) {
    return undefined;
  }
  return {
    parts: [Number(loose[1]), Number(loose[2] ?? 0), Number(loose[3] ?? 0)],
    prerelease: loose[4] ?? '',
  };
}

/**
 * Masterminds constraints of the comparison forms (`>=1.0.0`, `<2`, `>=1.2, <2`; comma = and). A
 * pre-release never satisfies a constraint without one. Other forms (`~`, `^`, `||`, ranges) are not
 * modeled and throw.
 */
function satisfies(version: Semver, constraint: string): boolean {
  if (version.prerelease !== '') return false;
  return constraint.split(',').every((part) => {
    const m = /^\s*(>=|<=|>|<|=)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(part);
    if (m === null) throw new Error(`semver constraint "${constraint}" is not modeled`);
    const want = [Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)];
    const cmp = Math.sign(version.parts.map((n, i) => n - (want[i] ?? 0)).find((d) => d !== 0) ?? 0);
    switch (m[1] ?? '=') {
      case '>=':
        return cmp >= 0;
      case '<=':
        return cmp <= 0;
      case '>':
        return cmp > 0;
      case '<':
        return cmp < 0;
      default:
        return cmp === 0;
    }
  });
}

/**
 * The path Kargo publishes a receiver at (`status.webhookReceivers[].path`; the URL is the external
 * webhook server's base URL joined with it): `/<type>/<hex SHA-256 of project + receiver name + the
 * Secret's values>` (pkg/webhook/external/receiver.go buildWebhookPath). A new Secret value is a new URL.
 */
export function webhookReceiverPath(
  project: string,
  receiverType: string,
  receiverName: string,
  secretValues: readonly string[],
): string {
  const hash = createHash('sha256')
    .update(project + receiverName + secretValues.join(''))
    .digest('hex');
  return `/${receiverType}/${hash}`;
}
