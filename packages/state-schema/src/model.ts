/**
 * The loaded state model: what {@link loadState} returns for a valid state repository, with every
 * default applied. Field names follow the YAML files (the JSON Schemas in schema/, the package README); everything is readonly and
 * lists are sorted, so the model is deterministic for a given repository.
 */
import type { ImageReference } from './reference.js';

/** Where something was written: a file relative to the state directory (`/`-separated), 1-based line and column. */
export interface Origin {
  /** File relative to the state directory, e.g. `images.yaml`, `base-images/python-3.12-slim.yaml`. */
  readonly file: string;
  /** 1-based line; 0 when the problem concerns the whole file or directory. */
  readonly line: number;
  /** 1-based column; 0 when the problem concerns the whole file or directory. */
  readonly col: number;
}

/** Stable identifiers of the kinds of problem the loader reports. */
export type StateProblemCode =
  | 'missing-directory'
  | 'missing-file'
  | 'unreadable-file'
  | 'yaml-syntax'
  | 'yaml-warning'
  | 'not-a-list'
  | 'not-a-map'
  | 'unknown-field'
  | 'missing-field'
  | 'invalid-type'
  | 'invalid-value'
  | 'invalid-name'
  | 'duplicate-name'
  | 'invalid-duration'
  | 'invalid-regex'
  | 'doubled-backslash'
  | 'invalid-strategy'
  | 'invalid-reference'
  | 'invalid-path'
  | 'invalid-repo'
  | 'invalid-branch'
  | 'expression-delimiter'
  | 'unknown-base-image'
  | 'base-image-cycle'
  | 'name-mismatch'
  | 'duplicate-reference'
  | 'reference-mismatch'
  | 'unenrolled-state'
  | 'enrollment-mismatch'
  | 'legacy-layout'
  | 'mixed-layout'
  | 'too-many-problems'
  | 'default-value'
  | 'expression-in-value'
  | 'webhook-sampling'
  | 'unpinned-rebuild';

/** One problem found in a state repository: an error (the state is invalid) or a warning. */
export interface StateProblem extends Origin {
  /** Field path inside the document, e.g. `[2, 'source', 'repo']` (`[]` for the whole file). */
  readonly path: readonly (string | number)[];
  /** What is wrong, naming the field, e.g. `image "backstage": source.repo must be "owner/name" (got "acme")`. */
  readonly message: string;
  /** How to fix it, when there is something useful to say (e.g. `did you mean "rebuildDelay"?`). */
  readonly hint?: string | undefined;
  /** `error` makes the state invalid; `warning` is reported but the state still loads. */
  readonly severity: 'error' | 'warning';
  /** Machine-readable kind of problem. */
  readonly code: StateProblemCode;
}

/** Kargo image selection strategies (Warehouse image subscription `imageSelectionStrategy`). */
export type ImageSelectionStrategy = 'Lexical' | 'NewestBuild' | 'SemVer' | 'Digest';

/** Git hosting of a managed image's source. */
export type SourceProvider = 'github' | 'gitlab';

/** How a consumer repository is updated when a new version is built. */
export type UpdateType = 'kustomize-set-image' | 'yaml-update';

/** Discovery outcome recorded in `images/<name>.yaml`. */
export type DiscoveryStatus = 'pending' | 'success' | 'failed';

/** `source` of a managed image (defaults applied). */
export interface ImageSource {
  /** @default 'github' */
  readonly provider: SourceProvider;
  /** `owner/name` of the source repository (GitLab: `group/subgroup/name` is allowed). */
  readonly repo: string;
  /** Branch to watch and build. @default 'main' */
  readonly branch: string;
  /** Dockerfile path inside the source repository (relative, no `..`). */
  readonly dockerfile: string;
  /**
   * Build workflow file in the source repository to dispatch (e.g. `backstage.yml`). Absent: the
   * factory generates `.github/workflows/build-<name>.yml` in the state repository.
   */
  readonly workflow?: string | undefined;
}

/** One `updates[]` consumer of a managed image. */
export interface ImageUpdate {
  /** `owner/name` of the repository to update. */
  readonly repo: string;
  /** File to update inside that repository (relative, no `..`). */
  readonly path: string;
  /** `kustomize-set-image` or `yaml-update`. */
  readonly type: UpdateType;
  /** Branch of the consumer repository to update. @default 'main' */
  readonly branch: string;
  /** For `yaml-update`: the dotted YAML key to set to the new image (e.g. `image.tag`); absent: the consumer decides. */
  readonly key?: string | undefined;
  /**
   * For `yaml-update`: a second dotted key set to the image digest (e.g. `image.digest`), for charts with a
   * separate digest value; `key` then gets the tag alone. Absent: a `key` ending in `tag` gets `tag@digest`.
   */
  readonly digestKey?: string | undefined;
}

/**
 * State-repo-resident build inputs of a managed image (`local/<name>/`, see examples/state/images.yaml). All paths in the model are
 * relative to the state repository root (the YAML writes `patchFiles`, `versionFile` and `dockerfile`
 * relative to `dir`; the loader joins them).
 */
export interface LocalBuildInputs {
  /** Directory of the inputs. @default 'local/<name>' */
  readonly dir: string;
  /** Patch files applied with `git apply` before the build, in order (repo-relative). @default [] */
  readonly patchFiles: readonly string[];
  /** File holding the version to tag the image with (repo-relative), e.g. `local/app/VERSION`. */
  readonly versionFile?: string | undefined;
  /** Dockerfile in the state repository to build instead of the source's (repo-relative). */
  readonly dockerfile?: string | undefined;
}

/** An `images.yaml` entry exactly as written (no defaults), for copying into `images/<name>.yaml` `enrollment`. */
export type ImageEntry = Readonly<Record<string, unknown>> & { readonly name: string };

/** `images/<name>.yaml`: the discovered and runtime state of a managed image. */
export interface ManagedImageState {
  readonly name: string;
  /** ISO timestamp of enrollment. */
  readonly enrolledAt?: string | undefined;
  /** ISO timestamp of the last Dockerfile analysis. */
  readonly lastDiscovery?: string | undefined;
  readonly discoveryStatus?: DiscoveryStatus | undefined;
  /** Copy of the images.yaml entry at the last discovery. */
  readonly enrollment?: ImageEntry | undefined;
  /** Sorted names of the base images (base-images/<name>.yaml, or managed images) it is built from. @default [] */
  readonly baseImages: readonly string[];
  /**
   * Sorted `workflow_dispatch` input names of the team's build workflow (`source.workflow`), as
   * generate-state last read them; undefined = unknown (no team workflow, or it could not be read).
   */
  readonly workflowInputs?: readonly string[] | undefined;
  readonly currentVersion?: string | undefined;
  readonly currentDigest?: string | undefined;
  /**
   * Base digests the current version was built on, by base name (keys sorted): what the build
   * pinned, recorded by the analysis job. A base of `baseImages` missing here was not pinned.
   */
  readonly builtOn?: Readonly<Record<string, string>> | undefined;
  /** ISO timestamp of the last build. */
  readonly lastBuilt?: string | undefined;
}

/** A managed image: an images.yaml entry with a non-empty `source`, defaults applied, plus its state file. */
export interface ManagedImage {
  /** Unique key: a DNS-1123 label (`[a-z0-9-]`, at most 63 characters). */
  readonly name: string;
  /** Registry the image is pushed to, e.g. `ghcr.io`. */
  readonly registry: string;
  /** Repository in that registry, e.g. `acme/backstage`. */
  readonly repository: string;
  /** The pushed image, parsed: `reference.name` is `registry/repository` normalized (the Warehouse repoURL). */
  readonly reference: ImageReference;
  readonly source: ImageSource;
  /** Soak time after a base image changes, as written. @default '7d' */
  readonly rebuildDelay: string;
  /** {@link rebuildDelay} in seconds (use {@link toKargoDuration} for Kargo). @default 604800 */
  readonly rebuildDelaySeconds: number;
  /** `false`: rebuilds wait for a manual promotion. @default true */
  readonly autoRebuild: boolean;
  /** Consumers to bump when a new version is built. @default [] */
  readonly updates: readonly ImageUpdate[];
  /** Where each `updates[]` entry is written in images.yaml (same order as {@link updates}). */
  readonly updateOrigins?: readonly Origin[] | undefined;
  /** State-repo-resident build inputs, when the entry has a `local` block. */
  readonly local?: LocalBuildInputs | undefined;
  /** `images/<name>.yaml`, when it exists (an enrolled image without one still produces its resources). */
  readonly state?: ManagedImageState | undefined;
  /** Base images it is built from: `state.baseImages`, or `[]` without a state file. */
  readonly baseImages: readonly string[];
  /**
   * The `workflow_dispatch` input names its team workflow (`source.workflow`) declares, sorted:
   * `state.workflowInputs`. Undefined = unknown (a generated workflow declares
   * `buildWorkflowInputNames`).
   */
  readonly workflowInputs?: readonly string[] | undefined;
  /** The images.yaml entry as written. */
  readonly entry: ImageEntry;
  /** Position of the entry in images.yaml. */
  readonly origin: Origin;
  /** The state file relative to the state directory, when it exists. */
  readonly stateFile?: string | undefined;
}

/** One `updateHistory[]` record of a base image. */
export interface BaseImageUpdateRecord {
  readonly digest: string;
  readonly previousDigest?: string | undefined;
  readonly tag?: string | undefined;
  /** ISO timestamp when the new digest was seen (old format: `detectedAt` / `timestamp`). */
  readonly detectedAt?: string | undefined;
}

/** The runtime fields of a base-image state file (both formats). */
export interface BaseImageState {
  /** `current` (written by this tool, with `image`) or `legacy` (the old tool's, with `fullImage`). */
  readonly format: 'current' | 'legacy';
  /** The reference as written (`fullImage` / `image`), e.g. `python:3.12-slim`. */
  readonly image: string;
  readonly firstDiscovered?: string | undefined;
  readonly lastChecked?: string | undefined;
  readonly currentDigest?: string | undefined;
  readonly previousDigest?: string | undefined;
  readonly lastUpdated?: string | undefined;
  /** Legacy only: when the old tool would have allowed a rebuild. Read, never acted upon. */
  readonly rebuildEligibleAt?: string | undefined;
  /** @default [] */
  readonly updateHistory: readonly BaseImageUpdateRecord[];
  /** Free-form metadata (legacy files). @default {} */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/**
 * A base or external image: merged from a non-managed images.yaml entry and/or a
 * `base-images/<name>.yaml` file (the images.yaml entry wins for what to watch).
 */
export interface BaseImage {
  /** Unique key: a DNS-1123 subdomain of at most 63 characters (`python-3.12-slim`). */
  readonly name: string;
  /**
   * The image, normalized: from the file's `fullImage`/`image`, else the entry's `repoURL` (+ `tag`).
   * `reference.name` is the Warehouse repoURL, e.g. `docker.io/library/python`.
   */
  readonly reference: ImageReference;
  /** `reference.name`, e.g. `docker.io/library/python`. */
  readonly repoURL: string;
  /** Identity: {@link referenceKey} of the reference, e.g. `docker.io/library/python:3.12-slim`. */
  readonly key: string;
  /** Tag being watched, if any (`reference.tag`). */
  readonly tag?: string | undefined;
  /** Digest pinned in the reference, if any. */
  readonly digest?: string | undefined;
  /** Platform (`<os>/<arch>`) the Warehouse requires of a tag, from the images.yaml entry. */
  readonly platform?: string | undefined;
  /** Tag filter regex, un-doubled for old-format files (`^3\\.12-slim$` -> `^3\.12-slim$`); compiles. */
  readonly allowTags?: string | undefined;
  /**
   * How Kargo selects new images: as written, else `Digest` when the reference has a tag and no
   * `allowTags` (a new digest under the same tag makes new Freight), else `SemVer` (Kargo's default).
   */
  readonly imageSelectionStrategy: ImageSelectionStrategy;
  /** True when the strategy was written in the entry or the file (not defaulted). */
  readonly imageSelectionStrategyExplicit: boolean;
  /** Names of managed images whose `baseImages` list it, sorted. */
  readonly usedBy: readonly string[];
  /** Enrolled in images.yaml and used by no managed image: watched for its own sake. */
  readonly external: boolean;
  /** The images.yaml entry as written, when enrolled there. */
  readonly entry?: ImageEntry | undefined;
  /** The state file's runtime fields, when a base-images file exists. */
  readonly state?: BaseImageState | undefined;
  /** The state file relative to the state directory, when it exists. */
  readonly stateFile?: string | undefined;
  /** Where it is defined: the images.yaml entry if enrolled, else the state file. */
  readonly origin: Origin;
}

/** A name/secret-key pair pointing into a Kubernetes Secret. */
export interface SecretKeyRef {
  /** Secret name. */
  readonly name: string;
  /** Key within the Secret. */
  readonly key: string;
}

/** One webhook receiver of the settings. */
export interface WebhookReceiverSettings {
  /** Generate the receiver. @default false */
  readonly enabled: boolean;
  /** Secret in the Kargo project namespace holding the receiver's key. @default 'image-factory-webhook-<provider>' */
  readonly secretName: string;
}

/** `image-factory.yaml` with every default applied (schema/settings.schema.json documents each field). */
export interface Settings {
  readonly kargo: {
    /** Kargo Project name, which is also its namespace. @default 'image-factory-kargo' */
    readonly project: string;
    /** Extra labels on the project Namespace (and Project). @default {} */
    readonly labels: Readonly<Record<string, string>>;
    /** ServiceAccount the analysis job runs as. @default 'image-factory' */
    readonly serviceAccount: string;
  };
  readonly analysis: {
    /** Image running `image-factory analyze`. @default DEFAULT_ANALYSIS_IMAGE (this project's image, pinned) */
    readonly image: string;
    /** Image pull secrets of the analysis job. @default [] */
    readonly imagePullSecrets: readonly string[];
    /** Resources of the analysis job container (Kubernetes quantities). */
    readonly resources: {
      /** @default {cpu: '250m', memory: '512Mi'} */
      readonly requests: { readonly cpu: string; readonly memory: string };
      /** @default {memory: '1Gi'} (no CPU limit) */
      readonly limits: { readonly cpu?: string | undefined; readonly memory: string };
    };
  };
  readonly secrets: {
    /** Secret with `username`/`password` for git over HTTPS. @default 'git-credentials' */
    readonly gitCredentials: string;
    /** GitHub token for workflow dispatch and API calls. @default {name: 'github-workflow-token', key: 'token'} */
    readonly githubToken: SecretKeyRef;
    /** GitLab token for pipeline triggers. @default {name: 'gitlab-token', key: 'token'} */
    readonly gitlabToken: SecretKeyRef;
  };
  readonly github: {
    /** Web/clone base URL (GitHub Enterprise: `https://github.example.com`). @default 'https://github.com' */
    readonly url: string;
    /** REST API base URL (GitHub Enterprise: `https://github.example.com/api/v3`). @default 'https://api.github.com' */
    readonly apiUrl: string;
  };
  readonly gitlab: {
    /** Web/clone base URL of GitLab. @default 'https://gitlab.com' */
    readonly url: string;
    /** REST API base URL. @default 'https://gitlab.com/api/v4' */
    readonly apiUrl: string;
  };
  readonly warehouses: {
    /** Discovery interval of managed-image Warehouses, as written. @default '5m' */
    readonly managedInterval: string;
    /** {@link managedInterval} in seconds. @default 300 */
    readonly managedIntervalSeconds: number;
    /** Discovery interval of base-image Warehouses, as written. @default '24h' */
    readonly baseInterval: string;
    /** {@link baseInterval} in seconds. @default 86400 */
    readonly baseIntervalSeconds: number;
    /**
     * Discovery interval of a managed image's Warehouse (`image-<name>`) when an enabled webhook receiver
     * covers its registry and every git repository it watches, as written. Never applied to the
     * per-(base, soak) Warehouses. @default '6h'
     */
    readonly managedIntervalWithWebhooks: string;
    /** {@link managedIntervalWithWebhooks} in seconds. @default 21600 */
    readonly managedIntervalWithWebhooksSeconds: number;
    /** Maximum images each image subscription discovers (Kargo `discoveryLimit`, 1–100). @default 20 */
    readonly discoveryLimit: number;
    /**
     * Platform (`<os>/<arch>`) the Warehouses of base images require of a tag, unless the base entry sets
     * its own `platform`. @default - none (Kargo does not filter by platform)
     */
    readonly platform?: string | undefined;
  };
  /** The build workflows that generate-state writes. */
  readonly build: {
    /**
     * Sign every pushed image with a keyless cosign signature (Sigstore Fulcio certificate for the
     * workflow's OIDC identity, recorded in Rekor). @default false
     */
    readonly sign: boolean;
  };
  /** Kargo webhook receivers (`ProjectConfig.spec.webhookReceivers`), each off by default. */
  readonly webhooks: {
    /** GitHub: pushes to repositories on `github.url`, and (with `packageEvents`) ghcr.io package events. */
    readonly github: WebhookReceiverSettings & {
      /** The registered webhooks deliver "Packages" events (ghcr.io pushes). @default true */
      readonly packageEvents: boolean;
    };
    /** GitLab: pushes to repositories on `gitlab.url` (Kargo's receiver handles no registry events). */
    readonly gitlab: WebhookReceiverSettings;
    /** Docker Hub: pushes to docker.io repositories you own. */
    readonly dockerhub: WebhookReceiverSettings;
    /** Quay: pushes to quay.io repositories. */
    readonly quay: WebhookReceiverSettings;
  };
  readonly stateRepo: {
    /** Git URL of the state repository (for the analysis job and generated workflows); no default. */
    readonly url?: string | undefined;
    /** Branch of the state repository. @default 'main' */
    readonly branch: string;
  };
  /** The state repository's own workflow (`.github/workflows/image-factory.yml`). */
  readonly stateWorkflow: {
    /** Where the workflow gets Image Factory from. */
    readonly factory: {
      /** GitHub `owner/name`. @default FACTORY_REPOSITORY ('image-factory/image-factory') */
      readonly repository: string;
      /** Tag, branch or commit. @default FACTORY_RELEASE_TAG (the release tag of this version) */
      readonly ref: string;
    };
  };
  /** Where `synth` writes the manifests, relative to the state repository. @default 'dist/image-factory.k8s.yaml' */
  readonly output: string;
}

/**
 * Where `settings.stateRepo.url` came from when image-factory.yaml does not set it: the `origin`
 * remote of the state directory, a git clone (the old tool's way of knowing its repository).
 * The apps say so when they use it.
 */
export interface StateRepoUrlSource {
  readonly kind: 'git-origin';
  /** The URL used (without credentials). */
  readonly url: string;
  /** The git config file it was read from (`.git/config`, relative to the state directory when inside it). */
  readonly file: string;
  /** True when the URL as written carried a user name and password, which were left out. */
  readonly credentialsRemoved: boolean;
}

/** A valid, loaded state repository. */
export interface FactoryState {
  /** Absolute path of the state directory. */
  readonly dir: string;
  /** `current` (images/, base-images/) or `legacy` (state/images, state/base-images). */
  readonly layout: 'current' | 'legacy';
  readonly settings: Settings;
  /** Set when `settings.stateRepo.url` was not in image-factory.yaml but taken from the git origin. */
  readonly stateRepoUrlSource?: StateRepoUrlSource | undefined;
  /** Enrolled managed images, sorted by name. */
  readonly managedImages: readonly ManagedImage[];
  /** Base and external images, sorted by name. */
  readonly baseImages: readonly BaseImage[];
  /** Warnings (unenrolled state files, legacy layout, ...); never errors. */
  readonly warnings: readonly StateProblem[];
}

/** What {@link loadState} returns: the state, or every problem (errors and warnings, sorted by file/line/col). */
export type LoadStateResult =
  | { readonly ok: true; readonly state: FactoryState; readonly warnings: readonly StateProblem[] }
  | { readonly ok: false; readonly problems: readonly StateProblem[] };
