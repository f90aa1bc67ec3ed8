import { compareStrings } from '@image-factory/state-schema';
import { type App, Chart, Yaml } from 'cdk8s';

/** Kinds in manifest order; each group is sorted by name. */
export const KIND_ORDER = [
  'Namespace',
  'Project',
  'ProjectConfig',
  'ServiceAccount',
  'AnalysisTemplate',
  'Warehouse',
  'Stage',
] as const;

/** A Kubernetes object as synthesized. */
export type Manifest = { readonly kind: string; readonly metadata: { readonly name: string } } & Record<
  string,
  unknown
>;

function rank(kind: string): number {
  const i = (KIND_ORDER as readonly string[]).indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

/** Sorts objects: Namespace, Project, ProjectConfig, ServiceAccount, AnalysisTemplate, Warehouses, Stages; by name within a kind. */
export function sortManifests(manifests: readonly Manifest[]): Manifest[] {
  return [...manifests].sort(
    (a, b) =>
      rank(a.kind) - rank(b.kind) ||
      compareStrings(a.kind, b.kind) ||
      compareStrings(a.metadata.name, b.metadata.name),
  );
}

/**
 * Synthesizes the app — running every synth-time validation; a failure throws an Error whose
 * message lists each problem as `[construct path] field: message` — into its objects, sorted.
 */
export function synthManifests(app: App): Manifest[] {
  const charts = app.node.children.filter((c): c is Chart => Chart.isChart(c));
  // Chart.toJson() resolves dependencies and runs every validation of the app (throws on failure),
  // as app.synthYaml() does; calling both validated twice and rendered YAML that was thrown away.
  if (charts.length === 0) app.synthYaml();
  return sortManifests(charts.flatMap((chart) => chart.toJson() as Manifest[]));
}

/** The multi-document YAML of the objects (deterministic: same objects, same bytes). */
export function renderManifest(manifests: readonly Manifest[]): string {
  return Yaml.stringify(...manifests);
}
