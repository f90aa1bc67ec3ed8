import { describe, expect, it } from 'vitest';
import {
  DOCKER_HUB_ANONYMOUS_LIMIT,
  dockerHubAnonymousExcess,
  durationSeconds,
  estimateDiscoveryRequests,
  gitHostOf,
  registryHostOf,
  type WarehouseForRequests,
} from '../src/discovery-requests.js';

const digest = (repoURL: string, interval: string): WarehouseForRequests => ({
  name: repoURL,
  interval,
  subscriptions: [{ image: { repoURL, imageSelectionStrategy: 'Digest' } }],
});

describe('estimateDiscoveryRequests', () => {
  it('reads Kargo durations', () => {
    expect(durationSeconds('5m0s')).toBe(300);
    expect(durationSeconds('6h')).toBe(21_600);
    expect(durationSeconds('1h30m0s')).toBe(5_400);
    expect(durationSeconds('24h0m0s')).toBe(86_400);
    expect(durationSeconds('soon')).toBeUndefined();
    expect(durationSeconds('')).toBeUndefined();
  });

  it('names hosts as Kargo reaches them', () => {
    expect(registryHostOf('python')).toBe('docker.io');
    expect(registryHostOf('docker.io/library/python')).toBe('docker.io');
    expect(registryHostOf('acme/app')).toBe('docker.io');
    expect(registryHostOf('ghcr.io/acme/app')).toBe('ghcr.io');
    expect(registryHostOf('localhost:5000/app')).toBe('localhost:5000');
    expect(gitHostOf('https://github.com/acme/app.git')).toBe('github.com');
    expect(gitHostOf('git@gitlab.com:acme/app.git')).toBe('gitlab.com');
  });

  it('counts one manifest per Digest discovery, a tag list plus discoveryLimit manifests for SemVer, the tag list only with cacheByTag, one ls-remote per git subscription', () => {
    const estimate = estimateDiscoveryRequests([
      digest('docker.io/library/python', '24h0m0s'), // 1 per day
      digest('docker.io/library/debian', '1h0m0s'), // 24 per day
      {
        name: 'image-app',
        interval: '5m0s', // 288 discoveries per day
        subscriptions: [
          {
            image: {
              repoURL: 'ghcr.io/acme/app',
              imageSelectionStrategy: 'NewestBuild',
              cacheByTag: true,
              discoveryLimit: 20,
            },
          },
          { git: { repoURL: 'https://github.com/acme/app.git' } },
        ],
      },
      {
        name: 'image-lib',
        interval: '6h0m0s', // 4 per day
        subscriptions: [
          { image: { repoURL: 'ghcr.io/acme/lib', imageSelectionStrategy: 'SemVer', discoveryLimit: 5 } },
        ],
      },
    ]);
    expect(estimate).toEqual([
      {
        host: 'docker.io',
        kind: 'registry',
        manifests: 25,
        tagLists: 0,
        lsRemotes: 0,
        total: 25,
        lowerBound: false,
      },
      {
        host: 'ghcr.io',
        kind: 'registry',
        manifests: 20,
        tagLists: 292,
        lsRemotes: 0,
        total: 312,
        lowerBound: false,
      },
      {
        host: 'github.com',
        kind: 'git',
        manifests: 0,
        tagLists: 0,
        lsRemotes: 288,
        total: 288,
        lowerBound: false,
      },
    ]);
  });

  it('marks NewestBuild without cacheByTag as a lower bound: Kargo reads every accepted tag', () => {
    const [ghcr] = estimateDiscoveryRequests([
      {
        name: 'w',
        interval: '24h',
        subscriptions: [{ image: { repoURL: 'ghcr.io/acme/x', imageSelectionStrategy: 'NewestBuild' } }],
      },
    ]);
    expect(ghcr).toMatchObject({ manifests: 20, tagLists: 1, lowerBound: true });
  });

  it('warns past the documented anonymous Docker Hub limit', () => {
    expect(DOCKER_HUB_ANONYMOUS_LIMIT).toEqual({ pulls: 100, windowSeconds: 21_600 });
    // 100 Digest Warehouses polled every 6 h: 100 pulls per 6 h, at the limit.
    const atLimit = Array.from({ length: 100 }, (_, i) => digest(`docker.io/library/b${i}`, '6h'));
    expect(dockerHubAnonymousExcess(estimateDiscoveryRequests(atLimit))).toBeUndefined();
    // Polled every 5 minutes, 2 Digest Warehouses make 144 pulls per 6 h.
    const often = [digest('python', '5m'), digest('debian', '5m')];
    expect(dockerHubAnonymousExcess(estimateDiscoveryRequests(often))).toBe(144);
    expect(
      dockerHubAnonymousExcess(estimateDiscoveryRequests([digest('ghcr.io/a/b', '1m')])),
    ).toBeUndefined();
  });
});
