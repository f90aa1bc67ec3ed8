import type { StateProblem } from '@image-factory/state-schema';
import { stateError } from '../errors.js';
import { FactoryNames } from '../names.js';
import type { PlanContext } from './context.js';
import type { StagePlan, WarehousePlan } from './plan.js';

/**
 * Two generated Warehouses or Stages with one name (names are shortened and hashed to fit Kubernetes,
 * and base and managed images share the `base-` prefix), and a base image named like a managed image
 * that is itself a base of others (both would need the same base Warehouse).
 */
export function nameClashes(
  warehouses: readonly WarehousePlan[],
  stages: readonly StagePlan[],
  context: PlanContext,
): StateProblem[] {
  const problems = [
    ...duplicateNames(
      'Warehouse',
      warehouses.map((w) => ({ name: w.name, of: w.subject })),
    ),
    ...duplicateNames(
      'Stage',
      stages.map((s) => ({ name: s.name, of: s.role === 'base' ? s.subject : s.image })),
    ),
  ];
  for (const name of context.graph.managedBases) {
    const clash = context.bases.get(name);
    if (clash !== undefined) {
      problems.push(
        stateError(
          'duplicate-name',
          clash.origin,
          ['name'],
          `base image "${name}" has the name of a managed image that is itself used as a base image, so both would need the Warehouse "${FactoryNames.base(name)}"`,
          'rename the base-images file (its name must differ from every managed image name)',
        ),
      );
    }
  }
  return problems;
}

function duplicateNames(
  kind: string,
  items: readonly { readonly name: string; readonly of: string }[],
): StateProblem[] {
  const seen = new Map<string, number>();
  for (const item of items) seen.set(item.name, (seen.get(item.name) ?? 0) + 1);
  return [...seen.entries()]
    .filter(([, count]) => count > 1)
    .map(([name]) =>
      stateError(
        'duplicate-name',
        { file: 'images.yaml', line: 0, col: 0 },
        [],
        `two ${kind}s would be named "${name}" (${items
          .filter((i) => i.name === name)
          .map((i) => i.of)
          .join(', ')})`,
        'rename one of the images or base images',
      ),
    );
}
