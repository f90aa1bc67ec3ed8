import {
  DOCKER_HUB_ANONYMOUS_LIMIT,
  dockerHubAnonymousExcess,
  estimateDiscoveryRequests,
  type HostRequests,
  type WarehouseForRequests,
} from '@image-factory/kargo-constructs';
import type { Manifest } from './render.js';

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function hostText(h: HostRequests): string {
  const parts =
    h.kind === 'git'
      ? [plural(h.lsRemotes, 'git ls-remote', 'git ls-remotes')]
      : [
          ...(h.tagLists > 0 ? [plural(h.tagLists, 'tag list')] : []),
          ...(h.manifests > 0 ? [plural(h.manifests, 'manifest')] : []),
        ];
  return `${h.host} ${h.lowerBound ? '≥' : ''}${h.total} (${parts.join(', ')})`;
}

/** The Warehouses of the manifests, as the request estimate reads them. */
function warehousesOf(manifests: readonly Manifest[]): WarehouseForRequests[] {
  return manifests
    .filter((m) => m.kind === 'Warehouse')
    .map((m) => {
      const spec = (m.spec ?? {}) as Partial<WarehouseForRequests>;
      return {
        name: m.metadata.name,
        interval: spec.interval ?? '',
        subscriptions: spec.subscriptions ?? [],
      };
    });
}

/**
 * The summary `synth` prints on stderr: the number of objects and the estimated registry and git requests
 * per day, by host, of the generated Warehouses' polling (see `estimateDiscoveryRequests`), then a warning
 * when the docker.io manifest requests exceed Docker Hub's documented anonymous pull limit.
 */
export function synthSummary(manifests: readonly Manifest[]): string {
  const estimate = estimateDiscoveryRequests(warehousesOf(manifests));
  const hosts = estimate.length > 0 ? estimate.map(hostText).join(', ') : 'none';
  const lines = [
    `synth: ${plural(manifests.length, 'object')}; estimated Warehouse polling requests per day: ${hosts}`,
  ];
  const excess = dockerHubAnonymousExcess(estimate);
  if (excess !== undefined) {
    const hours = DOCKER_HUB_ANONYMOUS_LIMIT.windowSeconds / 3600;
    lines.push(
      `warning: the Warehouses would make about ${excess} manifest requests to docker.io per ${hours} hours, more than Docker Hub's documented limit of ${DOCKER_HUB_ANONYMOUS_LIMIT.pulls} pulls per ${hours} hours for unauthenticated users (per IPv4 address or IPv6 /64 subnet, https://docs.docker.com/docker-hub/usage/pulls/), assuming Kargo pulls anonymously from one address; give Kargo Docker Hub credentials (a Secret labelled kargo.akuity.io/cred-type: image for docker.io) or lengthen warehouses.baseInterval`,
    );
  }
  return `${lines.join('\n')}\n`;
}
