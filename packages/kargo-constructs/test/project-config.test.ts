// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ … }}` strings
import { describe, expect, it } from 'vitest';
import { Project, ProjectConfig, PromotionPolicy, Stage, Subscription, Warehouse } from '../src/index.js';
import {
  errorLine,
  expectValidManifests,
  findManifest,
  newChart,
  synth,
  synthError,
  synthYaml,
} from './helpers.js';

function pipeline(chart: ReturnType<typeof newChart>): { test: Stage; prod: Stage } {
  const wh = new Warehouse(chart, 'wh', {
    metadata: { name: 'app' },
    subscriptions: [Subscription.image({ repoURL: 'ghcr.io/acme/app' })],
  });
  const test = new Stage(chart, 'test', {
    metadata: { name: 'test', labels: { 'image-factory/auto': 'true' } },
    requestedFreight: [{ origin: wh, sources: { direct: true } }],
  });
  const prod = new Stage(chart, 'prod', {
    metadata: { name: 'prod' },
    requestedFreight: [{ origin: wh, sources: { stages: [test] } }],
  });
  return { test, prod };
}

describe('ProjectConfig', () => {
  it('defaults: named after the chart namespace, no spec content', async () => {
    const chart = newChart('demo');
    const config = new ProjectConfig(chart, 'config');
    const manifests = synth(chart);
    const rendered = findManifest(manifests, 'ProjectConfig');
    expect(rendered.metadata).toEqual({ name: 'demo', namespace: 'demo' });
    expect(rendered.spec).toEqual({});
    expect(config.projectName).toBe('demo');
    expectValidManifests(manifests);
    await expect(synthYaml(chart)).toMatchFileSnapshot('./__golden__/project-config.defaults.k8s.yaml');
  });

  it('all-options: policies by Stage, glob, regex, labels and selector; receivers and links', async () => {
    const chart = newChart('demo');
    const project = new Project(chart, 'project', { metadata: { name: 'demo' } });
    const { test, prod } = pipeline(chart);
    const config = new ProjectConfig(chart, 'config', {
      project,
      labels: { team: 'platform' },
      annotations: { note: 'generated' },
      promotionPolicies: [
        PromotionPolicy.forStage(test),
        PromotionPolicy.forStage('prod', {
          autoPromotionEnabled: false,
          autoRollback: { onPromotion: ['Failed'], onVerification: ['Failed', 'Error'] },
        }),
        PromotionPolicy.forGlob('rebuild-*'),
        PromotionPolicy.forRegex('^analyze-.*$'),
      ],
      webhookReceivers: [{ name: 'github', github: { secretRef: { name: 'github-webhook' } } }],
      freightLinks: [
        {
          title: 'Commit',
          url: 'https://github.com/acme/app/commit/${{ commitFrom("https://github.com/acme/app").ID }}',
        },
      ],
      stageLinks: [
        {
          title: 'Dashboard',
          url: 'https://grafana.example.com/d/app?stage=${{ ctx.stage }}',
          description: 'Grafana',
        },
      ],
    });
    config.addPromotionPolicy(PromotionPolicy.forLabels({ 'image-factory/auto': 'true' }));
    config.addPromotionPolicy(
      PromotionPolicy.forSelector({
        name: 'glob:consumer-*',
        matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }],
      }),
    );
    const manifests = synth(chart);
    const spec = findManifest(manifests, 'ProjectConfig').spec;
    expect(spec.promotionPolicies[0]).toEqual({
      stageSelector: { name: 'test' },
      autoPromotionEnabled: true,
    });
    expect(spec.promotionPolicies[1]).toEqual({
      stageSelector: { name: prod.stageName },
      autoPromotionEnabled: false,
      autoRollback: { onPromotion: ['Failed'], onVerification: ['Failed', 'Error'] },
    });
    expect(
      spec.promotionPolicies.map((p: { stageSelector: { name?: string } }) => p.stageSelector.name),
    ).toEqual(['test', 'prod', 'glob:rebuild-*', 'regex:^analyze-.*$', undefined, 'glob:consumer-*']);
    expect(config.promotionPolicies).toHaveLength(6);
    expectValidManifests(manifests);
    await expect(
      synthYaml(chart)
        .split('---\n')
        .filter((d) => d.includes('kind: ProjectConfig'))
        .join('---\n'),
    ).toMatchFileSnapshot('./__golden__/project-config.all-options.k8s.yaml');
  });

  describe('validation', () => {
    it('a policy for a Stage that does not exist', () => {
      const chart = newChart('demo');
      pipeline(chart);
      new ProjectConfig(chart, 'config', { promotionPolicies: [PromotionPolicy.forStage('rebuild-python')] });
      expect(
        errorLine(synthError(chart), 'test/config', 'spec.promotionPolicies[0].stageSelector.name'),
      ).toBe(
        'Stage "rebuild-python" is not defined in project "demo" of this app (known: "prod", "test"); a policy for a missing Stage never applies',
      );
    });

    it('allows a policy for a Stage referenced with Stage.fromStageName()', () => {
      const chart = newChart('demo');
      new ProjectConfig(chart, 'config', {
        promotionPolicies: [PromotionPolicy.forStage(Stage.fromStageName('external'))],
      });
      expect(() => synth(chart)).not.toThrow();
    });

    it('unknown pattern prefixes, empty patterns and two policies for one Stage', () => {
      const chart = newChart('demo');
      const { test } = pipeline(chart);
      new ProjectConfig(chart, 'config', {
        promotionPolicies: [
          PromotionPolicy.forSelector({ name: 'wildcard:rebuild-*' }),
          PromotionPolicy.forGlob(''),
          PromotionPolicy.forStage(test),
          PromotionPolicy.forStage('test'),
        ],
      });
      const message = synthError(chart);
      expect(errorLine(message, 'test/config', 'spec.promotionPolicies[0].stageSelector.name')).toBe(
        'unknown pattern prefix "wildcard:" in "wildcard:rebuild-*"; use glob:, regex: or regexp:',
      );
      expect(errorLine(message, 'test/config', 'spec.promotionPolicies[1].stageSelector.name')).toBe(
        'the glob: pattern is empty',
      );
      expect(errorLine(message, 'test/config', 'spec.promotionPolicies[3].stageSelector.name')).toBe(
        'Stage "test" already has a policy (spec.promotionPolicies[2])',
      );
    });

    it('one ProjectConfig per Project', () => {
      const chart = newChart('demo');
      new ProjectConfig(chart, 'a');
      new ProjectConfig(chart, 'b', { project: 'demo' });
      expect(errorLine(synthError(chart), 'test/a', 'metadata.name')).toBe(
        'Project "demo" already has a ProjectConfig (test/b); Kargo allows one per Project',
      );
    });

    it('needs to know its Project', () => {
      const chart = newChart(null);
      new ProjectConfig(chart, 'config');
      expect(errorLine(synthError(chart), 'test/config', 'metadata.name')).toBe(
        'a ProjectConfig is named after its Project; pass project (a Project or its name) or give the chart a namespace',
      );
    });

    it('CRD rules: autoRollback values', () => {
      const chart = newChart('demo');
      pipeline(chart);
      new ProjectConfig(chart, 'config', {
        promotionPolicies: [
          PromotionPolicy.forStage('test', { autoRollback: { onVerification: ['Errored' as 'Error'] } }),
        ],
      });
      expect(
        errorLine(synthError(chart), 'test/config', 'spec.promotionPolicies[0].autoRollback.onVerification'),
      ).toContain('onVerification[0] must be Failed or Error');
    });
  });
});
