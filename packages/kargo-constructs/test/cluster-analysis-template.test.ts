import { describe, expect, it } from 'vitest';
import { ClusterAnalysisTemplate, EnvValue, MetricProvider } from '../src/index.js';
import {
  errorLine,
  expectValidManifests,
  findManifest,
  newChart,
  synth,
  synthError,
  synthYaml,
} from './helpers.js';

describe('ClusterAnalysisTemplate', () => {
  it('defaults: cluster-scoped, no namespace even in a namespaced chart', async () => {
    const chart = newChart('demo');
    new ClusterAnalysisTemplate(chart, 'check', {
      metrics: [
        {
          name: 'smoke',
          provider: MetricProvider.job({ container: { image: 'busybox:1.36', command: ['true'] } }),
        },
      ],
    });
    const manifests = synth(chart);
    const rendered = findManifest(manifests, 'ClusterAnalysisTemplate');
    expect(rendered.metadata.namespace).toBeUndefined();
    expectValidManifests(manifests);
    await expect(synthYaml(chart)).toMatchFileSnapshot(
      './__golden__/cluster-analysis-template.defaults.k8s.yaml',
    );
  });

  it('all-options: args, env from Secrets, two metrics with limits and a dry-run metric', async () => {
    const chart = newChart(null);
    const template = new ClusterAnalysisTemplate(chart, 'shared', {
      metadata: { name: 'shared-smoke', labels: { shared: 'true' } },
      args: [
        { name: 'url' },
        { name: 'stage', valueFrom: { fieldRef: { fieldPath: "metadata.labels['kargo.akuity.io/stage']" } } },
      ],
      dryRunMetrics: ['latency'],
      metrics: [
        {
          name: 'smoke',
          failureLimit: 1,
          provider: MetricProvider.job({
            container: {
              image: 'curlimages/curl:8.8.0',
              command: ['curl', '--fail', '--silent', '{{args.url}}'],
              env: { TOKEN: EnvValue.fromSecret('smoke-token', 'token') },
            },
          }),
        },
        {
          name: 'latency',
          interval: '30s',
          count: 5,
          provider: MetricProvider.fromJson({ web: { url: '{{args.url}}/metrics', jsonPath: '{$.p99}' } }),
          successCondition: 'result < 0.5',
        },
      ],
    });
    template.addArg({ name: 'extra', value: 'x' });
    const manifests = synth(chart);
    expect(
      findManifest(manifests, 'ClusterAnalysisTemplate').spec.args.map((a: { name: string }) => a.name),
    ).toEqual(['url', 'stage', 'extra']);
    expect(template.requiredArgumentNames).toEqual(['url']);
    expect(template.templateKind).toBe('ClusterAnalysisTemplate');
    expectValidManifests(manifests);
    await expect(synthYaml(chart)).toMatchFileSnapshot(
      './__golden__/cluster-analysis-template.all-options.k8s.yaml',
    );
  });

  it('rejects a namespace and applies the template rules', () => {
    const chart = newChart(null);
    expect(() => new ClusterAnalysisTemplate(chart, 'ns', { metadata: { namespace: 'demo' } })).toThrow(
      'test/ns: ClusterAnalysisTemplate is cluster-scoped and cannot have a namespace (got "demo")',
    );
    new ClusterAnalysisTemplate(chart, 'empty');
    expect(errorLine(synthError(chart), 'test/empty', 'spec.metrics')).toBe(
      'an AnalysisTemplate needs at least one metric (pass metrics or call addMetric())',
    );
  });
});
