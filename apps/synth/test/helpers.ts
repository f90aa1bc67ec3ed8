import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type FactoryState, loadStateSync } from '@image-factory/state-schema';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../../..');

/** Every example state repository: `examples/state`, each `examples/scenarios/<name>` and the test fixtures. */
export function exampleStates(): { readonly name: string; readonly dir: string }[] {
  const scenarios = join(ROOT, 'examples/scenarios');
  const fixtures = join(import.meta.dirname, 'fixtures');
  return [
    { name: 'state', dir: join(ROOT, 'examples/state') },
    ...readdirSync(scenarios, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => ({ name: `scenario-${d.name}`, dir: join(scenarios, d.name) })),
    ...readdirSync(fixtures, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => ({ name: `fixture-${d.name}`, dir: join(fixtures, d.name) })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Loads a valid state or fails with its problems. */
export function load(dir: string): { state: FactoryState; warnings: FactoryState['warnings'] } {
  const result = loadStateSync(dir);
  if (!result.ok)
    throw new Error(`${dir}: ${result.problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n')}`);
  return { state: result.state, warnings: result.warnings };
}

type Manifest = Record<string, any>;

/** Origins and upstream Stages of a Stage's requested Freight. */
export function requests(
  stage: Manifest,
): { origin: string; direct: boolean; stages: string[]; soak?: string }[] {
  return (stage.spec.requestedFreight as Manifest[]).map((r) => ({
    origin: r.origin.name,
    direct: r.sources.direct === true,
    stages: r.sources.stages ?? [],
    ...(r.sources.requiredSoakTime !== undefined ? { soak: r.sources.requiredSoakTime } : {}),
  }));
}

/** Objects of one kind by name. */
export function byName(manifests: readonly Manifest[], kind: string): Map<string, Manifest> {
  return new Map(manifests.filter((m) => m.kind === kind).map((m) => [m.metadata.name as string, m]));
}

/** `stageSelector.name` → `autoPromotionEnabled` of the ProjectConfig. */
export function policies(manifests: readonly Manifest[]): Map<string, boolean> {
  const config = manifests.find((m) => m.kind === 'ProjectConfig');
  return new Map(
    (config?.spec?.promotionPolicies ?? []).map((p: Manifest) => [
      p.stageSelector.name as string,
      p.autoPromotionEnabled === true,
    ]),
  );
}

/** Go-style duration of whole seconds (`86400` → `24h0m0s`), as Kargo stores them. */
export function goDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}
