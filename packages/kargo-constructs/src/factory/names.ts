import { nameHash, shortenName, toKubernetesName } from '../names.js';

/**
 * The names of the objects {@link ImageFactory} generates. Each is at most 63 characters: a longer
 * name is cut and given a stable hash suffix of the whole name (see `shortenName`).
 *
 * | object | name |
 * | --- | --- |
 * | AnalysisTemplate | `analyze-dockerfile` |
 * | Warehouse watching a base image (or a managed image used as a base) | `base-<name>` |
 * | Stage holding the current Freight of that Warehouse (where it soaks) | `base-<name>` |
 * | Warehouse of a managed image (built image + Dockerfile source) | `image-<name>` |
 * | Stage analysing each new version | `analyze-dockerfile-<name>` |
 * | Stage dispatching the rebuild | `rebuild-<name>` |
 * | Stage updating a consumer | `update-<name>-<repo>-<path>` |
 */
export const FactoryNames = {
  /** The AnalysisTemplate running `image-factory analyze`. */
  analysisTemplate: 'analyze-dockerfile',
  /** Warehouse (and Stage) of a base image or of a managed image used as a base. */
  base: (name: string): string => shortenName(`base-${name}`),
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
