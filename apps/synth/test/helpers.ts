import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type FactoryState, loadState } from '@image-factory/state-schema';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../../..');

/** The `origin` of the clones made of examples without image-factory.yaml (see {@link asClone}). */
export const EXAMPLE_ORIGIN = 'https://github.com/acme/image-factory-state.git';

let clones: string | undefined;

/**
 * The old tool's state repositories have no image-factory.yaml: they are git clones, and the
 * factory takes `stateRepo.url` from their `origin`. An example without image-factory.yaml
 * (examples/scenarios/old-tool) is used as such a clone: a copy in a temporary directory, made a
 * git work tree whose origin is {@link EXAMPLE_ORIGIN} (a nested .git is never committed). Other
 * examples are used in place.
 */
export function asClone(dir: string): string {
  if (existsSync(join(dir, 'image-factory.yaml'))) return dir;
  if (clones === undefined) {
    const root = mkdtempSync(join(tmpdir(), 'synth-examples-'));
    clones = root;
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  const clone = join(clones, dir.replaceAll('/', '_'));
  if (!existsSync(clone)) {
    cpSync(dir, clone, { recursive: true });
    execFileSync('git', ['init', '-q'], { cwd: clone });
    execFileSync('git', ['remote', 'add', 'origin', EXAMPLE_ORIGIN], { cwd: clone });
  }
  return clone;
}

/** Every example state repository: `examples/state`, each `examples/scenarios/<name>` and the test fixtures. */
export function exampleStates(): { readonly name: string; readonly dir: string }[] {
  const scenarios = join(ROOT, 'examples/scenarios');
  const fixtures = join(import.meta.dirname, 'fixtures');
  return [
    { name: 'state', dir: join(ROOT, 'examples/state') },
    ...readdirSync(scenarios, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => ({ name: `scenario-${d.name}`, dir: asClone(join(scenarios, d.name)) })),
    ...readdirSync(fixtures, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => ({ name: `fixture-${d.name}`, dir: join(fixtures, d.name) })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Loads a valid state or fails with its problems. */
export function load(dir: string): { state: FactoryState; warnings: FactoryState['warnings'] } {
  const result = loadState(dir);
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
