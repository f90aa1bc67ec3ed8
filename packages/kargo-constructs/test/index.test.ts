// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ … }}` strings
import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

describe('public API', () => {
  it('exports the L2 constructs, value objects and helpers by name', () => {
    const exported: Record<string, unknown> = { ...api };
    for (const name of [
      'Project',
      'ProjectConfig',
      'PromotionPolicy',
      'Warehouse',
      'Subscription',
      'Stage',
      'PromotionTask',
      'ClusterPromotionTask',
      'AnalysisTemplate',
      'ClusterAnalysisTemplate',
      'MetricProvider',
      'EnvValue',
      'Step',
      'Expr',
    ] as const) {
      expect(typeof exported[name], name).toBe('function');
    }
    for (const name of [
      'imageFrom',
      'commitFrom',
      'chartFrom',
      'secret',
      'outputs',
      'quote',
      'expr',
      'shortenName',
      'toKubernetesName',
      'formatDuration',
      'validateManifest',
      'validateStepConfig',
      'validateSubscription',
    ] as const) {
      expect(typeof exported[name], name).toBe('function');
    }
    expect(api.KARGO_VERSION).toBe('v1.11.2');
    expect(api.ctx.stage).toBe('${{ ctx.stage }}');
  });

  it('exposes the generated L1 classes under the l1 namespace, named like the Kargo kinds', () => {
    expect(api.l1.Stage.GVK).toEqual({ apiVersion: 'kargo.akuity.io/v1alpha1', kind: 'Stage' });
    expect(api.l1.Warehouse.GVK.kind).toBe('Warehouse');
    expect(api.l1.AnalysisTemplate.GVK).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
    });
    expect(api.l1.ClusterPromotionTask.GVK.kind).toBe('ClusterPromotionTask');
    expect(api.stepConfigs.BUILTIN_STEP_NAMES).toContain('git-clone');
  });

  it('each L2 wraps one L1 as its default child, reachable for escape hatches', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'demo' });
    const warehouse = new api.Warehouse(chart, 'wh', {
      subscriptions: [api.Subscription.image({ repoURL: 'ghcr.io/acme/app' })],
    });
    expect(warehouse.node.defaultChild).toBe(warehouse.apiObject);
    expect(warehouse.apiObject).toBeInstanceOf(api.l1.Warehouse);
    expect(warehouse.node.id).toBe('wh');
    expect(warehouse.apiObject.node.id).toBe('Resource');
  });
});
