import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildModel, type ReadDocuments, type ReadStateFile } from './build-model.js';
import {
  detectLayout,
  IMAGES_FILE,
  isDirectory,
  isExampleFile,
  LAYOUT_DIRS,
  SETTINGS_FILE,
  type StateLayout,
} from './layout.js';
import type { FactoryState, LoadStateResult, StateProblem } from './model.js';
import { problem, StateError, sortProblems } from './problems.js';
import { withoutDefaultWarnings } from './settings-loader.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';

/**
 * Loads and validates the state repository in `dir`: images.yaml, image-factory.yaml,
 * images/*.yaml and base-images/*.yaml (or the legacy state/ layout). Returns the merged model, or
 * every problem found (errors and warnings, sorted). Never throws for bad input.
 */
export async function loadState(dir: string): Promise<LoadStateResult> {
  return loadStateSync(dir);
}

/** Synchronous {@link loadState} (for the synth app). */
export function loadStateSync(dir: string): LoadStateResult {
  const root = resolve(dir);
  if (!isDirectory(root)) {
    return {
      ok: false,
      problems: [
        problem(
          'error',
          'missing-directory',
          { file: '.', line: 0, col: 0 },
          [],
          `state directory ${root} does not exist or is not a directory`,
          'pass --state-dir DIR or set IMAGE_FACTORY_STATE_DIR to a checkout of the state repository',
        ),
      ],
    };
  }
  const problems: StateProblem[] = [];
  const documents = readDocuments(root, problems);
  const state = buildModel(root, documents, problems);
  const sorted = sortProblems(problems);
  if (state === undefined || sorted.some((p) => p.severity === 'error'))
    return { ok: false, problems: withoutDefaultWarnings(sorted) };
  const finalState: FactoryState = { ...state, warnings: sorted };
  return { ok: true, state: finalState, warnings: sorted };
}

/** Like {@link loadStateSync}, but returns the state or throws {@link StateError} listing every problem. */
export function loadStateOrThrow(dir: string): FactoryState {
  const result = loadStateSync(dir);
  if (!result.ok) throw new StateError(result.problems);
  return result.state;
}

function readDocuments(root: string, problems: StateProblem[]): ReadDocuments {
  const { layout, mixed } = detectLayout(root);
  if (layout === 'legacy') {
    problems.push(
      problem(
        'warning',
        'legacy-layout',
        { file: 'state', line: 0, col: 0 },
        [],
        'the state/ layout is deprecated: state files now live in images/ and base-images/',
        'git mv state/images images && git mv state/base-images base-images',
      ),
    );
  } else if (mixed) {
    problems.push(
      problem(
        'warning',
        'mixed-layout',
        { file: 'state', line: 0, col: 0 },
        [],
        'both the deprecated state/ layout and images/ or base-images/ exist: both are read',
        'move the files of state/images and state/base-images into images/ and base-images/',
      ),
    );
  }
  const layoutsToRead: StateLayout[] = mixed ? ['current', 'legacy'] : [layout];
  const imagesFile = readYaml(root, IMAGES_FILE, problems, true);
  const settingsFile = readYaml(root, SETTINGS_FILE, problems, false);
  const imageStates: ReadStateFile[] = [];
  const baseImageStates: ReadStateFile[] = [];
  for (const which of layoutsToRead) {
    for (const [kind, target] of [
      ['images', imageStates],
      ['baseImages', baseImageStates],
    ] as const) {
      const dirRel = LAYOUT_DIRS[which][kind];
      for (const fileName of listYamlFiles(root, dirRel, problems)) {
        const file = `${dirRel}/${fileName}`;
        target.push({
          name: fileName.slice(0, -'.yaml'.length),
          file,
          read: () => readYaml(root, file, problems, true),
        });
      }
    }
  }
  return { layout, imagesFile, settingsFile, imageStates, baseImageStates };
}

function listYamlFiles(root: string, dirRel: string, problems: StateProblem[]): string[] {
  const path = resolve(root, dirRel);
  if (!isDirectory(path)) return [];
  const names: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (!entry.isFile() || isExampleFile(entry.name)) continue;
    if (entry.name.endsWith('.yaml')) names.push(entry.name);
    else if (entry.name.endsWith('.yml')) {
      problems.push(
        problem(
          'warning',
          'invalid-name',
          { file: `${dirRel}/${entry.name}`, line: 0, col: 0 },
          [],
          'ignored: state files end in .yaml',
          `rename it to ${entry.name.slice(0, -'.yml'.length)}.yaml`,
        ),
      );
    }
  }
  return names.sort();
}

/**
 * Reads and parses one YAML file. Missing: undefined (a problem when `required`). Syntax errors are
 * added to `problems` and yield undefined.
 */
function readYaml(
  root: string,
  file: string,
  problems: StateProblem[],
  required: boolean,
): YamlSource | undefined {
  let text: string;
  try {
    text = readFileSync(resolve(root, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      if (required) {
        problems.push(
          problem(
            'error',
            'missing-file',
            { file, line: 0, col: 0 },
            [],
            `${file} not found`,
            file === IMAGES_FILE
              ? 'a state repository has an images.yaml listing the enrolled images at its root; is this the right directory?'
              : undefined,
          ),
        );
      }
      return undefined;
    }
    problems.push(
      problem(
        'error',
        'unreadable-file',
        { file, line: 0, col: 0 },
        [],
        `cannot read ${file}: ${String(code)}`,
      ),
    );
    return undefined;
  }
  const parsed = parseYamlSource(file, text);
  if (!parsed.ok) {
    problems.push(...parsed.problems);
    return undefined;
  }
  problems.push(...parsed.warnings);
  return parsed.source;
}
