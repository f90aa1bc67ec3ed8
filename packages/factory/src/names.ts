import { nameHash, shortenName, toKubernetesName } from '@image-factory/kargo-constructs';

/**
 * The images.yaml default `rebuildDelay` (7d, state-schema `ManagedEntrySchema`) in seconds: the base
 * Warehouse and Stage of the dependents with this soak time keep the plain name `base-<name>`.
 */
export const DEFAULT_SOAK_SECONDS = 604_800;

/** A soak time for names: `7d`, `1h30m`, `45s`, `0s`. */
export function compactDuration(seconds: number): string {
  if (seconds <= 0) return '0s';
  const parts: string[] = [];
  let rest = Math.floor(seconds);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  return parts.join('');
}

/**
 * The names of the objects {@link ImageFactory} generates. Each is at most 63 characters: a longer
 * name is cut and given a stable hash suffix of the whole name (see `shortenName`).
 *
 * | object | name |
 * | --- | --- |
 * | AnalysisTemplate | `analyze-dockerfile` |
 * | Warehouse watching a base image (or a managed image used as a base) | `base-<name>` |
 * | Stage holding the current Freight of that Warehouse (where it soaks) | `base-<name>` |
 * | the same for the dependents whose `rebuildDelay` is not 7d | `base-<name>-soak-<delay>` |
 * | Warehouse of a managed image (built image + Dockerfile source) | `image-<name>` |
 * | Stage analysing each new version | `analyze-dockerfile-<name>` |
 * | Stage dispatching the rebuild | `rebuild-<name>` |
 * | Stage updating a consumer | `update-<name>-<repo>-<path>` |
 */
export const FactoryNames = {
  /** The AnalysisTemplate running `image-factory analyze`. */
  analysisTemplate: 'analyze-dockerfile',
  /**
   * Warehouse (and Stage) of a base image or of a managed image used as a base, for the dependents that
   * soak `soakSeconds` (their `rebuildDelay`): `base-<name>` for the default 7d (and for a Warehouse that
   * feeds no rebuild), `base-<name>-soak-<delay>` otherwise. A name depends only on the base and the soak
   * time, so adding or removing images never renames an existing Warehouse.
   */
  base: (name: string, soakSeconds: number = DEFAULT_SOAK_SECONDS): string =>
    shortenName(
      soakSeconds === DEFAULT_SOAK_SECONDS
        ? `base-${name}`
        : `base-${name}-soak-${compactDuration(soakSeconds)}`,
    ),
  /** Warehouse of a managed image: its built image and its Dockerfile's source. */
  image: (name: string): string => shortenName(`image-${name}`),
  /** Stage running the analysis job for each new version of a managed image. */
  analysis: (name: string): string => shortenName(`analyze-dockerfile-${name}`),
  /** Stage dispatching the build of a managed image when one of its bases changed. */
  rebuild: (name: string): string => shortenName(`rebuild-${name}`),
} as const;

/** An `updates[]` entry, as far as its Stage name is concerned. */
export interface UpdateNameInput {
  readonly repo: string;
  readonly path: string;
  readonly branch: string;
}

/**
 * Names of the consumer-update Stages of one image, in the order of `updates`:
 * `update-<image>-<last segment of repo>-<path without extension>`, made Kubernetes-valid. The
 * name depends only on the entry itself (reordering `updates[]` renames nothing); when two entries
 * would get the same name, each of them gets a hash of its repo, path and branch appended.
 */
export function updateStageNames(image: string, updates: readonly UpdateNameInput[]): string[] {
  const base = updates.map((u) => {
    const repo = u.repo.split('/').at(-1) ?? u.repo;
    const path = u.path.replace(/\.[A-Za-z0-9]+$/, '');
    return toKubernetesName(['update', image, repo, path]);
  });
  const counts = new Map<string, number>();
  for (const name of base) counts.set(name, (counts.get(name) ?? 0) + 1);
  return base.map((name, i) => {
    if ((counts.get(name) ?? 0) === 1) return name;
    const u = updates[i] as UpdateNameInput;
    const hash = nameHash(`${u.repo}\n${u.path}\n${u.branch}`);
    return `${shortenName(name, { maxLength: 63 - hash.length - 1 })}-${hash}`;
  });
}
