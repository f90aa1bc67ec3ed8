/**
 * `validate` reports everything `synth` would refuse: a state that validates synthesizes. Beyond
 * the loader, synth refuses what the factory planner of @image-factory/factory
 * (`planImageFactory`, the same function the `ImageFactory` construct runs) cannot wire: a missing
 * `stateRepo.url`, a `yaml-update` without `key`, two generated objects with the same name, ...
 * So validate runs the planner too, and reports its problems like the loader's.
 *
 * The planner reports a clash of generated names without a position (`images.yaml: two Stages
 * would be named ...`). For those, the names are computed here again from the same public naming
 * functions (`FactoryNames`, `updateStageNames`), which say which images.yaml entry (or
 * `updates[]` item) asks for each name, so that each clash gets a real file:line:col. Only names
 * the planner itself reported are replaced: if the naming ever differs, its message is kept as is.
 */
import { FactoryNames, planImageFactory, planWebhooks, updateStageNames } from '@image-factory/factory';
import type { FactoryState, LoadStateResult, Origin, StateProblem } from '@image-factory/state-schema';
import { compareStrings, problem, sortProblems, withoutDefaultWarnings } from '@image-factory/state-schema';

/** Who asks for a generated name, and where that is written. */
interface NameOwner {
  readonly what: string;
  readonly origin: Origin;
  readonly path: readonly (string | number)[];
  readonly hint: string;
}

/** The problems the planner finds in a loaded (valid) state, positioned; `[]` when it synthesizes. */
export function synthesisProblems(state: FactoryState): StateProblem[] {
  return synthesisCheck(state).problems;
}

/**
 * The planner's problems (errors: synth refuses the state) and, when there are none, the warnings synth
 * prints about what it generates: the plan's own (`unpinned-rebuild`: a rebuild whose team workflow
 * takes no pins) and those of its webhook receivers (one reaching a sampling Warehouse:
 * `planWebhooks`), sorted, each once.
 */
export function synthesisCheck(state: FactoryState): {
  readonly problems: StateProblem[];
  readonly warnings: StateProblem[];
} {
  const result = planImageFactory(state);
  if (result.ok) {
    const warnings = [...result.plan.warnings, ...planWebhooks(result.plan).warnings];
    return { problems: [], warnings: uniqueProblems(sortProblems(warnings)) };
  }
  return { problems: positioned(state, result.problems), warnings: [] };
}

/**
 * A loaded state as `validate` reports it (and `migrate` after migrating): the loader's result with
 * the planner's problems (the state is then invalid; the loader's default-setting warnings are left
 * out, as synth would not get that far) or its warnings added.
 */
export function checkState(loaded: LoadStateResult): LoadStateResult {
  if (!loaded.ok) return loaded;
  const { problems, warnings } = synthesisCheck(loaded.state);
  if (problems.length > 0) {
    return { ok: false, problems: sortProblems([...withoutDefaultWarnings(loaded.warnings), ...problems]) };
  }
  if (warnings.length === 0) return loaded;
  return { ...loaded, warnings: sortProblems([...loaded.warnings, ...warnings]) };
}

/** Sorted problems without repeats (the same code, position and message). */
function uniqueProblems(sorted: readonly StateProblem[]): StateProblem[] {
  const seen = new Set<string>();
  return sorted.filter(({ file, line, col, code, message }) => {
    const key = JSON.stringify([file, line, col, code, message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function positioned(state: FactoryState, problems: readonly StateProblem[]): StateProblem[] {
  const owners = { Stage: stageOwners(state), Warehouse: warehouseOwners(state) };
  const out: StateProblem[] = [];
  for (const found of problems) {
    const positioned =
      found.code === 'duplicate-name' && found.line === 0 ? positionClash(found, owners) : undefined;
    out.push(...(positioned ?? [found]));
  }
  return sortProblems(out);
}

function positionClash(
  found: StateProblem,
  owners: Readonly<Record<'Stage' | 'Warehouse', ReadonlyMap<string, readonly NameOwner[]>>>,
): StateProblem[] | undefined {
  for (const kind of ['Stage', 'Warehouse'] as const) {
    if (!found.message.includes(`${kind}s would be named`)) continue;
    for (const [name, list] of owners[kind]) {
      if (list.length < 2 || !found.message.includes(`"${name}"`)) continue;
      const sorted = [...list].sort(
        (a, b) =>
          compareStrings(a.origin.file, b.origin.file) ||
          a.origin.line - b.origin.line ||
          a.origin.col - b.origin.col,
      );
      const [first, ...rest] = sorted as [NameOwner, ...NameOwner[]];
      const where = `${first.origin.file}:${first.origin.line}:${first.origin.col}`;
      return rest.map((owner) =>
        problem(
          'error',
          'duplicate-name',
          owner.origin,
          owner.path,
          `${owner.what} would get the ${kind} name "${name}", which ${first.what} (${where}) gets too: Kargo object names are unique`,
          owner.hint,
        ),
      );
    }
  }
  return undefined;
}

function add(map: Map<string, NameOwner[]>, name: string, owner: NameOwner): void {
  map.set(name, [...(map.get(name) ?? []), owner]);
}

function stageOwners(state: FactoryState): Map<string, NameOwner[]> {
  const map = new Map<string, NameOwner[]>();
  const renameHint = 'names of generated objects come from image names: rename one of the images';
  for (const image of state.managedImages) {
    const own = { origin: image.origin, path: [] as const, hint: renameHint };
    add(map, FactoryNames.analysis(image.name), {
      ...own,
      what: `the analysis Stage of image "${image.name}"`,
    });
    add(map, FactoryNames.rebuild(image.name), {
      ...own,
      what: `the rebuild Stage of image "${image.name}"`,
    });
    add(map, FactoryNames.base(image.name), { ...own, what: `the base Stage of image "${image.name}"` });
    const names = updateStageNames(image.name, image.updates);
    image.updates.forEach((update, index) => {
      add(map, names[index] as string, {
        what: `image "${image.name}": updates[${index}] (${update.repo} ${update.path})`,
        origin: image.updateOrigins?.[index] ?? image.origin,
        path: ['updates', index],
        hint: 'a consumer-update Stage is named update-<image>-<repository name>-<path without extension>: two images whose names and consumers run together like this need different names; rename one of the images',
      });
    });
  }
  for (const base of state.baseImages) {
    add(map, FactoryNames.base(base.name), {
      what: `the Stage of base image "${base.name}"`,
      origin: base.origin,
      path: [],
      hint: renameHint,
    });
  }
  return map;
}

function warehouseOwners(state: FactoryState): Map<string, NameOwner[]> {
  const map = new Map<string, NameOwner[]>();
  const hint = 'names of generated objects come from image names: rename one of the images';
  for (const image of state.managedImages) {
    const own = { origin: image.origin, path: [] as const, hint };
    add(map, FactoryNames.image(image.name), { ...own, what: `the Warehouse of image "${image.name}"` });
    add(map, FactoryNames.base(image.name), { ...own, what: `the base Warehouse of image "${image.name}"` });
  }
  for (const base of state.baseImages) {
    add(map, FactoryNames.base(base.name), {
      what: `the Warehouse of base image "${base.name}"`,
      origin: base.origin,
      path: [],
      hint,
    });
  }
  return map;
}
