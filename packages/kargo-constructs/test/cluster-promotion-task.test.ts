import { describe, expect, it } from 'vitest';
import { ClusterPromotionTask, Step, vars } from '../src/index.js';
import {
  errorLine,
  expectValidManifests,
  findManifest,
  newChart,
  synth,
  synthError,
  synthYaml,
} from './helpers.js';

describe('ClusterPromotionTask', () => {
  it('defaults: cluster-scoped, no namespace even in a namespaced chart', async () => {
    const chart = newChart('demo');
    new ClusterPromotionTask(chart, 'notify', { steps: [Step.http({ url: 'https://example.com/hook' })] });
    const manifests = synth(chart);
    const rendered = findManifest(manifests, 'ClusterPromotionTask');
    expect(rendered.metadata.namespace).toBeUndefined();
    expectValidManifests(manifests);
    await expect(synthYaml(chart)).toMatchFileSnapshot(
      './__golden__/cluster-promotion-task.defaults.k8s.yaml',
    );
  });

  it('all-options: name, labels, vars and several steps', async () => {
    const chart = newChart(null);
    const task = new ClusterPromotionTask(chart, 'sync', {
      metadata: { name: 'argocd-sync', labels: { shared: 'true' } },
      vars: { app: undefined, namespace: 'argocd' },
      steps: [
        Step.argocdUpdate({ apps: [{ name: vars('app'), namespace: vars('namespace') }] }, { as: 'sync' }),
      ],
    });
    task.addStep(Step.composeOutput({ app: vars('app') }, { as: 'out' }));
    const manifests = synth(chart);
    expect(findManifest(manifests, 'ClusterPromotionTask').spec.vars).toEqual([
      { name: 'app' },
      { name: 'namespace', value: 'argocd' },
    ]);
    expect(task.requiredVars).toEqual(['app']);
    expect(task.taskName).toBe('argocd-sync');
    expectValidManifests(manifests);
    await expect(synthYaml(chart)).toMatchFileSnapshot(
      './__golden__/cluster-promotion-task.all-options.k8s.yaml',
    );
  });

  it('rejects a namespace, an empty step list and step config errors', () => {
    const chart = newChart(null);
    expect(() => new ClusterPromotionTask(chart, 'ns', { metadata: { namespace: 'demo' } })).toThrow(
      'test/ns: ClusterPromotionTask is cluster-scoped and cannot have a namespace (got "demo")',
    );
    new ClusterPromotionTask(chart, 'empty');
    new ClusterPromotionTask(chart, 'bad', {
      steps: [Step.kustomizeSetImage({ path: '.', images: [{ image: 'app' }] })],
    });
    const message = synthError(chart);
    expect(errorLine(message, 'test/empty', 'spec.steps')).toBe(
      'a ClusterPromotionTask needs at least one step (pass steps or call addStep())',
    );
    expect(errorLine(message, 'test/bad', 'spec.steps[0].config.images[0]')).toMatch(/tag|digest/);
  });
});
