/**
 * Base entries of the old tool's images.yaml repeat fields of managed entries (`registry`,
 * `repository`, `rebuildDelay`, `autoRebuild`). images.yaml is user-authored and stays strict, but
 * the old tool's images.yaml must load, so these four are read with this rule:
 *
 * - `registry` + `repository` were the old tool's way of saying what a base image watches (it
 *   built its Warehouse `repoURL` as `registry/repository`). Without `repoURL` (and without a
 *   base-images file saying it), they are read as that `repoURL`, with a warning. When they repeat
 *   what `repoURL` or the base-images file says, they are ignored, with a warning. When they
 *   contradict it, ignoring them would change what is watched: an error.
 * - `rebuildDelay` and `autoRebuild` never did anything on a base image (only managed images are
 *   rebuilt, each after its own `rebuildDelay`): ignored, with a warning.
 *
 * `image-factory migrate` rewrites such entries (registry + repository into `repoURL`, the rest
 * removed), after which they load without a warning.
 */
import { IMAGES_FILE } from './layout.js';
import type { Origin, StateProblem } from './model.js';
import type { EntryInfo } from './model-helpers.js';
import { problem } from './problems.js';
import { type ImageReference, tryParseImageReference } from './reference.js';
import type { BaseEntry } from './schema/images-file.js';
import { describeValue } from './validate-document.js';
import type { YamlSource } from './yaml-source.js';

/** The repository `registry` + `repository` name, normalized, when both are written and valid. */
export function oldRepository(
  fields: Readonly<Record<string, unknown>> | undefined,
): ImageReference | undefined {
  const { registry, repository } = fields ?? {};
  if (typeof registry !== 'string' || typeof repository !== 'string') return undefined;
  const parsed = tryParseImageReference(`${registry}/${repository}`);
  if (!parsed.ok || parsed.reference.tag !== undefined || parsed.reference.digest !== undefined)
    return undefined;
  return parsed.reference;
}

/**
 * Checks the old fields of a base entry. `reference` is what the entry watches, from `repoURL` or
 * its base-images file (`described` names which), or undefined when neither says it. Returns the
 * repository to watch when only `registry` + `repository` say it, and whether the entry is broken.
 */
export function checkOldBaseEntryFields(
  entry: EntryInfo<BaseEntry>,
  reference: ImageReference | undefined,
  described: string,
  imagesFile: YamlSource | undefined,
  problems: StateProblem[],
): { readonly repoURL?: ImageReference | undefined; readonly broken: boolean } {
  const old = entry.oldFields ?? {};
  const subject = `image "${entry.value.name}": `;
  const at = (field: string): Origin =>
    imagesFile ? imagesFile.locate([entry.index, field], 'key') : entry.origin;
  const valueAt = (field: string): Origin =>
    imagesFile ? imagesFile.locate([entry.index, field]) : entry.origin;
  let broken = false;

  for (const field of ['rebuildDelay', 'autoRebuild'] as const) {
    if (!(field in old)) continue;
    problems.push(
      problem(
        'warning',
        'unknown-field',
        at(field),
        [entry.index, field],
        `${subject}${field} is ignored for base images (only managed images are rebuilt, each after its own rebuildDelay and as its own autoRebuild says)`,
        'remove it (`image-factory migrate` does)',
      ),
    );
  }

  const written = (['registry', 'repository'] as const).filter((field) => field in old);
  if (written.length === 0) return { broken };
  const first = written[0] as 'registry' | 'repository';
  for (const field of written) {
    if (typeof old[field] !== 'string') {
      problems.push(
        problem(
          'error',
          'invalid-type',
          valueAt(field),
          [entry.index, field],
          `${subject}${field} must be a string (got ${describeValue(old[field])})`,
        ),
      );
      broken = true;
    }
  }
  if (broken) return { broken };
  const registry = old.registry as string | undefined;
  const repository = old.repository as string | undefined;
  const both = oldRepository(entry.oldFields);
  const shown = [registry, repository].filter((v) => v !== undefined).join('/');
  const fields = written.join(' and ');

  if (reference === undefined) {
    if (both === undefined) {
      problems.push(
        problem(
          'error',
          written.length === 2 ? 'invalid-reference' : 'missing-field',
          valueAt(first),
          [entry.index, 'repoURL'],
          written.length === 2
            ? `${subject}registry and repository ("${shown}") do not name an image repository, and there is no repoURL`
            : `${subject}repoURL is required (${fields} alone does not say which repository to watch)`,
          'write the repository to watch, e.g. repoURL: docker.io/library/python',
        ),
      );
      return { broken: true };
    }
    problems.push(
      problem(
        'warning',
        'unknown-field',
        at(first),
        [entry.index, first],
        `${subject}registry and repository are how the old tool wrote what a base image watches: read as repoURL ${both.name}`,
        `write repoURL: ${both.name} instead (\`image-factory migrate\` does)`,
      ),
    );
    return { repoURL: both, broken };
  }

  const same =
    both !== undefined
      ? both.name === reference.name
      : registry !== undefined
        ? sameRegistry(registry, reference.registry)
        : repository === reference.repository || `library/${repository}` === reference.repository;
  if (!same) {
    problems.push(
      problem(
        'error',
        'reference-mismatch',
        valueAt(first),
        [entry.index, first],
        `${subject}${fields} ("${shown}") do${written.length === 1 ? 'es' : ''} not match ${described} (${reference.name}), which is what this base image watches`,
        `${fields} are fields of managed images: remove ${written.length === 1 ? 'it' : 'them'}, or fix repoURL`,
      ),
    );
    return { broken: true };
  }
  problems.push(
    problem(
      'warning',
      'unknown-field',
      at(first),
      [entry.index, first],
      `${subject}${fields} ${written.length === 1 ? 'is' : 'are'} ignored for base images (${written.length === 1 ? 'it repeats' : 'they repeat'} ${described}: ${reference.name})`,
      `remove ${written.length === 1 ? 'it' : 'them'} (\`image-factory migrate\` does)`,
    ),
  );
  return { broken };
}

function sameRegistry(written: string, registry: string): boolean {
  const parsed = tryParseImageReference(`${written}/x`);
  return parsed.ok && parsed.reference.registry === registry;
}

/** Where a base entry's watched repository comes from, for messages. */
export function describedBy(entry: EntryInfo<BaseEntry>, file: { file: string } | undefined): string {
  if (entry.value.repoURL !== undefined) return 'repoURL';
  return file ? file.file : IMAGES_FILE;
}
