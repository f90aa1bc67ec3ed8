import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AnalysisTemplate, analysisArg, EnvValue, MetricProvider } from '../src/index.js';
import {
  errorLine,
  expectValidManifests,
  findManifest,
  newChart,
  synth,
  synthError,
  synthYaml,
} from './helpers.js';

const job = (command: string[]) => MetricProvider.job({ container: { image: 'busybox:1.36', command } });

describe('AnalysisTemplate', () => {
  it('defaults: one job metric; Never restart and no retries', async () => {
    const chart = newChart('demo');
    const template = new AnalysisTemplate(chart, 'check', {
      metrics: [{ name: 'smoke', provider: job(['true']) }],
    });
    const manifests = synth(chart);
    const rendered = findManifest(manifests, 'AnalysisTemplate');
    expect(rendered.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(rendered.spec.metrics[0].provider.job.spec).toEqual({
      backoffLimit: 0,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'analysis', image: 'busybox:1.36', command: ['true'] }],
        },
      },
    });
    expect(template.argumentNames).toEqual([]);
    expectValidManifests(manifests);
    await expect(synthYaml(chart)).toMatchFileSnapshot('./__golden__/analysis-template.defaults.k8s.yaml');
  });

  it('all-options: argv container with args, env from Secrets, pod settings, metric limits', async () => {
    const chart = newChart('image-factory-kargo');
    const template = new AnalysisTemplate(chart, 'analyze', {
      metadata: { name: 'analyze-dockerfile' },
      args: [
        { name: 'image' },
        { name: 'tag' },
        { name: 'state-branch', value: 'main' },
        { name: 'token', valueFrom: { secretKeyRef: { name: 'github-workflow-token', key: 'token' } } },
      ],
      dryRunMetrics: ['report'],
      metrics: [
        {
          name: 'analyze',
          count: 1,
          failureLimit: 0,
          interval: Duration.minutes(1),
          initialDelay: '10s',
          consecutiveErrorLimit: '2',
          provider: MetricProvider.job({
            backoffLimit: 1,
            activeDeadlineSeconds: 900,
            ttlSecondsAfterFinished: 3600,
            restartPolicy: 'OnFailure',
            serviceAccountName: 'image-factory',
            imagePullSecrets: ['ghcr'],
            nodeSelector: { 'kubernetes.io/arch': 'amd64' },
            podMetadata: { labels: { 'app.kubernetes.io/name': 'image-factory-analysis' } },
            jobMetadata: { annotations: { note: 'analysis' } },
            container: {
              name: 'analyze',
              image: 'ghcr.io/acme/image-factory:1.0.0',
              args: [
                'analyze',
                '--image',
                analysisArg('image'),
                '--tag',
                analysisArg('tag'),
                '--state-branch',
                '{{ args.state-branch }}',
              ],
              env: {
                GITHUB_TOKEN: EnvValue.fromSecret('github-workflow-token', 'token', { optional: true }),
                REGION: EnvValue.fromConfigMap('settings', 'region'),
                POD_NAMESPACE: EnvValue.fromFieldPath('metadata.namespace'),
                LOG_LEVEL: 'info',
                TOKEN_ARG: EnvValue.fromValue('{{args.token}}'),
              },
              imagePullPolicy: 'IfNotPresent',
              workingDir: '/work',
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
              securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false },
            },
          }),
        },
        {
          name: 'report',
          provider: MetricProvider.fromJson({
            web: { url: 'https://status.example.com/{{args.image}}', jsonPath: '{$.ok}' },
          }),
          successCondition: 'result == true',
        },
      ],
    });
    const manifests = synth(chart);
    const spec = findManifest(manifests, 'AnalysisTemplate').spec;
    const container = spec.metrics[0].provider.job.spec.template.spec.containers[0];
    expect(container.command).toBeUndefined();
    expect(container.args.slice(0, 3)).toEqual(['analyze', '--image', '{{args.image}}']);
    expect(container.env[0]).toEqual({
      name: 'GITHUB_TOKEN',
      valueFrom: { secretKeyRef: { name: 'github-workflow-token', key: 'token', optional: true } },
    });
    expect(spec.metrics[0]).toMatchObject({
      count: 1,
      failureLimit: 0,
      consecutiveErrorLimit: '2',
      interval: '1m0s',
    });
    expect(spec.dryRun).toEqual([{ metricName: 'report' }]);
    expect(template.requiredArgumentNames).toEqual(['image', 'tag']);
    expectValidManifests(manifests);
    await expect(synthYaml(chart)).toMatchFileSnapshot('./__golden__/analysis-template.all-options.k8s.yaml');
  });

  describe('validation', () => {
    it('rejects a shell command unless allowed', () => {
      const chart = newChart('demo');
      new AnalysisTemplate(chart, 'shell', {
        args: [{ name: 'branch' }],
        metrics: [{ name: 'm', provider: job(['/bin/sh', '-c', 'git checkout {{args.branch}}']) }],
      });
      new AnalysisTemplate(chart, 'allowed', {
        metrics: [
          {
            name: 'm',
            provider: MetricProvider.job({
              container: { image: 'busybox', command: ['sh', '-c', 'true'], allowShell: true },
            }),
          },
        ],
      });
      const message = synthError(chart);
      expect(
        errorLine(
          message,
          'test/shell',
          'spec.metrics[0].provider.job.spec.template.spec.containers[0].command',
        ),
      ).toBe(
        'runs a shell script (sh -c); pass the program and its arguments as an argv array instead (or set allowShell: true)',
      );
      expect(message).not.toContain('test/allowed');
    });

    it('rejects references to undeclared arguments', () => {
      const chart = newChart('demo');
      new AnalysisTemplate(chart, 'check', {
        args: [{ name: 'tag' }],
        metrics: [{ name: 'm', provider: job(['check', '{{args.tag}}', '{{ args.digest }}']) }],
      });
      expect(
        errorLine(
          synthError(chart),
          'test/check',
          'spec.metrics[0].provider.job.spec.template.spec.containers[0].command[2]',
        ),
      ).toBe('references {{args.digest}} but the template declares no argument "digest" (declared: tag)');
    });

    it('needs metrics; metric and argument names are unique', () => {
      const chart = newChart('demo');
      new AnalysisTemplate(chart, 'empty');
      const dup = new AnalysisTemplate(chart, 'dup', { args: [{ name: 'a' }, { name: 'a', value: 'x' }] });
      dup.addMetric({ name: 'm', provider: job(['true']) });
      dup.addMetric({ name: 'm', provider: job(['false']) });
      const message = synthError(chart);
      expect(errorLine(message, 'test/empty', 'spec.metrics')).toBe(
        'an AnalysisTemplate needs at least one metric (pass metrics or call addMetric())',
      );
      expect(errorLine(message, 'test/dup', 'spec.args[1].name')).toBe('argument "a" is declared twice');
      expect(errorLine(message, 'test/dup', 'spec.metrics[1].name')).toBe('metric "m" is defined twice');
    });

    it('checks the job against the Argo Rollouts CRD', () => {
      const chart = newChart('demo');
      new AnalysisTemplate(chart, 'raw', {
        metrics: [{ name: 'm', provider: MetricProvider.fromJson({ job: { spec: {} } }) }],
      });
      expect(
        errorLine(synthError(chart), 'test/raw', 'spec.metrics[0].provider.job.spec.template'),
      ).toContain('required');
    });

    it('addArg declares arguments after construction', () => {
      const chart = newChart('demo');
      const template = new AnalysisTemplate(chart, 'check', {
        metrics: [{ name: 'm', provider: job(['echo', '{{args.x}}']) }],
      });
      template.addArg({ name: 'x', value: '1' });
      expect(() => synth(chart)).not.toThrow();
      expect(template.argumentNames).toEqual(['x']);
      expect(template.requiredArgumentNames).toEqual([]);
    });
  });
});
