import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Subscription, Warehouse } from '../src/index.js';
import {
  errorLine,
  expectValidManifests,
  findManifest,
  newChart,
  synth,
  synthError,
  synthYaml,
} from './helpers.js';

describe('Warehouse', () => {
  it('defaults: one image subscription, Kargo defaults written out', async () => {
    const chart = newChart('demo');
    const warehouse = new Warehouse(chart, 'app', {
      metadata: { name: 'app' },
      subscriptions: [Subscription.image({ repoURL: 'ghcr.io/acme/app' })],
    });
    const manifests = synth(chart);
    const spec = findManifest(manifests, 'Warehouse').spec;
    expect(spec.interval).toBe('5m0s');
    expect(spec.freightCreationPolicy).toBe('Automatic');
    expect(spec.subscriptions).toEqual([
      {
        image: {
          repoURL: 'ghcr.io/acme/app',
          imageSelectionStrategy: 'SemVer',
          strictSemvers: true,
          discoveryLimit: 20,
        },
      },
    ]);
    expect(warehouse.warehouseName).toBe('app');
    expect(warehouse.namespace).toBe('demo');
    expectValidManifests(manifests);
    await expect(synthYaml(chart)).toMatchFileSnapshot('./__golden__/warehouse.defaults.k8s.yaml');
  });

  it('all-options: Digest image, git with paths, charts, a generic subscription and every spec field', async () => {
    const chart = newChart('demo');
    const warehouse = new Warehouse(chart, 'python', {
      metadata: { name: 'python-3-12-slim', labels: { 'image-factory/kind': 'base' } },
      interval: Duration.hours(24),
      freightCreationPolicy: 'Manual',
      freightCreationCriteria: "imageFrom('docker.io/library/python').Tag != ''",
      shard: 'east',
      subscriptions: [
        Subscription.image({
          repoURL: 'docker.io/library/python',
          imageSelectionStrategy: 'Digest',
          constraint: '3.12-slim',
          platform: 'linux/amd64',
          discoveryLimit: 5,
          insecureSkipTLSVerify: false,
        }),
        Subscription.image({
          repoURL: 'ghcr.io/acme/app',
          constraint: '^1.0.0',
          strictSemvers: false,
          allowTagsRegexes: ['^1\\.'],
          ignoreTagsRegexes: ['-rc\\d*$'],
          cacheByTag: true,
        }),
      ],
    });
    warehouse.addSubscription(
      Subscription.git({
        repoURL: 'https://github.com/acme/platform.git',
        branch: 'main',
        includePaths: ['glob:backstage/**'],
        excludePaths: ['regex:.*\\.md$'],
        expressionFilter: '!(subject contains "[skip ci]")',
        since: '2025-01-01T00:00:00Z',
        blobless: true,
        discoveryLimit: 10,
      }),
    );
    warehouse.addSubscription(
      Subscription.chart({ repoURL: 'oci://ghcr.io/acme/charts/app', semverConstraint: '^2' }),
    );
    warehouse.addSubscription(Subscription.chart({ repoURL: 'https://charts.example.com', name: 'app' }));
    warehouse.addSubscription(
      Subscription.generic('s3', { name: 'bucket', config: { bucket: 'b' }, discoveryLimit: 3 }),
    );
    const manifests = synth(chart);
    const spec = findManifest(manifests, 'Warehouse').spec;
    expect(spec.interval).toBe('24h0m0s');
    expect(spec.freightCreationPolicy).toBe('Manual');
    expect(spec.freightCreationCriteria).toEqual({
      expression: "imageFrom('docker.io/library/python').Tag != ''",
    });
    expect(spec.subscriptions[0].image).toMatchObject({
      imageSelectionStrategy: 'Digest',
      constraint: '3.12-slim',
    });
    // The Digest selector ignores strictSemvers: no default is written for it.
    expect(spec.subscriptions[0].image).not.toHaveProperty('strictSemvers');
    expect(spec.subscriptions[2].git).toMatchObject({
      commitSelectionStrategy: 'NewestFromBranch',
      includePaths: ['glob:backstage/**'],
    });
    expect(spec.subscriptions[5]).toEqual({
      s3: { name: 'bucket', config: { bucket: 'b' }, discoveryLimit: 3 },
    });
    expect(warehouse.subscriptions).toHaveLength(6);
    expectValidManifests(manifests);
    await expect(synthYaml(chart)).toMatchFileSnapshot('./__golden__/warehouse.all-options.k8s.yaml');
  });

  describe('validation', () => {
    function errorFor(...subscriptions: Subscription[]): string {
      const chart = newChart('demo');
      new Warehouse(chart, 'wh', { metadata: { name: 'wh' }, subscriptions });
      return synthError(chart);
    }

    it.each([
      ['allowTags', { allowTags: '^3\\.12-slim$' }, 'allowTagsRegexes'],
      ['ignoreTags', { ignoreTags: ['latest'] }, 'ignoreTagsRegexes'],
      ['semverConstraint', { semverConstraint: '^1.0.0' }, 'constraint'],
      ['gitRepoURL', { gitRepoURL: 'https://github.com/acme/app' }, 'org.opencontainers.image.source'],
    ])('rejects the retired image field %s and names its replacement %s', (field, extra, replacement) => {
      const legacy = { repoURL: 'docker.io/library/python', ...extra } as Parameters<
        typeof Subscription.image
      >[0];
      const line = errorLine(
        errorFor(Subscription.image(legacy)),
        'test/wh',
        `spec.subscriptions[0].image.${field}`,
      );
      expect(line).toContain(`"${field}"`);
      expect(line).toContain(`"${replacement}"`);
    });

    it('rejects retired git fields too', () => {
      const legacy = { repoURL: 'https://github.com/acme/app', ignoreTags: ['v1'] } as Parameters<
        typeof Subscription.git
      >[0];
      const line = errorLine(
        errorFor(Subscription.git(legacy)),
        'test/wh',
        'spec.subscriptions[0].git.ignoreTags',
      );
      expect(line).toContain('"ignoreTagsRegexes"');
    });

    it('requires a constraint for the Digest strategy', () => {
      const message = errorFor(
        Subscription.image({ repoURL: 'docker.io/library/python', imageSelectionStrategy: 'Digest' }),
      );
      expect(errorLine(message, 'test/wh', 'spec.subscriptions[0].image.constraint')).toMatch(/Digest/);
    });

    it('rejects an image repoURL with a tag and suggests the repository', () => {
      const message = errorFor(Subscription.image({ repoURL: 'python:3.12-slim' }));
      expect(message).toContain(
        '[test/wh] spec.subscriptions[0].image.repoURL: "python:3.12-slim" must not include a tag or digest; use "docker.io/library/python" and select tags with constraint or allowTagsRegexes',
      );
      expect(message.match(/image\.repoURL/g)).toHaveLength(1);
    });

    it('checks fields against the subscription schema', () => {
      const message = errorFor(
        Subscription.image({ repoURL: 'ghcr.io/acme/app', discoveryLimit: 500, platform: 'linux' }),
      );
      expect(errorLine(message, 'test/wh', 'spec.subscriptions[0].image.discoveryLimit')).toContain('100');
      expect(errorLine(message, 'test/wh', 'spec.subscriptions[0].image.platform')).toContain('"linux"');
    });

    it('applies the chart name rules', () => {
      const http = errorFor(Subscription.chart({ repoURL: 'https://charts.example.com' }));
      expect(errorLine(http, 'test/wh', 'spec.subscriptions[0].chart.name')).toMatch(/required/);
      const oci = errorFor(Subscription.chart({ repoURL: 'oci://ghcr.io/acme/app', name: 'app' }));
      expect(errorLine(oci, 'test/wh', 'spec.subscriptions[0].chart.name')).toMatch(/must not be set/);
    });

    it('rejects two subscriptions to the same repository (after normalization)', () => {
      expect(
        errorFor(
          Subscription.image({ repoURL: 'python' }),
          Subscription.image({ repoURL: 'docker.io/library/python' }),
        ),
      ).toContain(
        '[test/wh] spec.subscriptions[1]: subscribes to the same repository as spec.subscriptions[0]; Kargo rejects duplicate subscriptions in one Warehouse',
      );
      expect(
        errorFor(
          Subscription.git({ repoURL: 'https://github.com/acme/app.git' }),
          Subscription.git({ repoURL: 'https://github.com/acme/app' }),
        ),
      ).toContain('spec.subscriptions[1]: subscribes to the same repository as spec.subscriptions[0]');
    });

    it('needs at least one subscription', () => {
      expect(errorFor()).toContain(
        '[test/wh] spec.subscriptions: a Warehouse needs at least one subscription (pass subscriptions or call addSubscription())',
      );
    });

    it('needs a project namespace', () => {
      const chart = newChart(null);
      new Warehouse(chart, 'wh', { subscriptions: [Subscription.image({ repoURL: 'ghcr.io/acme/app' })] });
      expect(synthError(chart)).toContain(
        "[test/wh] metadata.namespace: a Warehouse must live in its Kargo Project's namespace; pass project (a Project or its name) or give the chart a namespace",
      );
    });

    it('rejects an interval Kargo cannot parse', () => {
      const chart = newChart('demo');
      new Warehouse(chart, 'wh', {
        interval: '1d',
        subscriptions: [Subscription.image({ repoURL: 'ghcr.io/acme/app' })],
      });
      expect(errorLine(synthError(chart), 'test/wh', 'spec.interval')).toContain('"1d"');
    });

    it('keeps names within 63 characters', () => {
      const chart = newChart('demo');
      const name = `w${'a'.repeat(63)}`;
      new Warehouse(chart, 'wh', {
        metadata: { name },
        subscriptions: [Subscription.image({ repoURL: 'ghcr.io/acme/app' })],
      });
      expect(synthError(chart)).toContain(
        `[test/wh] metadata.name: Warehouse name "${name}" is 64 characters; keep it within 63`,
      );
    });

    it('rejects a generic subscription using a built-in kind', () => {
      expect(() => Subscription.generic('image', { name: 'x' })).toThrow(
        'Subscription.generic(): kind "image" must be an identifier other than image, git and chart',
      );
    });
  });
});
