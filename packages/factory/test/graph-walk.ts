/**
 * Walks synthesized Image Factory manifests as Kargo would: Warehouses produce Freight, Stages
 * request it (directly or through upstream Stages), the ProjectConfig enables auto-promotion.
 */

type Manifest = Record<string, any>;

export interface FreightRequestView {
  readonly origin: string;
  readonly direct: boolean;
  readonly stages: readonly string[];
  readonly requiredSoakTime?: string;
}

export interface ManifestGraph {
  readonly warehouses: ReadonlyMap<string, Manifest>;
  readonly stages: ReadonlyMap<string, Manifest>;
  /** stageSelector.name → autoPromotionEnabled */
  readonly policies: ReadonlyMap<string, boolean>;
}

export function manifestGraph(manifests: readonly Manifest[]): ManifestGraph {
  const of = (kind: string) =>
    new Map(manifests.filter((m) => m.kind === kind).map((m) => [m.metadata.name as string, m]));
  const config = manifests.find((m) => m.kind === 'ProjectConfig');
  const policies = new Map<string, boolean>(
    (config?.spec?.promotionPolicies ?? []).map((p: Manifest) => [
      p.stageSelector.name,
      p.autoPromotionEnabled === true,
    ]),
  );
  return { warehouses: of('Warehouse'), stages: of('Stage'), policies };
}

export function requests(stage: Manifest): FreightRequestView[] {
  return (stage.spec.requestedFreight as Manifest[]).map((r) => ({
    origin: r.origin.name,
    direct: r.sources.direct === true,
    stages: r.sources.stages ?? [],
    ...(r.sources.requiredSoakTime !== undefined ? { requiredSoakTime: r.sources.requiredSoakTime } : {}),
  }));
}

/** Image repoURLs a Warehouse subscribes to. */
export function imageRepos(warehouse: Manifest): string[] {
  return (warehouse.spec.subscriptions as Manifest[]).filter((s) => s.image).map((s) => s.image.repoURL);
}

/** The steps (`uses`) of a Stage's promotion template. */
export function stepUses(stage: Manifest): string[] {
  return (stage.spec.promotionTemplate?.spec?.steps ?? []).map((s: Manifest) => s.uses);
}

/** The URL the Stage's `http` step calls, if any. */
export function dispatchUrl(stage: Manifest): string | undefined {
  const step = (stage.spec.promotionTemplate?.spec?.steps ?? []).find((s: Manifest) => s.uses === 'http');
  return step?.config?.url;
}

/**
 * The Stages that promote Freight of the Warehouse watching `repoURL` to a rebuild dispatch, with
 * the path the Freight takes: `[baseStage, rebuildStage]`.
 */
export function dispatchPaths(
  graph: ManifestGraph,
  repoURL: string,
): { warehouse: string; via: string; rebuild: string; url: string | undefined; soak: string | undefined }[] {
  const out: {
    warehouse: string;
    via: string;
    rebuild: string;
    url: string | undefined;
    soak: string | undefined;
  }[] = [];
  for (const [wname, w] of graph.warehouses) {
    if (!imageRepos(w).includes(repoURL)) continue;
    for (const [sname, stage] of graph.stages) {
      for (const req of requests(stage)) {
        if (req.origin !== wname) continue;
        for (const via of req.stages) {
          const upstream = graph.stages.get(via);
          if (upstream === undefined) continue;
          if (!requests(upstream).some((u) => u.origin === wname && u.direct)) continue;
          if (dispatchUrl(stage) === undefined) continue;
          out.push({
            warehouse: wname,
            via,
            rebuild: sname,
            url: dispatchUrl(stage),
            soak: req.requiredSoakTime,
          });
        }
      }
    }
  }
  return out.sort((a, b) => (a.rebuild < b.rebuild ? -1 : a.rebuild > b.rebuild ? 1 : 0));
}
