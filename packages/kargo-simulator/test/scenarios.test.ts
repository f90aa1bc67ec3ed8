/**
 * The scenarios of issue 16 on the fleet of test/fixtures/fleet, synthesized by the real ImageFactory:
 * a base re-pushed every 2 days for 90 days, dependents with rebuildDelay 7d and 1d, a quiet base, a cascade
 * (python → runtime → service), autoRebuild: false, a multi-base image and a team workflow.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  builtOn,
  DAY,
  HOUR,
  latencyAllowance,
  type ProjectModel,
  parseManifests,
  type RebuildSummary,
  type ScheduledPush,
  type SimulationResult,
  simulate,
  starved,
  summarize,
} from '../src/index.js';
import { FLEET_DIR, synthesize } from './helpers.js';
import { mainLayout } from './main-layout.js';

/** The margin of docs/rebuilds.md: I = max(interval setting, soak + 1h). */
const SOAK_MARGIN = HOUR;
const UNPINNED_ANNOTATION = 'image-factory.io/unpinned';

const MAIN_CASCADE = fileURLToPath(new URL('./fixtures/main-732a8ac-cascade.k8s.yaml', import.meta.url));
const CASCADE_DIR = fileURLToPath(new URL('../../../examples/scenarios/cascade', import.meta.url));
const PYTHON = 'docker.io/library/python';
const DEBIAN = 'docker.io/library/debian';
const HORIZON = 90 * DAY;

/** python:3.12-slim re-pushed every 2 days; debian:12 (the quiet base) changes once, on day 10. */
function busyPushes(): ScheduledPush[] {
  const pushes: ScheduledPush[] = [];
  for (let at = 2 * DAY; at < HORIZON; at += 2 * DAY) pushes.push({ at, repoURL: PYTHON, tag: '3.12-slim' });
  pushes.push({ at: 10 * DAY, repoURL: DEBIAN, tag: '12' });
  return pushes;
}

interface Run {
  readonly project: ProjectModel;
  readonly result: SimulationResult;
  readonly summary: Map<string, RebuildSummary>;
}

function run(objects: readonly unknown[], pushes: ScheduledPush[], horizon = HORIZON): Run {
  const project = parseManifests(objects);
  const result = simulate({ project, horizon, pushes });
  expect(result.truncated).toBe(false);
  return { project, result, summary: new Map(summarize(project, result).map((s) => [s.stage, s])) };
}

let synthesized: unknown[];
beforeAll(async () => {
  synthesized = await synthesize(FLEET_DIR);
});

describe('the old layout (base Warehouse interval = baseInterval, every digest auto-promoted, no pins)', () => {
  it('is what main synthesized before issue 16', async () => {
    const main = parseAllDocuments(readFileSync(MAIN_CASCADE, 'utf8')).map(
      (d) => d.toJS() as Record<string, any>,
    );
    const rebuilt = mainLayout(await synthesize(CASCADE_DIR));
    const flow = (objects: Record<string, any>[]) =>
      objects
        .filter(
          (o) => o.kind === 'Warehouse' || (o.kind === 'Stage' && /^(base|rebuild)-/.test(o.metadata.name)),
        )
        .map((o) => ({
          kind: o.kind,
          name: o.metadata.name,
          annotations: o.metadata.annotations,
          spec: o.spec,
        }))
        .sort((a, b) => (`${a.kind}/${a.name}` < `${b.kind}/${b.name}` ? -1 : 1));
    expect(flow(rebuilt)).toEqual(flow(main));
  });

  it('starves the dependent with rebuildDelay 7d of a base re-pushed every 2 days', () => {
    const { summary, result } = run(mainLayout(synthesized), busyPushes());
    const weekly = summary.get('rebuild-weekly');
    expect(weekly?.rebuilds).toBe(0);
    expect(starved([...summary.values()]).map((s) => s.stage)).toContain('rebuild-weekly');
    // Never a continuous stay of 7 days in the base Stage, though the Freight spent 90 days there in total.
    expect(result.promotions.filter((p) => p.stage === 'base-python-3.12-slim').length).toBeGreaterThan(40);
  });
});

describe('the layout of docs/rebuilds.md, as synthesized (sampling Warehouses, pinned dispatches)', () => {
  let busy: Run;
  beforeAll(() => {
    busy = run(synthesized, busyPushes());
  });

  it('samples each soaking base Warehouse at I = max(baseInterval, soak + margin)', () => {
    for (const stage of busy.project.stages.values()) {
      for (const req of stage.requests) {
        if (req.requiredSoakTime === undefined) continue;
        const warehouse = busy.project.warehouses.get(req.origin);
        const managed = req.origin === 'base-runtime-soak-1d';
        const base = managed ? 5 * 60_000 : DAY;
        expect(warehouse?.interval, req.origin).toBe(Math.max(base, req.requiredSoakTime + SOAK_MARGIN));
      }
    }
  });

  it('starves no dependent: every auto-rebuilt image is rebuilt within the bound I + soak + latency', () => {
    expect(starved([...busy.summary.values()])).toEqual([]);
    for (const name of ['weekly', 'daily', 'runtime', 'service', 'multi', 'team', 'quiet']) {
      const s = busy.summary.get(`rebuild-${name}`);
      expect(s?.rebuilds, name).toBeGreaterThan(0);
      expect(s?.longestWait, name).toBeLessThanOrEqual(s?.bound ?? 0);
    }
    const weekly = busy.summary.get('rebuild-weekly');
    // I = 7d + 1h for the 7-day soak: bound = I + soak + latency ≈ 14 days.
    expect(weekly?.bound).toBe(7 * DAY + HOUR + 7 * DAY + latencyAllowance());
    // Rebuilt about every I (8 times in 90 days), not once per push (44 pushes).
    expect(weekly?.rebuilds).toBeGreaterThanOrEqual(10);
    expect(weekly?.rebuilds).toBeLessThanOrEqual(13);
  });

  it('pins every rebuild of the generated workflow to digests at least rebuildDelay old', () => {
    for (const d of busy.result.dispatches) {
      const s = busy.summary.get(d.stage);
      if (d.stage === 'rebuild-team') continue;
      expect(d.pins, d.stage).toBeDefined();
      for (const digest of Object.values(d.pins ?? {})) {
        const pushedAt = busy.result.pushedAt.get(digest);
        expect(pushedAt, `${d.stage} pins an unknown digest`).toBeDefined();
        expect(d.at - (pushedAt ?? d.at), d.stage).toBeGreaterThanOrEqual(
          s?.soak ?? Number.POSITIVE_INFINITY,
        );
      }
    }
  });

  it('marks the rebuild of a team workflow without a pins input as unpinned', () => {
    const team = busy.project.stages.get('rebuild-team');
    expect(team?.annotations[UNPINNED_ANNOTATION]).toBe('true');
    const s = busy.summary.get('rebuild-team');
    expect(s?.unpinnedRebuilds).toBe(s?.rebuilds);
    for (const [stage, summary] of busy.summary) {
      if (stage !== 'rebuild-team') expect(summary.unpinnedRebuilds, stage).toBe(0);
    }
  });

  it('rebuilds the multi-base image on both bases, pinning both', () => {
    const multi = busy.result.dispatches.filter((d) => d.stage === 'rebuild-multi');
    const debianDay10 = busy.result.timeline.flatMap((e) =>
      e.kind === 'push' && e.repoURL === DEBIAN && e.at === 10 * DAY ? [e.digest] : [],
    );
    expect(multi.some((d) => builtOn(d).get(DEBIAN) === debianDay10[0])).toBe(true);
    const last = multi.at(-1);
    expect(Object.keys(last?.pins ?? {}).sort()).toEqual([`${DEBIAN}:12`, `${PYTHON}:3.12-slim`]);
    expect(
      busy.result.promotions.filter((p) => p.stage === 'rebuild-multi' && p.phase !== 'Succeeded'),
    ).toEqual([]);
  });

  it('never rebuilds the image with autoRebuild: false on its own, and renders the same pinned dispatch for a manual promotion', () => {
    expect(busy.result.dispatches.filter((d) => d.stage === 'rebuild-manual')).toEqual([]);
    expect(busy.project.autoPromotion.has('rebuild-manual')).toBe(false);
    const step = busy.project.stages.get('rebuild-manual')?.steps.find((s) => s.uses === 'http');
    expect(JSON.stringify(step?.config)).toContain('pins');
  });

  it('rebuilds each level of a cascade once per base change', () => {
    const change = 20 * DAY;
    const quiet = run(synthesized, [{ at: change, repoURL: PYTHON, tag: '3.12-slim' }], 45 * DAY);
    const sinceChange = (stage: string) =>
      quiet.result.dispatches.filter((d) => d.stage === stage && d.at >= change);
    for (const name of ['runtime', 'service', 'daily', 'weekly', 'multi', 'team']) {
      expect(sinceChange(`rebuild-${name}`), name).toHaveLength(1);
    }
    // The service is rebuilt on the runtime version built from the change.
    const runtimeBuild = quiet.result.builds.find((b) => b.stage === 'rebuild-runtime' && b.at >= change);
    const [service] = sinceChange('rebuild-service');
    expect(service && builtOn(service).get('ghcr.io/acme/runtime')).toBe(runtimeBuild?.digest);
    expect(quiet.result.builds.filter((b) => b.at >= change).length).toBe(6);
  });
});
