import { describe, expect, it } from 'vitest';
import { base, input, managed, synthFactory } from './fixtures.js';
import {
  available,
  type Freight,
  type Mismatch,
  promote,
  reconcile,
  type StageModel,
  stagesOf,
} from './kargo-availability.js';

const HOUR = 3_600;
const DAY = 86_400;

/**
 * Replays a timeline: new base Freight at `arrivals` (seconds) in every Warehouse of the base, the Stages
 * reconciled every 10 minutes, and at `manual` times an operator promoting, through the webhook, the
 * newest Freight available to a Stage that is not auto-promoted. Returns the reconciles in which Kargo
 * offered Freight to a Stage that its webhook then refused.
 */
function replay(
  stages: readonly StageModel[],
  origins: readonly string[],
  arrivals: readonly number[],
  manual: readonly { readonly at: number; readonly stage: string }[],
  until: number,
): Mismatch[] {
  const freight: Freight[] = [];
  const mismatches: Mismatch[] = [];
  const step = 600;
  for (let now = 0; now <= until; now += step) {
    for (const at of arrivals.filter((t) => t > now - step && t <= now)) {
      for (const origin of origins) {
        freight.push({
          name: `${origin}@${at}`,
          origin,
          discoveredAt: at,
          currentlyIn: new Map(),
          verifiedIn: new Map(),
        });
      }
    }
    mismatches.push(...reconcile(stages, freight, now));
    for (const m of manual.filter((x) => x.at > now - step && x.at <= now)) {
      const stage = stages.find((s) => s.name === m.stage) as StageModel;
      const newest = freight
        .filter((f) => available(stage, f, now))
        .sort((a, b) => b.discoveredAt - a.discoveredAt)[0];
      if (newest !== undefined) promote(stage.name, newest, freight, now);
    }
  }
  return mismatches;
}

/**
 * x (rebuildDelay 1h, autoRebuild false) and y (the default 7d) built on the same base. The base
 * changes at t=0, again 2 hours later (so the first Freight left the base Stage after 2h) and then not
 * for two weeks; an operator rebuilds x by hand 1 hour in, so x holds the first Freight for days.
 */
const ARRIVALS = [0, 2 * HOUR];
const MANUAL = [{ at: HOUR + 600, stage: 'rebuild-x' }];

describe('availability of base Freight to rebuild Stages (Kargo offers what its webhook refuses)', () => {
  it('a shared base Stage with different soak times hits the mismatch (the layout before)', () => {
    // The layout the factory generated before: one base Stage, each rebuild soaking its own delay.
    const shared: StageModel[] = [
      {
        name: 'base-b',
        autoPromote: true,
        requests: [{ origin: 'base-b', direct: true, stages: [], soak: undefined }],
      },
      {
        name: 'rebuild-x',
        autoPromote: false,
        requests: [{ origin: 'base-b', direct: false, stages: ['base-b'], soak: HOUR }],
      },
      {
        name: 'rebuild-y',
        autoPromote: true,
        requests: [{ origin: 'base-b', direct: false, stages: ['base-b'], soak: 7 * DAY }],
      },
    ];
    const mismatches = replay(shared, ['base-b'], ARRIVALS, MANUAL, 10 * DAY);
    // Once the first Freight has been in rebuild-x for 7 days, Kargo offers it to rebuild-y, whose
    // webhook refuses it (it spent 2 hours in base-b): rebuild-y's reconcile fails until the second
    // Freight has soaked in base-b too.
    expect(mismatches.length).toBeGreaterThan(0);
    expect(mismatches[0]).toEqual({ at: 7 * DAY + HOUR + 600, stage: 'rebuild-y', freight: 'base-b@0' });
  });

  it('the generated layout (a base Stage per soak time) cannot hit it', () => {
    const { manifests } = synthFactory(
      input(
        [
          managed('x', {
            baseImages: ['b'],
            workflow: 'x.yml',
            rebuildDelaySeconds: HOUR,
            autoRebuild: false,
          }),
          managed('y', { baseImages: ['b'], workflow: 'y.yml' }),
        ],
        [base('b', 'debian:12-slim')],
      ),
    );
    const stages = stagesOf(manifests).filter((s) => /^(base|rebuild)-/.test(s.name));
    expect(stages.map((s) => s.name).sort()).toEqual(['base-b', 'base-b-soak-1h', 'rebuild-x', 'rebuild-y']);
    const origins = [...new Set(stages.flatMap((s) => s.requests.map((r) => r.origin)))].sort();
    expect(origins).toEqual(['base-b', 'base-b-soak-1h']);
    expect(replay(stages, origins, ARRIVALS, MANUAL, 10 * DAY)).toEqual([]);
  });

  it('the generated layout holds on random timelines: every offered Freight is accepted', () => {
    // Deterministic pseudo-random timelines over a fleet with shared and distinct soak times.
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const { manifests } = synthFactory(
      input(
        [
          managed('a', {
            baseImages: ['b'],
            workflow: 'a.yml',
            rebuildDelaySeconds: HOUR,
            autoRebuild: false,
          }),
          managed('c', { baseImages: ['b'], workflow: 'c.yml', rebuildDelaySeconds: HOUR }),
          managed('d', { baseImages: ['b'], workflow: 'd.yml', autoRebuild: false }),
          managed('e', { baseImages: ['b'], workflow: 'e.yml' }),
          managed('f', { baseImages: ['b'], workflow: 'f.yml', rebuildDelaySeconds: 0 }),
        ],
        [base('b', 'debian:12-slim')],
      ),
    );
    const stages = stagesOf(manifests).filter((s) => /^(base|rebuild)-/.test(s.name));
    const origins = [...new Set(stages.flatMap((s) => s.requests.map((r) => r.origin)))].sort();
    // The same fleet on one shared base Stage, as generated before: the timelines must find its flaw,
    // or they would prove nothing.
    const shared: StageModel[] = [
      {
        name: 'base-b',
        autoPromote: true,
        requests: [{ origin: 'base-b', direct: true, stages: [], soak: undefined }],
      },
      ...stages
        .filter((s) => s.name.startsWith('rebuild-'))
        .map((s) => ({
          ...s,
          requests: s.requests.map((r) => ({ ...r, origin: 'base-b', stages: ['base-b'] })),
        })),
    ];
    let sharedMismatches = 0;
    for (let run = 0; run < 20; run++) {
      const arrivals = Array.from({ length: 6 }, () => Math.floor(random() * 12 * DAY)).sort((p, q) => p - q);
      const manual = Array.from({ length: 8 }, () => ({
        at: Math.floor(random() * 12 * DAY),
        stage: random() < 0.5 ? 'rebuild-a' : 'rebuild-d',
      }));
      expect(replay(stages, origins, arrivals, manual, 14 * DAY), `run ${run}`).toEqual([]);
      sharedMismatches += replay(shared, ['base-b'], arrivals, manual, 14 * DAY).length;
    }
    expect(sharedMismatches).toBeGreaterThan(0);
  });
});
