import { loadBaseFile, mergeBaseImages, reportDuplicateReferences } from './base-images.js';
import { loadEntries } from './entries.js';
import type { StateLayout } from './layout.js';
import { IMAGES_FILE } from './layout.js';
import { checkBaseImageReferences, toManagedImage, toManagedState } from './managed-images.js';
import type { FactoryState, ManagedImage, ManagedImageState, StateProblem } from './model.js';
import { type BaseFileInfo, compare, duplicateFile, nameMismatch } from './model-helpers.js';
import { problem } from './problems.js';
import { ImageStateSchema } from './schema/image-state.js';
import { loadSettings } from './settings-loader.js';
import { validateDocument } from './validate-document.js';
import type { YamlSource } from './yaml-source.js';

/** A state file found on disk, read lazily (unenrolled files are only warned about). */
export interface ReadStateFile {
  /** File name without `.yaml`. */
  readonly name: string;
  /** Path relative to the state directory. */
  readonly file: string;
  read(): YamlSource | undefined;
}

/** Everything the loader read from disk. */
export interface ReadDocuments {
  readonly layout: StateLayout;
  readonly imagesFile: YamlSource | undefined;
  readonly settingsFile: YamlSource | undefined;
  readonly imageStates: readonly ReadStateFile[];
  readonly baseImageStates: readonly ReadStateFile[];
}

/** Validates every document and merges them into the model; problems are appended to `problems`. */
export function buildModel(
  dir: string,
  docs: ReadDocuments,
  problems: StateProblem[],
): Omit<FactoryState, 'warnings'> | undefined {
  const settings = loadSettings(docs.settingsFile, problems);
  const { managed, base, kinds } = loadEntries(docs.imagesFile, problems);

  // Managed image state files.
  const states = new Map<string, { state: ManagedImageState; file: string; source: YamlSource }>();
  for (const found of docs.imageStates) {
    if (kinds.get(found.name) !== 'managed') {
      const isBase = kinds.get(found.name) === 'base';
      problems.push(
        problem(
          'warning',
          'unenrolled-state',
          { file: found.file, line: 0, col: 0 },
          [],
          isBase
            ? `"${found.name}" is enrolled as a base image, not a managed image: this file is ignored`
            : `image "${found.name}" is not enrolled in images.yaml: this file is ignored`,
          isBase
            ? `base image state lives in base-images/${found.name}.yaml; delete this file`
            : 'enroll the image in images.yaml, or delete the file',
        ),
      );
      continue;
    }
    const source = found.read();
    if (!source) continue;
    const previous = states.get(found.name);
    if (previous) {
      problems.push(duplicateFile(found.file, previous.file, found.name));
      continue;
    }
    const result = validateDocument(ImageStateSchema, source.data, { source, basePath: [], subject: '' });
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    const doc = result.value;
    if (doc.name !== found.name) problems.push(nameMismatch(source, found.file, doc.name, found.name));
    states.set(found.name, { state: toManagedState(doc), file: found.file, source });
  }

  // Base image state files.
  const baseFiles = new Map<string, BaseFileInfo>();
  // Names of base files that exist but are invalid (reported once; no follow-up problems).
  const brokenBaseFiles = new Set<string>();
  for (const found of docs.baseImageStates) {
    const source = found.read();
    if (!source) {
      brokenBaseFiles.add(found.name);
      continue;
    }
    const previous = baseFiles.get(found.name);
    if (previous) {
      problems.push(duplicateFile(found.file, previous.file, found.name));
      continue;
    }
    const info = loadBaseFile(found, source, problems);
    if (info) baseFiles.set(found.name, info);
    else brokenBaseFiles.add(found.name);
  }
  reportDuplicateReferences(baseFiles, problems);

  // Base-image file names colliding with managed image names.
  for (const info of baseFiles.values()) {
    const entry = managed.get(info.name);
    if (entry) {
      problems.push(
        problem(
          'error',
          'duplicate-name',
          { file: info.file, line: 0, col: 0 },
          [],
          `base image "${info.name}" has the name of the managed image at ${IMAGES_FILE}:${entry.origin.line}`,
          'names are unique across managed and base images: rename the base image file (and its references)',
        ),
      );
    }
  }

  const managedImages = [...managed.values()]
    .map((entry) => toManagedImage(dir, entry, states.get(entry.value.name), docs.imagesFile, problems))
    .filter((image): image is ManagedImage => image !== undefined);

  const baseImages = mergeBaseImages(base, baseFiles, brokenBaseFiles, docs.imagesFile, problems);
  checkBaseImageReferences(managedImages, baseImages, states, problems);

  const usedBy = new Map<string, string[]>();
  for (const image of managedImages) {
    for (const name of image.baseImages) usedBy.set(name, [...(usedBy.get(name) ?? []), image.name]);
  }
  const finalBase = baseImages.map((image) => {
    const users = (usedBy.get(image.name) ?? []).sort();
    return { ...image, usedBy: users, external: image.entry !== undefined && users.length === 0 };
  });

  if (!settings || !docs.imagesFile) return undefined;
  return {
    dir,
    layout: docs.layout,
    settings,
    managedImages: managedImages.sort((a, b) => compare(a.name, b.name)),
    baseImages: finalBase.sort((a, b) => compare(a.name, b.name)),
  };
}
