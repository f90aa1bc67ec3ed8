/**
 * The layout of docs/rebuilds.md (issue 16 contract, section 1 and 2), applied to manifests synthesized by a
 * factory that does not produce it yet: a TEST STAND-IN, to be replaced by the factory's own output.
 *
 * - every Warehouse a rebuild Stage soaks Freight from gets `interval = max(interval, soak + 1h)`;
 * - every rebuild dispatch of the generated build workflow passes `inputs.pins`: compact JSON text of
 *   `{ "<repo>:<tag>": "<digest>" }` from the Freight, keys sorted; an origin not yet promoted is left out;
 * - a rebuild of a team workflow (body without inputs) stays unpinned and is annotated so.
 */
import { HOUR, parseDuration } from '../src/index.js';

export const SOAK_MARGIN = HOUR;
export const UNPINNED_ANNOTATION = 'image-factory.io/unpinned';

type Obj = Record<string, any>;

function goDuration(ms: number): string {
  const hours = Math.floor(ms / HOUR);
  const minutes = Math.floor((ms % HOUR) / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${hours}h${minutes}m${seconds}s`;
}

function pinsExpression(stage: Obj, warehouses: Map<string, Obj>): string {
  const entries: { repo: string; text: string }[] = [];
  for (const req of stage.spec.requestedFreight as Obj[]) {
    const w = warehouses.get(req.origin.name);
    for (const sub of (w?.spec.subscriptions ?? []) as Obj[]) {
      if (sub.image === undefined) continue;
      const repo: string = sub.image.repoURL;
      const image = `imageFrom(${JSON.stringify(repo)}, warehouse(${JSON.stringify(req.origin.name)}))`;
      const key =
        sub.image.imageSelectionStrategy === 'Digest'
          ? JSON.stringify(JSON.stringify(`${repo}:${sub.image.constraint}`))
          : `quote(${JSON.stringify(`${repo}:`)} + ${image}.Tag)`;
      entries.push({ repo, text: `(${image} == nil ? "" : ${key} + ":" + quote(${image}.Digest) + ",")` });
    }
  }
  entries.sort((a, b) => (a.repo < b.repo ? -1 : a.repo > b.repo ? 1 : 0));
  return `"{" + trimSuffix(${entries.map((e) => e.text).join(' + ')}, ",") + "}"`;
}

/** A deep copy of `objects` in the new layout (see the module comment). */
export function newLayout(objects: readonly unknown[]): Obj[] {
  const copy = structuredClone(objects) as Obj[];
  const warehouses = new Map(
    copy.filter((o) => o.kind === 'Warehouse').map((o) => [o.metadata.name as string, o]),
  );
  for (const stage of copy.filter((o) => o.kind === 'Stage')) {
    for (const req of stage.spec.requestedFreight as Obj[]) {
      const soak = req.sources.requiredSoakTime;
      const w = warehouses.get(req.origin.name);
      if (soak === undefined || w === undefined) continue;
      const interval = Math.max(
        parseDuration(w.spec.interval) ?? 0,
        (parseDuration(soak) ?? 0) + SOAK_MARGIN,
      );
      w.spec.interval = goDuration(interval);
    }
    for (const step of (stage.spec.promotionTemplate?.spec.steps ?? []) as Obj[]) {
      if (step.uses !== 'http' || typeof step.config?.body !== 'string') continue;
      const body: string = step.config.body;
      if (body.includes('"inputs": {')) {
        step.config.body = body.replace(
          '"inputs": {',
          `"inputs": {"pins": ${pinsExpression(stage, warehouses)}, `,
        );
      } else {
        stage.metadata.annotations = { ...stage.metadata.annotations, [UNPINNED_ANNOTATION]: 'true' };
      }
    }
  }
  return copy;
}
