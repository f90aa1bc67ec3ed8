import type { IConstruct } from 'constructs';

/** Every construct in the same cdk8s App as `scope` (depth-first, deterministic) matching `test`. */
export function findInApp<T extends IConstruct>(scope: IConstruct, test: (c: IConstruct) => c is T): T[] {
  return scope.node.root.node.findAll().filter(test);
}

/** `a, b, c` (sorted, quoted) or `none` — for "known …" hints in messages. */
export function listNames(names: Iterable<string>): string {
  const sorted = [...new Set(names)].sort();
  return sorted.length === 0 ? 'none' : sorted.map((n) => `"${n}"`).join(', ');
}
