import { imageFrom, Step } from '@image-factory/kargo-constructs';
import type { ImageUpdate, ManagedImage, Settings } from '@image-factory/state-schema';
import { cloneUrl, dirnameOf } from './git.js';

/** Where the consumer repository is checked out during the promotion. */
export const CONSUMER_CHECKOUT = './consumer';

const KUSTOMIZATION_FILE = /^(kustomization\.ya?ml|Kustomization)$/;

/** What a `yaml-update` writes under `key`: the tag, the digest, or the full `repo:tag` reference. */
export type YamlUpdateValue = 'tag' | 'digest' | 'reference';

/**
 * What `yaml-update` writes for a key: keys ending in `tag` get the tag, keys ending in `digest` the
 * digest, any other key (e.g. `image`) the full reference. Tags and references carry the digest too
 * (`<tag>@<digest>`, `<registry>/<repository>:<tag>@<digest>`) unless the entry has a `digestKey`
 * (see {@link yamlUpdates}).
 */
export function yamlUpdateValueKind(key: string): YamlUpdateValue {
  const last = (key.split('.').at(-1) ?? key).toLowerCase();
  if (last.endsWith('tag')) return 'tag';
  if (last.endsWith('digest')) return 'digest';
  return 'reference';
}

/** The directory `kustomize-set-image` works in: the path itself, or its directory when it names the file. */
export function kustomizationDir(path: string): string {
  const file = path.split('/').at(-1) ?? path;
  return KUSTOMIZATION_FILE.test(file) ? dirnameOf(path) : path;
}

function inCheckout(path: string): string {
  return path === '.' || path === '' ? CONSUMER_CHECKOUT : `${CONSUMER_CHECKOUT}/${path}`;
}

/**
 * The `yaml-update` updates of an `updates[]` entry. Every form pins the digest, so that a rebuild pushed
 * under the same tag (a team's workflow that keeps its version) still changes the file, is committed and
 * reaches the consumer:
 *
 * - a key ending in `tag`: `<tag>@<digest>` (a valid image reference suffix: `repo:1.2.3@sha256:…`); with
 *   `digestKey`, the tag alone and the digest under `digestKey` (for charts with a separate digest value,
 *   or that use the tag in a label, where `@` is not allowed);
 * - a key ending in `digest`: the digest;
 * - any other key: `<registry>/<repository>:<tag>@<digest>`; with `digestKey`, `…:<tag>` and the digest
 *   under `digestKey`.
 *
 * Tags written alone are `quote()`d, so that a tag such as `1.20` stays a string; the other values have
 * text around the expressions and stay strings (pkg/expressions/json_templates.go EvaluateTemplate).
 */
export function yamlUpdates(
  image: ManagedImage,
  update: ImageUpdate,
  warehouseName: string,
): { key: string; value: string }[] {
  const built = imageFrom(image.reference.name, warehouseName);
  const key = update.key as string;
  const pinned = `@${built.digest}`;
  const separate = update.digestKey !== undefined ? [{ key: update.digestKey, value: built.digest }] : [];
  switch (yamlUpdateValueKind(key)) {
    case 'tag':
      return separate.length > 0
        ? [{ key, value: built.quotedTag }, ...separate]
        : [{ key, value: `${built.tag}${pinned}` }];
    case 'digest':
      return [{ key, value: built.digest }];
    case 'reference': {
      const reference = `${image.reference.name}:${built.tag}`;
      return separate.length > 0
        ? [{ key, value: reference }, ...separate]
        : [{ key, value: `${reference}${pinned}` }];
    }
  }
}

/**
 * The promotion steps of a consumer-update Stage: clone the consumer repository at its branch,
 * point it at the new version (`kustomize-set-image` or `yaml-update`), commit, push. The new
 * version is read from the Freight of the image's Warehouse (`imageFrom(<repo>, warehouse(...))`) and
 * pinned by digest: `kustomize-set-image` sets the image's `digest` (kustomize renders
 * `<image>@<digest>`), `yaml-update` as {@link yamlUpdates} says. The consumer repository is on the
 * image's source provider (`github.url` / `gitlab.url`); Kargo finds its git credentials by repository
 * URL (a Secret labelled `kargo.akuity.io/cred-type: git`).
 */
export function consumerUpdateSteps(
  image: ManagedImage,
  update: ImageUpdate,
  warehouseName: string,
  settings: Settings,
): Step[] {
  const repoURL = cloneUrl(settings, { provider: image.source.provider, path: update.repo });
  const built = imageFrom(image.reference.name, warehouseName);
  const change =
    update.type === 'kustomize-set-image'
      ? // `digest` and `tag` are mutually exclusive in the step's schema; with `digest` Kargo writes
        // `digest:` and no `newTag:` for the image (pkg/promotion/runner/builtin/kustomize_image_setter.go
        // buildTargetImagesFromConfig).
        Step.kustomizeSetImage(
          {
            path: inCheckout(kustomizationDir(update.path)),
            images: [{ image: image.reference.name, digest: built.digest }],
          },
          { as: 'update' },
        )
      : Step.yamlUpdate(
          { path: inCheckout(update.path), updates: yamlUpdates(image, update, warehouseName) },
          { as: 'update' },
        );
  return [
    Step.gitClone(
      { repoURL, checkout: [{ branch: update.branch, path: CONSUMER_CHECKOUT }] },
      { as: 'clone' },
    ),
    change,
    Step.gitCommit(
      {
        path: CONSUMER_CHECKOUT,
        message: `image-factory: update ${image.name} to ${built.tag}@${built.digest} in ${update.path}`,
      },
      { as: 'commit' },
    ),
    Step.gitPush({ path: CONSUMER_CHECKOUT, targetBranch: update.branch }, { as: 'push' }),
  ];
}
