import type { ImageUpdate, ManagedImage } from '@image-factory/state-schema';
import { stateError } from '../errors.js';
import { updateStageNames } from '../names.js';
import { yamlUpdateValueKind } from '../updates.js';
import type { PlanContext } from './context.js';
import type { UpdateStagePlan } from './plan.js';

/**
 * The Stages bumping each consumer of a managed image (`updates[]`) to each version verified in its
 * analysis Stage (`upstream`), fed by the image's Warehouse. An entry that cannot be applied (a
 * yaml-update without `key`, a `digestKey` that cannot be used) is reported and gets no Stage.
 */
export function planUpdateStages(
  image: ManagedImage,
  warehouse: string,
  upstream: string,
  context: PlanContext,
): UpdateStagePlan[] {
  const { problems } = context;
  const names = updateStageNames(image.name, image.updates);
  const stages: UpdateStagePlan[] = [];
  image.updates.forEach((update, index) => {
    if (update.type === 'yaml-update' && (update.key === undefined || update.key === '')) {
      problems.push(
        stateError(
          'missing-field',
          image.origin,
          ['updates', index, 'key'],
          `image "${image.name}": updates[${index}] (${update.repo} ${update.path}) is a yaml-update without "key", so the factory does not know which value to set`,
          'add key: the dotted path of the value to set, e.g. key: image.tag (a key ending in "tag" gets the tag, in "digest" the digest, any other key the full image reference)',
        ),
      );
      return;
    }
    const digestKeyProblem = digestKeyIssue(update);
    if (digestKeyProblem !== undefined) {
      problems.push(
        stateError(
          'invalid-value',
          image.origin,
          ['updates', index, 'digestKey'],
          `image "${image.name}": updates[${index}] (${update.repo} ${update.path}): ${digestKeyProblem}`,
          'remove digestKey, or use it beside a key that ends in "tag" (or holds the image reference) of a yaml-update',
        ),
      );
      return;
    }
    stages.push({
      role: 'update',
      name: names[index] as string,
      image: image.name,
      index,
      update,
      warehouse,
      upstream,
      autoPromote: true,
    });
  });
  return stages;
}

/** Why an entry's `digestKey` cannot be used, or `undefined`. */
function digestKeyIssue(update: ImageUpdate): string | undefined {
  if (update.digestKey === undefined) return undefined;
  if (update.type !== 'yaml-update') {
    return 'digestKey is only for yaml-update (kustomize-set-image always pins the digest)';
  }
  if (update.digestKey === update.key) return `digestKey is the same key as key ("${update.key}")`;
  if (yamlUpdateValueKind(update.key ?? '') === 'digest') {
    return `key "${update.key}" already gets the digest, so digestKey would set it twice`;
  }
  return undefined;
}
