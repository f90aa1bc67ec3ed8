import { resolve } from 'node:path';
import { buildModel, type ReadDocuments, type ReadStateFile } from './build-model.js';
import { findExpressionText } from './expression-text.js';
import {
  detectLayout,
  IMAGES_FILE,
  isExampleFile,
  LAYOUT_DIRS,
  SETTINGS_FILE,
  type StateLayout,
} from './layout.js';
import type { FactoryState, LoadStateResult, StateProblem } from './model.js';
import { problem, sortProblems } from './problems.js';
import { listStateDir, openStateRoot, type Refusal, readStateText, type StateRoot } from './safe-fs.js';
import { withoutDefaultWarnings } from './settings-loader.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';

/**
 * Loads and validates the state repository in `dir`: images.yaml, image-factory.yaml,
 * images/*.yaml and base-images/*.yaml (or the legacy state/ layout). Returns the merged model, or
 * every problem found (errors and warnings, sorted). Never throws for bad input. A directory that
 * does not exist is one problem with code `missing-directory` (`file: '.'`, its absolute path in the
 * message): the app says how to point at the state (its flags, its environment).
 */
export function loadState(dir: string): LoadStateResult {
  const root = openStateRoot(dir);
  if (root === undefined) {
    return {
      ok: false,
      problems: [
        problem(
          'error',
          'missing-directory',
          { file: '.', line: 0, col: 0 },
          [],
          `state directory ${resolve(dir)} does not exist or is not a directory`,
        ),
      ],
    };
  }
  const problems: StateProblem[] = [];
  const documents = readDocuments(root, problems);
  const state = buildModel(root.dir, documents, problems);
  const sorted = sortProblems(problems);
  if (state === undefined || sorted.some((p) => p.severity === 'error'))
    return { ok: false, problems: limitProblems(withoutDefaultWarnings(sorted)) };
  const warnings = limitProblems(sorted);
  const finalState: FactoryState = { ...state, warnings };
  return { ok: true, state: finalState, warnings };
}

/**
 * At most this many problems are returned (then one that counts the rest): a hostile file of
 * 100,000 invalid entries would otherwise print 100,000 messages.
 */
export const MAX_PROBLEMS = 1000;

function limitProblems(sorted: StateProblem[]): StateProblem[] {
  if (sorted.length <= MAX_PROBLEMS) return sorted;
  const omitted = sorted.slice(MAX_PROBLEMS);
  const first = omitted[0];
  return [
    ...sorted.slice(0, MAX_PROBLEMS),
    problem(
      omitted.some((p) => p.severity === 'error') ? 'error' : 'warning',
      'too-many-problems',
      { file: first?.file ?? IMAGES_FILE, line: 0, col: 0 },
      [],
      `${omitted.length.toLocaleString('en-US')} more problems omitted (the next one in ${first?.file ?? IMAGES_FILE})`,
      'fix the problems above first: is this the right file?',
    ),
  ];
}

function readDocuments(root: StateRoot, problems: StateProblem[]): ReadDocuments {
  const { layout, mixed } = detectLayout(root);
  if (layout === 'legacy') {
    problems.push(
      problem(
        'warning',
        'legacy-layout',
        { file: 'state', line: 0, col: 0 },
        [],
        'the state/ layout is deprecated: state files now live in images/ and base-images/',
        'run `image-factory migrate`: it moves them (with git mv in a git work tree) and rewrites old-format fields',
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

function listYamlFiles(root: StateRoot, dirRel: string, problems: StateProblem[]): string[] {
  const listed = listStateDir(root, dirRel);
  if (!listed.ok) {
    if (listed.refusal.reason !== 'missing') problems.push(refusalProblem(dirRel, listed.refusal));
    return [];
  }
  const names: string[] = [];
  for (const entry of listed.entries) {
    // Symbolic links and other non-regular entries named *.yaml are listed too: reading them
    // reports what they are (a link inside the state directory is followed).
    if (entry.kind === 'directory' && !entry.name.endsWith('.yaml')) continue;
    if (isExampleFile(entry.name)) continue;
    if (entry.name.endsWith('.yaml')) names.push(entry.name);
    else if (entry.name.endsWith('.yml') && entry.kind !== 'directory') {
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
  return names;
}

/** The problem for a state path that was not read (never quoting the file's content). */
export function refusalProblem(file: string, refusal: Refusal): StateProblem {
  return problem(
    'error',
    refusal.reason === 'outside' ? 'invalid-path' : 'unreadable-file',
    { file, line: refusal.line ?? 0, col: refusal.col ?? 0 },
    [],
    `${file} ${refusal.why}`,
    refusal.hint,
  );
}

/**
 * Reads and parses one YAML file. Missing: undefined (a problem when `required`). Syntax errors are
 * added to `problems` and yield undefined.
 */
function readYaml(
  root: StateRoot,
  file: string,
  problems: StateProblem[],
  required: boolean,
): YamlSource | undefined {
  const read = readStateText(root, file);
  if (!read.ok) {
    const { refusal } = read;
    if (refusal.reason === 'missing' && refusal.why === 'does not exist') {
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
    problems.push(refusalProblem(file, refusal));
    return undefined;
  }
  const parsed = parseYamlSource(file, read.text);
  if (!parsed.ok) {
    problems.push(...parsed.problems);
    return undefined;
  }
  problems.push(...parsed.warnings, ...findExpressionText(parsed.source));
  return parsed.source;
}
