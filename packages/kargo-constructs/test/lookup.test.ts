// Cross-reference lookups share one walk of the app per synthesis, and never go stale.
import { App } from 'cdk8s';
import { describe, expect, it, vi } from 'vitest';
import { ProjectConfig, PromotionPolicy, Stage, Subscription, Warehouse } from '../src/index.js';
import { errorLine, newChart, synth, synthError } from './helpers.js';

function warehouse(chart: ReturnType<typeof newChart>, name: string): Warehouse {
  return new Warehouse(chart, `wh-${name}`, {
    metadata: { name },
    subscriptions: [Subscription.image({ repoURL: `ghcr.io/acme/${name}` })],
  });
}

/** A pipeline of `n` warehouses, each with a test and a prod Stage. */
function pipelines(chart: ReturnType<typeof newChart>, n: number): void {
  for (let i = 0; i < n; i++) {
    warehouse(chart, `app-${i}`);
    new Stage(chart, `test-${i}`, {
      metadata: { name: `test-${i}` },
      requestedFreight: [{ origin: `app-${i}`, sources: { direct: true } }],
    });
    new Stage(chart, `prod-${i}`, {
      metadata: { name: `prod-${i}` },
      requestedFreight: [{ origin: `app-${i}`, sources: { stages: [`test-${i}`] } }],
    });
  }
}

describe('cross-reference lookups', () => {
  it('walk the whole app a fixed number of times, however many Stages there are', () => {
    const walks = (n: number): number => {
      const chart = newChart('demo');
      pipelines(chart, n);
      const root = App.of(chart).node;
      const spy = vi.spyOn(root, 'findAll');
      synth(chart);
      return spy.mock.calls.length;
    };
    expect(walks(40)).toBe(walks(4));
  });

  it('see a Warehouse added after a failed synthesis (same synchronous run)', () => {
    const chart = newChart('demo');
    warehouse(chart, 'app');
    new Stage(chart, 'test', { requestedFreight: [{ origin: 'base', sources: { direct: true } }] });
    expect(errorLine(synthError(chart), 'test/test', 'spec.requestedFreight[0].origin.name')).toContain(
      'Warehouse "base" is not defined in namespace "demo" of this app (known: "app")',
    );
    warehouse(chart, 'base');
    expect(() => synth(chart)).not.toThrow();
  });

  it('see a Stage added after a failed synthesis, for Stages and ProjectConfig policies', () => {
    const chart = newChart('demo');
    warehouse(chart, 'app');
    new Stage(chart, 'prod', {
      metadata: { name: 'prod' },
      requestedFreight: [{ origin: 'app', sources: { stages: ['test'] } }],
    });
    const config = new ProjectConfig(chart, 'config', { project: 'demo' });
    config.addPromotionPolicy(PromotionPolicy.forStage('test', { autoPromotionEnabled: true }));
    const message = synthError(chart);
    expect(errorLine(message, 'test/prod', 'spec.requestedFreight[0].sources.stages[0]')).toContain(
      'Stage "test" is not defined in namespace "demo" of this app (known: "prod")',
    );
    expect(errorLine(message, 'test/config', 'spec.promotionPolicies[0].stageSelector.name')).toContain(
      'Stage "test" is not defined in project "demo" of this app (known: "prod")',
    );
    new Stage(chart, 'test', {
      metadata: { name: 'test' },
      requestedFreight: [{ origin: 'app', sources: { direct: true } }],
    });
    expect(() => synth(chart)).not.toThrow();
  });

  it('only match constructs of the Stage namespace', () => {
    const chart = newChart('demo');
    warehouse(newChart('other'), 'app');
    new Stage(chart, 'test', { requestedFreight: [{ origin: 'app', sources: { direct: true } }] });
    expect(errorLine(synthError(chart), 'test/test', 'spec.requestedFreight[0].origin.name')).toContain(
      '(known: none)',
    );
  });
});
