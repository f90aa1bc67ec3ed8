import { runtime, validateManifest } from '@image-factory/kargo-constructs';
import { DEFAULT_SETTINGS, formatProblem, type Settings } from '@image-factory/state-schema';
import { describe, expect, it } from 'vitest';
import { planImageFactory, planWebhooks, webhookReceiverConfigs } from '../src/index.js';
import { base, byName, input, managed, settings, synthFactory } from './fixtures.js';

const {
  dockerhubDelivery,
  githubPackageDelivery,
  gitPushDelivery,
  quayDelivery,
  refreshedWarehouses,
  webhookReceiverPath,
} = runtime;

type Webhooks = Settings['webhooks'];

function withWebhooks(on: Partial<Record<keyof Webhooks, boolean>>, packageEvents = true): Settings {
  const d = DEFAULT_SETTINGS.webhooks;
  return settings({
    kargo: { project: 'factory', labels: {}, serviceAccount: 'factory-sa' },
    webhooks: {
      github: { ...d.github, enabled: on.github ?? false, packageEvents },
      gitlab: { ...d.gitlab, enabled: on.gitlab ?? false },
      dockerhub: { ...d.dockerhub, enabled: on.dockerhub ?? false, secretName: 'hub-hook' },
      quay: { ...d.quay, enabled: on.quay ?? false },
    },
  });
}

/**
 * runtime (ghcr.io, GitHub source) is the base of app with a one-day rebuildDelay: its sampling
 * Warehouse base-runtime-soak-1d follows the same ghcr.io repository as image-runtime. worker builds
 * from GitLab; tool is pushed to quay.io; python is a Docker Hub base.
 */
function fleet(s: Settings) {
  return input(
    [
      managed('runtime', { baseImages: ['python'], workflow: 'runtime.yml', currentVersion: '3.1.0' }),
      managed('app', { baseImages: ['runtime'], rebuildDelaySeconds: 86_400, workflow: 'app.yml' }),
      managed('worker', {
        provider: 'gitlab',
        repo: 'acme/data/worker',
        workflow: '.gitlab-ci.yml',
        baseImages: ['python'],
        rebuildDelaySeconds: 0,
      }),
      managed('tool', { registry: 'quay.io', baseImages: ['python'], workflow: 'tool.yml' }),
    ],
    [base('python', 'docker.io/library/python:3.12-slim')],
    s,
  );
}

function warehousesOf(manifests: readonly Record<string, any>[]): runtime.WarehouseSubscriptions[] {
  return manifests
    .filter((m) => m.kind === 'Warehouse')
    .map((m) => ({ name: m.metadata.name, subscriptions: m.spec.subscriptions }));
}

function intervals(manifests: readonly Record<string, any>[]): Record<string, string> {
  return Object.fromEntries([...byName(manifests, 'Warehouse')].map(([name, w]) => [name, w.spec.interval]));
}

describe('webhook receivers', () => {
  it('are off by default: no receivers, every Warehouse polls as before, no warning', () => {
    const { factory, manifests } = synthFactory(fleet(settings()));
    expect(
      byName(manifests, 'ProjectConfig').get('image-factory-kargo')?.spec.webhookReceivers,
    ).toBeUndefined();
    expect(factory.webhooks.receivers).toEqual([]);
    expect(factory.webhooks.rarelyPolled).toEqual([]);
    expect(factory.webhooks.warnings).toEqual([]);
    expect(intervals(manifests)['image-app']).toBe('5m0s');
  });

  it('become ProjectConfig.spec.webhookReceivers referencing their Secrets, valid against the CRD', () => {
    const { manifests } = synthFactory(
      fleet(withWebhooks({ github: true, gitlab: true, dockerhub: true, quay: true })),
    );
    const config = byName(manifests, 'ProjectConfig').get('factory');
    expect(config?.spec.webhookReceivers).toEqual([
      { name: 'github', github: { secretRef: { name: 'image-factory-webhook-github' } } },
      { name: 'gitlab', gitlab: { secretRef: { name: 'image-factory-webhook-gitlab' } } },
      { name: 'dockerhub', dockerhub: { secretRef: { name: 'hub-hook' } } },
      { name: 'quay', quay: { secretRef: { name: 'image-factory-webhook-quay' } } },
    ]);
    expect(validateManifest(config as Record<string, unknown>)).toEqual([]);
    // Kargo picks the receiver type from the one provider field set (pkg/webhook/external/registry.go):
    // each entry has exactly one, and each is published at a path of its own.
    const paths = ((config?.spec.webhookReceivers ?? []) as Record<string, any>[]).map((r) => {
      const providers = Object.keys(r).filter((k) => k !== 'name');
      expect(providers).toHaveLength(1);
      return webhookReceiverPath('factory', providers[0] as string, r.name, ['same-value']);
    });
    expect(new Set(paths).size).toBe(4);
  });

  it('are published at a URL Kargo derives from the project, the receiver name and the Secret value', () => {
    const path = webhookReceiverPath('factory', 'github', 'github', ['s3cret']);
    expect(path).toMatch(/^\/github\/[0-9a-f]{64}$/);
    // A new Secret value (or another project) is a new URL: the webhook must be registered again.
    expect(webhookReceiverPath('factory', 'github', 'github', ['rotated'])).not.toBe(path);
    expect(webhookReceiverPath('other', 'github', 'github', ['s3cret'])).not.toBe(path);
  });

  it('let a managed image Warehouse poll rarely only when every repository it watches is covered', () => {
    const githubOnly = synthFactory(fleet(withWebhooks({ github: true })));
    expect(intervals(githubOnly.manifests)).toMatchObject({
      'image-app': '6h0m0s', // ghcr.io package events + GitHub source
      'image-runtime': '6h0m0s',
      'image-worker': '5m0s', // GitLab source: no receiver
      'image-tool': '5m0s', // quay.io: no receiver
    });
    const all = synthFactory(fleet(withWebhooks({ github: true, gitlab: true, quay: true })));
    expect(all.factory.webhooks.rarelyPolled).toEqual([
      'image-app',
      'image-runtime',
      'image-tool',
      'image-worker',
    ]);
    // Without GitHub package events, ghcr.io pushes are not heard of: keep polling.
    const pushesOnly = synthFactory(fleet(withWebhooks({ github: true, gitlab: true, quay: true }, false)));
    expect(pushesOnly.factory.webhooks.rarelyPolled).toEqual(['image-tool']);
  });

  it('never change the interval of a sampling Warehouse', () => {
    const off = intervals(synthFactory(fleet(settings({ kargo: { project: 'factory' } }))).manifests);
    const on = intervals(
      synthFactory(fleet(withWebhooks({ github: true, gitlab: true, dockerhub: true, quay: true })))
        .manifests,
    );
    const sampling = Object.keys(on).filter((name) => name.startsWith('base-'));
    expect(sampling).toEqual(['base-python', 'base-python-soak-0s', 'base-runtime-soak-1d']);
    for (const name of sampling) expect(on[name], name).toBe(off[name]);
  });

  it('refresh the Warehouses Kargo finds for a delivery, including the sampling Warehouse of a managed base', () => {
    const { factory, manifests } = synthFactory(fleet(withWebhooks({ github: true, gitlab: true })));
    const warehouses = warehousesOf(manifests);
    // GHCR publishes runtime 3.2.0: image-runtime, and base-runtime-soak-1d which samples it for app.
    expect(refreshedWarehouses(warehouses, githubPackageDelivery('ghcr.io/acme/runtime:', '3.2.0'))).toEqual([
      'base-runtime-soak-1d',
      'image-runtime',
    ]);
    // A pre-release is outside the SemVer constraint of both: nothing is refreshed.
    expect(
      refreshedWarehouses(warehouses, githubPackageDelivery('ghcr.io/acme/runtime', '3.2.0-rc.1')),
    ).toEqual([]);
    // A push to app's source refreshes image-app when it touches the Dockerfile's directory.
    const push = (files: string[]) =>
      gitPushDelivery(
        ['https://github.com/acme/app.git', 'git@github.com:acme/app.git'],
        'refs/heads/main',
        files,
      );
    expect(refreshedWarehouses(warehouses, push(['app/Dockerfile']))).toEqual(['image-app']);
    expect(refreshedWarehouses(warehouses, push(['README.md']))).toEqual([]);
    expect(
      refreshedWarehouses(
        warehouses,
        gitPushDelivery(['https://github.com/acme/app.git'], 'refs/heads/feature', ['app/Dockerfile']),
      ),
    ).toEqual([]);
    // GitLab push to worker's source.
    expect(
      refreshedWarehouses(
        warehouses,
        gitPushDelivery(['https://gitlab.com/acme/data/worker.git'], 'refs/heads/main', [
          'worker/Dockerfile',
        ]),
      ),
    ).toEqual(['image-worker']);
    // Hence the warning, positioned on runtime's enrollment.
    expect(factory.webhooks.warnings.map(formatProblem)).toHaveLength(1);
    const [warning] = factory.webhooks.warnings;
    expect(warning).toMatchObject({ severity: 'warning', code: 'webhook-sampling', file: 'images.yaml' });
    expect(warning?.message).toContain('image "runtime" is the base of app (rebuildDelay 1d)');
    expect(warning?.message).toContain('base-runtime-soak-1d');
    expect(warning?.hint).toContain('webhooks.github.packageEvents: false');
  });

  it('warn only where a registry receiver reaches a sampling Warehouse with a soak', () => {
    // Pushes only (no package events): ghcr.io is not heard of, no warning.
    expect(synthFactory(fleet(withWebhooks({ github: true }, false))).factory.webhooks.warnings).toEqual([]);
    // rebuildDelay 0: a refresh only makes the rebuild sooner.
    const noSoak = input(
      [
        managed('runtime', { workflow: 'runtime.yml', currentVersion: '3.1.0' }),
        managed('app', { baseImages: ['runtime'], rebuildDelaySeconds: 0, workflow: 'app.yml' }),
      ],
      [],
      withWebhooks({ github: true }),
    );
    const result = planImageFactory(noSoak);
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    expect(planWebhooks(result.plan).warnings).toEqual([]);
  });

  it('model the registry receivers of Docker Hub and Quay', () => {
    const { manifests } = synthFactory(fleet(withWebhooks({ dockerhub: true, quay: true })));
    const warehouses = warehousesOf(manifests);
    // Docker Hub sends library/python for an official image; Kargo normalizes it to "python".
    expect(refreshedWarehouses(warehouses, dockerhubDelivery('library/python', '3.12-slim'))).toEqual([
      'base-python',
      'base-python-soak-0s',
    ]);
    expect(refreshedWarehouses(warehouses, dockerhubDelivery('library/python', '3.13-slim'))).toEqual([]);
    expect(
      refreshedWarehouses(warehouses, quayDelivery('quay.io/acme/tool', ['sha-0123456789ab-7'])),
    ).toEqual(['image-tool']);
  });

  it('builds receiver configs in provider order', () => {
    expect(
      webhookReceiverConfigs([{ provider: 'quay', name: 'quay', secretName: 'q', secretKey: 'secret' }]),
    ).toEqual([{ name: 'quay', quay: { secretRef: { name: 'q' } } }]);
  });
});
