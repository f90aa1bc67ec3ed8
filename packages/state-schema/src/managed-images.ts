import { parseDuration } from './duration.js';
import { IMAGES_FILE } from './layout.js';
import type { BaseImage, LocalBuildInputs, ManagedImage, ManagedImageState, StateProblem } from './model.js';
import { defined, type EntryInfo, stripDotSlash } from './model-helpers.js';
import { didYouMean, problem } from './problems.js';
import { tryParseImageReference } from './reference.js';
import { findCycles } from './rules.js';
import { checkFileInState } from './safe-fs.js';
import type { ManagedEntry } from './schema/images-file.js';
import type { YamlSource } from './yaml-source.js';

export function toManagedImage(
  dir: string,
  entry: EntryInfo<ManagedEntry>,
  found: { state: ManagedImageState; file: string } | undefined,
  imagesFile: YamlSource | undefined,
  problems: StateProblem[],
): ManagedImage | undefined {
  const e = entry.value;
  const at = (path: (string | number)[]) =>
    imagesFile ? imagesFile.locate([entry.index, ...path]) : entry.origin;
  const subject = `image "${e.name}": `;
  const parsed = tryParseImageReference(`${e.registry}/${e.repository}`);
  if (!parsed.ok) {
    problems.push(
      problem(
        'error',
        'invalid-reference',
        at(['repository']),
        [entry.index, 'repository'],
        `${subject}registry/repository "${e.registry}/${e.repository}" is not a valid image name: ${parsed.error}`,
      ),
    );
    return undefined;
  }
  let local: LocalBuildInputs | undefined;
  if (e.local) {
    const localDir = stripDotSlash(e.local.dir ?? `local/${e.name}`);
    const join = (file: string) => `${localDir}/${stripDotSlash(file)}`;
    local = {
      dir: localDir,
      patchFiles: e.local.patchFiles.map(join),
      ...(e.local.versionFile === undefined ? {} : { versionFile: join(e.local.versionFile) }),
      ...(e.local.dockerfile === undefined ? {} : { dockerfile: join(e.local.dockerfile) }),
    };
    const checks: [string, (string | number)[], string][] = [
      ...local.patchFiles.map((file, i): [string, (string | number)[], string] => [
        file,
        ['local', 'patchFiles', i],
        `local.patchFiles[${i}]`,
      ]),
      ...(local.versionFile
        ? [
            [local.versionFile, ['local', 'versionFile'], 'local.versionFile'] as [
              string,
              (string | number)[],
              string,
            ],
          ]
        : []),
      ...(local.dockerfile
        ? [
            [local.dockerfile, ['local', 'dockerfile'], 'local.dockerfile'] as [
              string,
              (string | number)[],
              string,
            ],
          ]
        : []),
    ];
    for (const [file, path, field] of checks) {
      const refused = checkFileInState(dir, file);
      if (refused) {
        const missing = refused.why === 'does not exist';
        problems.push(
          problem(
            'error',
            missing ? 'missing-file' : refused.reason === 'outside' ? 'invalid-path' : 'unreadable-file',
            at(path),
            [entry.index, ...path],
            `${subject}${field} ${file} ${missing ? 'does not exist in the state repository' : refused.why}`,
            missing ? `paths in local are relative to local.dir (${localDir})` : refused.hint,
          ),
        );
      }
    }
  }
  const rebuildDelaySeconds = parseDuration(e.rebuildDelay) ?? 0;
  return {
    name: e.name,
    registry: e.registry,
    repository: e.repository,
    reference: parsed.reference,
    source: {
      provider: e.source.provider,
      repo: e.source.repo,
      branch: e.source.branch,
      dockerfile: e.source.dockerfile,
      ...defined('workflow', e.source.workflow),
    },
    rebuildDelay: e.rebuildDelay,
    rebuildDelaySeconds,
    autoRebuild: e.autoRebuild,
    updates: e.updates.map((u) => ({
      repo: u.repo,
      path: u.path,
      type: u.type,
      branch: u.branch,
      ...defined('key', u.key),
      ...defined('digestKey', u.digestKey),
    })),
    updateOrigins: e.updates.map((_, i) => at(['updates', i])),
    ...(local ? { local } : {}),
    ...(found ? { state: found.state, stateFile: found.file } : {}),
    baseImages: found?.state.baseImages ?? [],
    ...defined('workflowInputs', found?.state.workflowInputs),
    entry: entry.raw,
    origin: entry.origin,
  };
}

export function checkBaseImageReferences(
  managed: readonly ManagedImage[],
  bases: readonly Omit<BaseImage, 'usedBy' | 'external'>[],
  states: Map<string, { file: string; source: YamlSource }>,
  problems: StateProblem[],
): void {
  const baseNames = new Set(bases.map((b) => b.name));
  const managedNames = new Set(managed.map((m) => m.name));
  const known = [...baseNames, ...managedNames];
  const graph = new Map<string, string[]>();
  for (const image of managed) {
    const found = states.get(image.name);
    graph.set(
      image.name,
      image.baseImages.filter((n) => managedNames.has(n)),
    );
    if (!found) continue;
    const written = (found.source.data as { baseImages?: unknown }).baseImages;
    const list = Array.isArray(written) ? (written as unknown[]) : [];
    list.forEach((name, i) => {
      if (typeof name !== 'string' || baseNames.has(name) || managedNames.has(name)) return;
      const close = didYouMean(name, known);
      problems.push(
        problem(
          'error',
          'unknown-base-image',
          found.source.locate(['baseImages', i]),
          ['baseImages', i],
          `baseImages[${i}]: unknown base image "${name}" (no base-images/${name}.yaml, images.yaml entry or managed image)`,
          close
            ? `did you mean "${close}"?`
            : 'run `image-factory generate-state` to discover base images, or remove the name',
        ),
      );
    });
  }
  for (const cycle of findCycles(graph)) {
    const [first] = cycle;
    if (first === undefined) continue;
    const found = states.get(first);
    problems.push(
      problem(
        'error',
        'base-image-cycle',
        found ? found.source.locate(['baseImages']) : { file: IMAGES_FILE, line: 0, col: 0 },
        ['baseImages'],
        `managed images are built from each other in a cycle: ${[...cycle, first].join(' -> ')}`,
        'an image cannot (indirectly) be its own base image: fix the baseImages lists',
      ),
    );
  }
}
