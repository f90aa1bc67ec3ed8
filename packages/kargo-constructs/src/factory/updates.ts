import type { ImageUpdate, ManagedImage, Settings } from '@image-factory/state-schema';
import { imageFrom, quote } from '../expressions.js';
import { Step } from '../steps/step.js';
import { cloneUrl, dirnameOf } from './git.js';

/** Where the consumer repository is checked out during the promotion. */
export const CONSUMER_CHECKOUT = './consumer';

const KUSTOMIZATION_FILE = /^(kustomization\.ya?ml|Kustomization)$/;

/** What a `yaml-update` writes under `key`: the tag, the digest, or the full `repo:tag` reference. */
export type YamlUpdateValue = 'tag' | 'digest' | 'reference';

/**
 * What `yaml-update` writes for a key: keys ending in `tag` get the tag, keys ending in `digest` the
 * digest, any other key (e.g. `image`) the full reference `<registry>/<repository>:<tag>`.
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
 * The promotion steps of a consumer-update Stage: clone the consumer repository at its branch,
 * point it at the new version (`kustomize-set-image` or `yaml-update`), commit, push. The new
 * version is read from the Freight of the image's Warehouse (`imageFrom(<repo>, warehouse(...))`).
 * The consumer repository is on the image's source provider (`github.url` / `gitlab.url`); Kargo
 * finds its git credentials by repository URL (a Secret labelled `kargo.akuity.io/cred-type: git`).
 */
export function consumerUpdateSteps(
  image: ManagedImage,
  update: ImageUpdate,
  warehouseName: string,
  settings: Settings,
): Step[] {
  const repoURL = cloneUrl(settings, { provider: image.source.provider, path: update.repo });
  const built = imageFrom(image.reference.name, warehouseName);
  const tag = quote(built.expr.get('Tag'));
  let change: Step;
  if (update.type === 'kustomize-set-image') {
    change = Step.kustomizeSetImage(
      { path: inCheckout(kustomizationDir(update.path)), images: [{ image: image.reference.name, tag }] },
      { as: 'update' },
    );
  } else {
    const key = update.key as string;
    const kind = yamlUpdateValueKind(key);
    const value =
      kind === 'tag' ? tag : kind === 'digest' ? built.digest : `${image.reference.name}:${built.tag}`;
    change = Step.yamlUpdate({ path: inCheckout(update.path), updates: [{ key, value }] }, { as: 'update' });
  }
  return [
    Step.gitClone(
      { repoURL, checkout: [{ branch: update.branch, path: CONSUMER_CHECKOUT }] },
      { as: 'clone' },
    ),
    change,
    Step.gitCommit(
      {
        path: CONSUMER_CHECKOUT,
        message: `image-factory: update ${image.name} to ${built.tag} in ${update.path}`,
      },
      { as: 'commit' },
    ),
    Step.gitPush({ path: CONSUMER_CHECKOUT, targetBranch: update.branch }, { as: 'push' }),
  ];
}
