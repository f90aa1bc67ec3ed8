import { loadBaseFile, mergeBaseImages, reportDuplicateReferences } from './base-images.js';
import { compareStrings } from './compare.js';
import { checkEnrollmentCopy } from './enrollment-copy.js';
import { loadEntries } from './entries.js';
import { readGitOrigin } from './git-origin.js';
import { readImageStateFile } from './image-state-file.js';
import { checkSettingsLabels } from './label-rules.js';
import type { StateLayout } from './layout.js';
import { IMAGES_FILE } from './layout.js';
import { checkBaseImageReferences, toManagedImage } from './managed-images.js';
import type {
  FactoryState,
  ManagedImage,
  ManagedImageState,
  Settings,
  StateProblem,
  StateRepoUrlSource,
} from './model.js';
import { type BaseFileInfo, duplicateFile, nameMismatch } from './model-helpers.js';
import { problem } from './problems.js';
import { loadSettings } from './settings-loader.js';
import { dropFollowOnSyntaxErrors } from './syntax-errors.js';
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
  const loadedSettings = loadSettings(docs.settingsFile, problems);
  if (loadedSettings) checkSettingsLabels(docs.settingsFile, loadedSettings.kargo.labels, problems);
  const { managed, base, kinds, usable } = loadEntries(docs.imagesFile, problems);

  // Managed image state files. Without a usable images.yaml (missing, a YAML syntax error), which
  // images are enrolled is unknown: every state file would look unenrolled, so none is checked
  // against enrollment (one tab in images.yaml must not bring a warning about every state file).
  const states = new Map<string, { state: ManagedImageState; file: string; source: YamlSource }>();
  for (const found of usable ? docs.imageStates : []) {
    if (kinds.get(found.name) !== 'managed') {
      problems.push(unenrolled(found, kinds.get(found.name) === 'base'));
      continue;
    }
    const source = found.read();
    if (!source) continue;
    const previous = states.get(found.name);
    if (previous) {
      problems.push(duplicateFile(found.file, previous.file, found.name));
      continue;
    }
    const read = readImageStateFile(found.name, source, problems);
    if (!read) continue;
    if (read.writtenName !== undefined && read.writtenName !== found.name)
      problems.push(nameMismatch(source, found.file, read.writtenName, found.name));
    const entry = managed.get(found.name);
    if (entry && read.enrollmentCopy) checkEnrollmentCopy(entry, read.enrollmentCopy, source, problems);
    states.set(found.name, { state: read.state, file: found.file, source });
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

  // Every file has been read by now.
  dropFollowOnSyntaxErrors(problems);
  if (!loadedSettings || !docs.imagesFile) return undefined;
  const { settings, stateRepoUrlSource } = withStateRepoUrl(dir, loadedSettings);
  return {
    dir,
    layout: docs.layout,
    settings,
    ...(stateRepoUrlSource ? { stateRepoUrlSource } : {}),
    managedImages: managedImages.sort((a, b) => compareStrings(a.name, b.name)),
    baseImages: finalBase.sort((a, b) => compareStrings(a.name, b.name)),
  };
}

function unenrolled(found: ReadStateFile, isBase: boolean): StateProblem {
  return problem(
    'warning',
    'unenrolled-state',
    { file: found.file, line: 0, col: 0 },
    [],
    isBase
      ? `"${found.name}" is enrolled as a base image, not a managed image: this file is ignored`
      : `image "${found.name}" is not enrolled in images.yaml: this file is ignored`,
    isBase
      ? `base image state lives in base-images/${found.name}.yaml; delete this file (the old tool wrote one for every images.yaml entry: \`image-factory migrate\` removes those)`
      : 'enroll the image in images.yaml, or delete the file',
  );
}

/**
 * The settings with `stateRepo.url` taken from the state directory's git `origin` when
 * image-factory.yaml does not set it (the old tool had no settings: its state repository was the
 * clone it ran in). Where it came from is returned as data, for the apps to say.
 */
function withStateRepoUrl(
  dir: string,
  settings: Settings,
): { settings: Settings; stateRepoUrlSource?: StateRepoUrlSource } {
  if (settings.stateRepo.url !== undefined) return { settings };
  const origin = readGitOrigin(dir);
  if (origin === undefined) return { settings };
  return {
    settings: { ...settings, stateRepo: { ...settings.stateRepo, url: origin.url } },
    stateRepoUrlSource: {
      kind: 'git-origin',
      url: origin.url,
      file: origin.file,
      credentialsRemoved: origin.credentialsRemoved,
    },
  };
}
