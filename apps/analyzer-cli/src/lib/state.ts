/** Loading the state repository and recording discoveries in it, shared by analyze and generate-state. */
import { join } from 'node:path';
import {
  ensureBaseImageFile,
  type FactoryState,
  formatProblem,
  type ImageReference,
  loadState,
  type ManagedImage,
  referenceKey,
  type StateProblem,
  updateManagedImageState,
} from '@image-factory/state-schema';
import { displayPath } from '@image-factory/state-schema/state-dir';
import { CliError } from '../errors.js';

/**
 * Loads the state in `dir`, or throws a {@link CliError} listing every error (`file:line:col: message`).
 * With `cwd` (the user's own checkout), files are shown from there (relative when inside it, so
 * that terminals and editors open them); without (a clone of the analysis job), from `dir`.
 */
export async function loadValidState(
  dir: string,
  what = 'the state repository',
  cwd?: string,
): Promise<FactoryState> {
  const result = loadState(dir);
  if (result.ok) return result.state;
  if (result.problems.some((problem) => problem.code === 'missing-directory')) throw missingStateDir(dir);
  const shown =
    cwd === undefined
      ? result.problems
      : result.problems.map((problem) => ({ ...problem, file: displayPath(join(dir, problem.file), cwd) }));
  throw new CliError(`${what} is invalid:\n${formatProblems(shown)}`);
}

/** The error for a state directory that does not exist, with this CLI's way to name another one. */
export function missingStateDir(dir: string): CliError {
  return new CliError(
    `state directory ${dir} does not exist or is not a directory`,
    1,
    MISSING_STATE_DIR_HINT,
  );
}

/** How to point the CLI at the state repository. */
export const MISSING_STATE_DIR_HINT =
  'pass --state-dir DIR or set IMAGE_FACTORY_STATE_DIR to a checkout of the state repository';

/** Formats the errors of a load (and its warnings after them), one per line, indented. */
export function formatProblems(problems: readonly StateProblem[]): string {
  const errors = problems.filter((problem) => problem.severity === 'error');
  const chosen = errors.length > 0 ? errors : problems;
  return chosen.map((problem) => `  ${formatProblem(problem).replace(/\n/g, '\n  ')}`).join('\n');
}

/** Finds an enrolled managed image, or throws a {@link CliError} naming the enrolled ones. */
export function findManagedImage(state: FactoryState, name: string): ManagedImage {
  const image = state.managedImages.find((candidate) => candidate.name === name);
  if (image) return image;
  const base = state.baseImages.some((candidate) => candidate.name === name);
  const known = state.managedImages.map((candidate) => candidate.name).join(', ') || 'none';
  throw new CliError(
    base
      ? `image "${name}" is enrolled in images.yaml as a base image (no source), not as a managed image`
      : `image "${name}" is not enrolled in images.yaml`,
    1,
    `managed images: ${known}`,
  );
}

/** How the images a Dockerfile uses map to state names. */
export interface BaseImageResolution {
  /** Sorted, distinct names (base images and managed images). */
  readonly names: readonly string[];
  /** Base-image files created (relative to the state directory). */
  readonly created: readonly string[];
  /** The name each reference resolved to, by `referenceKey` (`docker.io/library/python:3.12-slim`: the pins' keys). */
  readonly byReference: ReadonlyMap<string, string>;
}

/**
 * Maps each image `imageName` is built from to its state name, creating a base-image file for each
 * image not yet described:
 * 1. an enrolled managed image with the same repository (a cascade: the image is built on it);
 * 2. a base image with the same normalized reference, whatever its file name;
 * 3. a base image watching the same repository whose `allowTags` selects the tag;
 * 4. else `ensureBaseImageFile` (which also reuses a file describing the reference).
 */
export async function resolveBaseImageNames(
  state: FactoryState,
  imageName: string,
  references: readonly ImageReference[],
  now: string,
): Promise<BaseImageResolution> {
  const names = new Set<string>();
  const created: string[] = [];
  const byReference = new Map<string, string>();
  const add = (reference: ImageReference, name: string) => {
    names.add(name);
    byReference.set(referenceKey(reference), name);
  };
  for (const reference of references) {
    const managed = state.managedImages.find((candidate) => candidate.reference.name === reference.name);
    if (managed) {
      if (managed.name === imageName) {
        throw new CliError(`image "${imageName}" is built from its own repository (${reference.familiar})`);
      }
      add(reference, managed.name);
      continue;
    }
    const known = findDescribedBaseImage(state, reference);
    if (known) {
      add(reference, known);
      continue;
    }
    const ensured = await ensureBaseImageFile(state.dir, reference, { firstDiscovered: now });
    add(reference, ensured.name);
    if (ensured.created) created.push(ensured.file);
  }
  return { names: [...names].sort(), created, byReference };
}

/** The name of a base image of the state that already covers `reference`, if any. */
export function findDescribedBaseImage(state: FactoryState, reference: ImageReference): string | undefined {
  const key = referenceKey(reference);
  const exact = state.baseImages.find((base) => base.key === key);
  if (exact) return exact.name;
  if (reference.digest !== undefined) return undefined;
  const tag = reference.tag ?? 'latest';
  const watching = state.baseImages.find(
    (base) =>
      base.repoURL === reference.name && base.allowTags !== undefined && safeTest(base.allowTags, tag),
  );
  return watching?.name;
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern).test(value);
  } catch {
    return false;
  }
}

/** Whether two name lists hold the same names. */
export function sameNames(a: readonly string[], b: readonly string[]): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((name, index) => name === right[index]);
}

/** A discovery outcome to record in `images/<name>.yaml`. */
export type DiscoveryOutcome =
  | { readonly ok: true; readonly baseImages: readonly string[] }
  | { readonly ok: false };

/** Options of {@link recordDiscovery}. */
export interface RecordOptions {
  readonly now: string;
  /**
   * The `workflow_dispatch` input names of the image's team workflow; `null` removes the field
   * (not known); undefined leaves it as it is.
   */
  readonly workflowInputs?: readonly string[] | null | undefined;
  /**
   * A newly built version (the analysis job): tag, digest, and when it was built (recorded as
   * `lastBuilt`; absent: `now`).
   */
  readonly version?:
    | {
        readonly tag: string;
        readonly digest?: string | undefined;
        readonly builtAt?: string | undefined;
        /** Base digests it was built on, by base name; undefined: unpinned (removes the record). */
        readonly builtOn?: Readonly<Record<string, string>> | undefined;
      }
    | undefined;
  /** Copy the images.yaml entry into `enrollment` (generate-state). @default false */
  readonly syncEnrollment?: boolean | undefined;
}

/**
 * Records a discovery in `images/<name>.yaml` through the state-schema writer, touching only what
 * changed: timestamps move only when something they describe changed, so that a re-run with the
 * same result writes nothing. A failed discovery keeps the previous `baseImages`.
 * Returns the file (relative) when it was written.
 */
export async function recordDiscovery(
  state: FactoryState,
  image: ManagedImage,
  outcome: DiscoveryOutcome,
  options: RecordOptions,
): Promise<string | undefined> {
  const previous = image.state;
  const status = outcome.ok ? 'success' : 'failed';
  const basesChanged = outcome.ok && !sameNames(previous?.baseImages ?? [], outcome.baseImages);
  const statusChanged = previous?.discoveryStatus !== status;
  const version = options.version;
  const versionChanged =
    version !== undefined &&
    (previous?.currentVersion !== version.tag ||
      (version.digest !== undefined && previous?.currentDigest !== version.digest));
  const discoveryChanged = previous === undefined || basesChanged || statusChanged || versionChanged;
  const result = await updateManagedImageState(state.dir, image.name, {
    ...(options.syncEnrollment || previous === undefined ? { enrollment: image.entry } : {}),
    ...(previous?.enrolledAt === undefined && (options.syncEnrollment || previous === undefined)
      ? { enrolledAt: options.now }
      : {}),
    ...(discoveryChanged ? { lastDiscovery: options.now, discoveryStatus: status } : {}),
    ...(outcome.ok ? { baseImages: [...outcome.baseImages] } : {}),
    ...(options.workflowInputs === undefined ? {} : { workflowInputs: options.workflowInputs }),
    ...(versionChanged && version
      ? {
          currentVersion: version.tag,
          ...(version.digest !== undefined ? { currentDigest: version.digest } : {}),
          lastBuilt: version.builtAt ?? options.now,
          builtOn: version.builtOn ?? null,
        }
      : {}),
  });
  return result.changed ? result.file : undefined;
}
