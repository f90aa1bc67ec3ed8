/**
 * `image-factory migrate` plans everything in memory first: which files move from the old
 * `state/` layout, and the new text of every file it rewrites, creates or removes. Nothing is
 * written here (the CLI applies the plan: `git mv` in a work tree, temp file then rename); a state
 * that does not load is not migrated at all. The plan of a migrated repository is empty.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { detectLayout, IMAGES_FILE, LAYOUT_DIRS, SETTINGS_FILE } from './layout.js';
import { loadState } from './loader.js';
import {
  isOldExternalImageState,
  migrateBaseImageState,
  migrateImageState,
  migrateImagesFile,
  type Rewrite,
} from './migrate-files.js';
import type { FactoryState, StateProblem } from './model.js';
import { problem } from './problems.js';
import {
  listStateDir,
  MAX_STATE_FILE_BYTES,
  openStateRoot,
  readStateText,
  type StateRoot,
} from './safe-fs.js';
import { renderSettingsTemplate } from './settings-template.js';

/** Largest file `migrate` reads: the limit of every state read. */
export const MIGRATE_MAX_FILE_BYTES = MAX_STATE_FILE_BYTES;

/** A file or directory moved from the old layout. */
export interface MigrationMove {
  /** Path relative to the state directory, e.g. `state/images/backstage.yaml`. */
  readonly from: string;
  /** e.g. `images/backstage.yaml`. */
  readonly to: string;
}

/** A file written, created or removed. */
export interface MigrationChange {
  readonly kind: 'edit' | 'create' | 'delete';
  /** The file, relative to the state directory: after the moves for `edit`, where it is for `delete`. */
  readonly file: string;
  /** Where an edited file was before the moves, when it moves. */
  readonly movedFrom?: string;
  /** The text read (edit, delete): applying checks the file still holds it. */
  readonly before?: string;
  /** The text to write (edit, create). */
  readonly after?: string;
  /** What changes, one sentence each. */
  readonly what: readonly string[];
}

/** Everything `migrate` would do, in order: moves, then writes. */
export interface MigrationPlan {
  /** Absolute path of the state directory. */
  readonly dir: string;
  readonly moves: readonly MigrationMove[];
  readonly changes: readonly MigrationChange[];
  /** Facts worth saying that are not changes (e.g. no git origin to infer stateRepo.url from). */
  readonly notes: readonly string[];
}

export type MigrationPlanResult =
  | { readonly ok: true; readonly plan: MigrationPlan; readonly state: FactoryState }
  | { readonly ok: false; readonly problems: readonly StateProblem[] };

/** Plans the migration of the state repository in `dir` (reads files, writes nothing). */
export function planMigration(dir: string): MigrationPlanResult {
  const loaded = loadState(dir);
  if (!loaded.ok) return { ok: false, problems: loaded.problems };
  // The state loaded, so its directory exists.
  const stateRoot = openStateRoot(dir) as StateRoot;
  const root = stateRoot.dir;
  const state = loaded.state;
  const problems: StateProblem[] = [];
  const read = (file: string) => readFileText(stateRoot, file, problems);

  const { layout, mixed } = detectLayout(stateRoot);
  const moved = new Map<string, string>();
  const changes: MigrationChange[] = [];
  const notes: string[] = [];
  const deleted = new Set<string>();

  // The old tool wrote an images/<name>.yaml for every images.yaml entry, base images included.
  for (const dirRel of [LAYOUT_DIRS.legacy.images, LAYOUT_DIRS.current.images]) {
    for (const name of listDir(stateRoot, dirRel)) {
      if (!name.endsWith('.yaml')) continue;
      const imageName = name.slice(0, -'.yaml'.length);
      if (!state.baseImages.some((b) => b.name === imageName && b.entry !== undefined)) continue;
      const file = `${dirRel}/${name}`;
      const text = read(file);
      if (text === undefined || !isOldExternalImageState(text)) continue;
      deleted.add(file);
      changes.push({
        kind: 'delete',
        file,
        before: text,
        what: [
          `the old tool's copy of the images.yaml entry of the ${state.baseImages.find((b) => b.name === imageName)?.external ? 'external' : 'base'} image "${imageName}" (base and external images have no images/ file)`,
        ],
      });
    }
  }

  if (layout === 'legacy' || mixed) {
    for (const kind of ['images', 'baseImages'] as const) {
      const from = LAYOUT_DIRS.legacy[kind];
      const to = LAYOUT_DIRS.current[kind];
      for (const name of listDir(stateRoot, from)) {
        const source = `${from}/${name}`;
        if (deleted.has(source)) continue;
        const target = `${to}/${name}`;
        if (exists(join(root, target))) {
          problems.push(
            problem(
              'error',
              'duplicate-name',
              { file: source, line: 0, col: 0 },
              [],
              `cannot move ${source} to ${target}: ${target} exists`,
              'keep one of the two files and delete the other, then run migrate again',
            ),
          );
          continue;
        }
        moved.set(source, target);
      }
    }
  }
  const moves = [...moved.entries()].map(([from, to]) => ({ from, to }));
  const after = (file: string) => moved.get(file) ?? file;

  const edit = (file: string, rewrite: (text: string) => Rewrite) => {
    const text = read(file);
    if (text === undefined) return;
    const { text: next, changes: what } = rewrite(text);
    if (next === text) return;
    const target = after(file);
    changes.push({
      kind: 'edit',
      file: target,
      ...(target === file ? {} : { movedFrom: file }),
      before: text,
      after: next,
      what,
    });
  };

  edit(IMAGES_FILE, (text) => migrateImagesFile(text, state.baseImages));
  for (const image of state.managedImages) {
    if (image.stateFile !== undefined) edit(image.stateFile, (text) => migrateImageState(text, image));
  }
  for (const base of state.baseImages) {
    if (base.stateFile !== undefined) edit(base.stateFile, (text) => migrateBaseImageState(text, base));
  }

  if (!exists(join(root, SETTINGS_FILE))) {
    const url = state.stateRepoUrlSource?.url;
    changes.push({
      kind: 'create',
      file: SETTINGS_FILE,
      after: renderSettingsTemplate(url),
      what: [
        url === undefined
          ? 'created, with the settings to review commented out; stateRepo.url could not be inferred (no git origin): set it'
          : `created: stateRepo.url ${url} (from the git origin), and the settings to review commented out`,
      ],
    });
    if (url === undefined)
      notes.push('no git origin was found: set stateRepo.url in image-factory.yaml before synthesizing');
  }

  // Never plan a file that does not load: every new text must parse.
  for (const change of changes) {
    if (change.after === undefined) continue;
    const parsed = parseDocument(change.after, { version: '1.2' });
    if (parsed.errors.length > 0) {
      problems.push(
        problem(
          'error',
          'yaml-syntax',
          { file: change.file, line: 0, col: 0 },
          [],
          `migrate would write a file that does not parse (${parsed.errors[0]?.message.split('\n')[0]}); nothing was written`,
          'please report this with the file',
        ),
      );
    }
  }
  if (problems.some((p) => p.severity === 'error')) return { ok: false, problems };
  // Files in the order a reader expects: images.yaml, settings, then state files.
  const order = (file: string) => (file === IMAGES_FILE ? 0 : file === SETTINGS_FILE ? 1 : 2);
  changes.sort((a, b) => order(a.file) - order(b.file) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { ok: true, plan: { dir: root, moves, changes, notes }, state };
}

function listDir(root: StateRoot, dirRel: string): string[] {
  const listed = listStateDir(root, dirRel);
  return listed.ok ? listed.entries.map((entry) => entry.name) : [];
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The text of a state file, read like every state file (inside the state directory, a regular
 * UTF-8 file of at most {@link MAX_STATE_FILE_BYTES}); else a problem, and undefined.
 */
function readFileText(root: StateRoot, file: string, problems: StateProblem[]): string | undefined {
  const read = readStateText(root, file);
  if (read.ok) return read.text;
  problems.push(
    problem(
      'error',
      'unreadable-file',
      { file, line: read.refusal.line ?? 0, col: read.refusal.col ?? 0 },
      [],
      `cannot migrate ${file}: it ${read.refusal.why}`,
      read.refusal.hint,
    ),
  );
  return undefined;
}
