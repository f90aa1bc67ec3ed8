/**
 * The layout `main` synthesized before issue 16 (commit 732a8ac), rebuilt from today's synthesized objects:
 * every base Warehouse discovers at `warehouses.baseInterval` (24h; `managedInterval`, 5m, for a managed
 * image used as a base), so every new digest becomes Freight and is auto-promoted into the base Stage, and
 * rebuild dispatches pass no pins. test/scenarios.test.ts checks that this reproduces main's committed
 * manifests of examples/scenarios/cascade (test/fixtures/main-732a8ac-cascade.k8s.yaml).
 */
export const BASE_INTERVAL = '24h0m0s';
export const MANAGED_INTERVAL = '5m0s';

type Obj = Record<string, any>;

export function mainLayout(objects: readonly unknown[]): Obj[] {
  const copy = structuredClone(objects) as Obj[];
  const managedRepos = new Set(
    copy
      .filter((o) => o.kind === 'Warehouse' && String(o.metadata.name).startsWith('image-'))
      .map((o) => o.spec.subscriptions[0]?.image?.repoURL),
  );
  for (const o of copy) {
    if (o.kind === 'Warehouse' && String(o.metadata.name).startsWith('base-')) {
      const repo = o.spec.subscriptions[0]?.image?.repoURL;
      o.spec.interval = managedRepos.has(repo) ? MANAGED_INTERVAL : BASE_INTERVAL;
    }
    if (o.kind !== 'Stage') continue;
    if (o.metadata.annotations !== undefined) delete o.metadata.annotations['image-factory.io/unpinned'];
    for (const step of o.spec.promotionTemplate?.spec.steps ?? []) {
      const body = step.config?.body;
      if (step.uses !== 'http' || typeof body !== 'string') continue;
      const at = body.indexOf(', "pins": ');
      if (at >= 0) step.config.body = `${body.slice(0, at)}}}) %}`;
    }
  }
  return copy;
}
