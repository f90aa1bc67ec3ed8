// A state for the status tests: bases with recorded history, images built on old and current
// digests, a cascade, an unpinned image, a base selected among tags and a base pinned by digest.
export const D = (c: string): string => `sha256:${c.repeat(64)}`;

export const T1 = '2026-11-20T08:00:00Z';
export const T0 = '2026-11-01T08:00:00Z';
export const T2 = '2026-12-01T12:00:00Z';
export const NOW = new Date('2026-12-05T00:00:00Z');

/** `registry` is the registry part of the python base (a test registry in the integration tests). */
export function statusState(registry = 'docker.io', repository = 'library/python'): Record<string, string> {
  const python =
    registry === 'docker.io'
      ? `${repository.replace(/^library\//, '')}:3.12-slim`
      : `${registry}/${repository}:3.12-slim`;
  return {
    'images.yaml': `- name: app
  registry: ghcr.io
  repository: acme/app
  source: {repo: acme/app, dockerfile: Dockerfile}
  rebuildDelay: 7d
- name: api
  registry: ghcr.io
  repository: acme/api
  source: {repo: acme/api, dockerfile: Dockerfile}
  rebuildDelay: 1d
  updates:
    - {repo: acme/deploy, path: apps/api/kustomization.yaml, type: kustomize-set-image}
- name: edge
  registry: ghcr.io
  repository: acme/edge
  source: {repo: acme/edge, dockerfile: Dockerfile}
  rebuildDelay: 0s
- name: legacy
  registry: ghcr.io
  repository: acme/legacy
  source: {repo: acme/legacy, dockerfile: Dockerfile}
- name: redis-7
  repoURL: docker.io/library/redis
  allowTags: ^7\\.\\d+$
`,
    'images/app.yaml': `name: app\nbaseImages: [python-3.12-slim]\ncurrentVersion: 1.0.0\ncurrentDigest: ${D('1')}\nbuiltOn: {python-3.12-slim: "${D('a')}"}\nlastBuilt: ${T0}\n`,
    'images/api.yaml': `name: api\nbaseImages: [busybox-1.36, python-3.12-slim]\ncurrentVersion: 2.0.0\ncurrentDigest: ${D('2')}\nbuiltOn: {busybox-1.36: "${D('c')}", python-3.12-slim: "${D('b')}"}\nlastBuilt: ${T2}\n`,
    'images/edge.yaml': `name: edge\nbaseImages: [api]\ncurrentVersion: 0.1.0\ncurrentDigest: ${D('3')}\nbuiltOn: {api: "${D('0')}"}\nlastBuilt: ${T1}\n`,
    'images/legacy.yaml': 'name: legacy\nbaseImages: [python-3.12-slim]\ncurrentVersion: 0.9.0\n',
    'base-images/python-3.12-slim.yaml': `name: python-3.12-slim
image: ${python}
currentDigest: ${D('b')}
previousDigest: ${D('a')}
lastChecked: ${T1}
lastUpdated: ${T1}
updateHistory:
  - digest: ${D('b')}
    previousDigest: ${D('a')}
    tag: 3.12-slim
    detectedAt: ${T1}
`,
    'base-images/busybox-1.36.yaml': `name: busybox-1.36\nimage: docker.io/library/busybox:1.36@${D('c')}\n`,
  };
}
