import {
  type BaseImage,
  DEFAULT_SETTINGS,
  type ImageSelectionStrategy,
  type ImageUpdate,
  type LocalBuildInputs,
  type ManagedImage,
  parseImageReference,
  referenceKey,
  type Settings,
  type SourceProvider,
  toKargoDuration,
} from '@image-factory/state-schema';
import { Chart, Testing } from 'cdk8s';
import { type FactoryInput, ImageFactory } from '../src/index.js';

/** Settings as a test state would load them: the defaults, a state repo, and overrides. */
export function settings(
  overrides: Partial<{ -readonly [K in keyof Settings]: Partial<Settings[K]> | Settings[K] }> = {},
): Settings {
  const base: Settings = {
    ...DEFAULT_SETTINGS,
    stateRepo: { url: 'https://github.com/acme/image-factory-state.git', branch: 'main' },
  };
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = (base as unknown as Record<string, unknown>)[key];
    out[key] =
      typeof current === 'object' && current !== null && typeof value === 'object' && value !== null
        ? { ...current, ...value }
        : value;
  }
  return out as unknown as Settings;
}

let line = 1;

/** A managed image as the loader returns it (defaults applied). */
export function managed(
  name: string,
  options: {
    readonly baseImages?: readonly string[];
    readonly provider?: SourceProvider;
    readonly repo?: string;
    readonly branch?: string;
    readonly dockerfile?: string;
    readonly workflow?: string;
    readonly rebuildDelaySeconds?: number;
    readonly autoRebuild?: boolean;
    readonly updates?: readonly (Omit<ImageUpdate, 'branch'> & { branch?: string })[];
    readonly local?: LocalBuildInputs;
    readonly currentVersion?: string;
    readonly stateFile?: boolean;
    readonly registry?: string;
    readonly repository?: string;
    /** `workflowInputs` of images/<name>.yaml: the inputs the team's workflow declares. */
    readonly workflowInputs?: readonly string[];
  } = {},
): ManagedImage {
  const registry = options.registry ?? 'ghcr.io';
  const repository = options.repository ?? `acme/${name}`;
  const delay = options.rebuildDelaySeconds ?? 604_800;
  const hasState = options.stateFile ?? true;
  const baseImages = [...(options.baseImages ?? [])].sort();
  return {
    name,
    registry,
    repository,
    reference: parseImageReference(`${registry}/${repository}`),
    source: {
      provider: options.provider ?? 'github',
      repo: options.repo ?? `acme/${name}`,
      branch: options.branch ?? 'main',
      dockerfile: options.dockerfile ?? `${name}/Dockerfile`,
      ...(options.workflow !== undefined ? { workflow: options.workflow } : {}),
    },
    rebuildDelay: toKargoDuration(delay),
    rebuildDelaySeconds: delay,
    autoRebuild: options.autoRebuild ?? true,
    updates: (options.updates ?? []).map((u) => ({ ...u, branch: u.branch ?? 'main' })),
    ...(options.local !== undefined ? { local: options.local } : {}),
    ...(hasState
      ? {
          state: {
            name,
            baseImages,
            ...(options.currentVersion !== undefined ? { currentVersion: options.currentVersion } : {}),
          },
          stateFile: `images/${name}.yaml`,
        }
      : {}),
    baseImages: hasState ? baseImages : [],
    entry: { name },
    origin: { file: 'images.yaml', line: line++, col: 3 },
    ...(options.workflowInputs !== undefined ? { workflowInputs: options.workflowInputs } : {}),
  } as ManagedImage;
}

/** A base image as the loader returns it; `usedBy` is filled in by {@link input}. */
export function base(
  name: string,
  image: string,
  options: {
    readonly allowTags?: string;
    readonly strategy?: ImageSelectionStrategy;
    readonly external?: boolean;
  } = {},
): BaseImage {
  const reference = parseImageReference(image);
  const strategy =
    options.strategy ??
    (reference.tag !== undefined && options.allowTags === undefined ? 'Digest' : 'SemVer');
  return {
    name,
    reference,
    repoURL: reference.name,
    key: referenceKey(reference),
    ...(reference.tag !== undefined ? { tag: reference.tag } : {}),
    ...(options.allowTags !== undefined ? { allowTags: options.allowTags } : {}),
    imageSelectionStrategy: strategy,
    imageSelectionStrategyExplicit: options.strategy !== undefined,
    usedBy: [],
    external: options.external ?? false,
    stateFile: `base-images/${name}.yaml`,
    origin: { file: `base-images/${name}.yaml`, line: 1, col: 1 },
  };
}

/** A state: `usedBy` of the base images computed from the managed images. */
export function input(
  managedImages: readonly ManagedImage[],
  baseImages: readonly BaseImage[],
  s: Settings = settings(),
): FactoryInput {
  return {
    settings: s,
    managedImages,
    baseImages: baseImages.map((b) => ({
      ...b,
      usedBy: managedImages.filter((m) => m.baseImages.includes(b.name)).map((m) => m.name),
    })),
  };
}

/** Synthesizes an ImageFactory for `state` (all validations run) into its manifests. */
export function synthFactory(state: FactoryInput): {
  factory: ImageFactory;
  manifests: Record<string, any>[];
} {
  const chart = new Chart(Testing.app(), 'factory');
  const factory = new ImageFactory(chart, 'ImageFactory', { state });
  return { factory, manifests: Testing.synth(chart) };
}

/** The manifests of one kind, by name. */
export function byName(
  manifests: readonly Record<string, any>[],
  kind: string,
): Map<string, Record<string, any>> {
  return new Map(manifests.filter((m) => m.kind === kind).map((m) => [m.metadata.name as string, m]));
}
