// Source and state repositories used by the end-to-end tests.

/** A Dockerfile with ARGs before FROM, several stages, COPY --from an image and a stage-only stage. */
export const BACKSTAGE_DOCKERFILE = `# syntax=docker/dockerfile:1
ARG NODE_VERSION=22
ARG NODE_IMAGE=node:\${NODE_VERSION}-bookworm-slim

FROM \${NODE_IMAGE} AS build
WORKDIR /app
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci && npm run build

FROM python:3.12-slim AS tools
RUN pip install --no-cache-dir yq

FROM golang:1.22-bookworm AS unused-test-stage
RUN go version

FROM gcr.io/distroless/nodejs22-debian12
COPY --from=build /app/dist /app
COPY --from=tools /usr/local/bin/yq /usr/local/bin/yq
COPY --from=busybox:1.36 /bin/busybox /busybox
CMD ["/app/index.js"]
`;

/** A second image sharing a new base (busybox:1.36) with backstage. */
export const WORKER_DOCKERFILE = `FROM python:3.12-slim
COPY --from=busybox:1.36 /bin/busybox /busybox
CMD ["python", "-m", "worker"]
`;

/** An image built on another managed image (a cascade). */
export const API_DOCKERFILE = `ARG BASE_TAG=2.0.0
FROM ghcr.io/acme/backstage:\${BASE_TAG}
CMD ["serve"]
`;

/** The source repository (acme/platform). */
export const SOURCE_FILES = {
  'backstage/Dockerfile': BACKSTAGE_DOCKERFILE,
  'worker/Dockerfile': WORKER_DOCKERFILE,
  'api/Dockerfile': API_DOCKERFILE,
  'README.md': '# platform\n',
};

export const IMAGES_YAML = `# Image Factory enrollment registry.
- name: backstage
  registry: ghcr.io
  repository: acme/backstage
  source:
    provider: github
    repo: acme/platform
    branch: main
    dockerfile: backstage/Dockerfile
  rebuildDelay: 7d
  updates:
    - repo: acme/deploy
      path: apps/backstage/kustomization.yaml
      type: kustomize-set-image

- name: worker
  registry: ghcr.io
  repository: acme/worker
  source:
    repo: acme/platform
    dockerfile: worker/Dockerfile

# Watched base image, described by an old-format file below.
- name: python312
  repoURL: docker.io/library/python
  imageSelectionStrategy: Digest
`;

/** The old tool's format: `fullImage`, doubled backslashes in allowTags. */
export const PYTHON_LEGACY_STATE = `name: python312
fullImage: python:3.12-slim
registry: docker.io
repository: library/python
tag: 3.12-slim
repoURL: docker.io/library/python
allowTags: ^3\\\\.12-slim$
firstDiscovered: '2024-03-01T08:00:00Z'
lastChecked: '2024-06-01T08:00:00Z'
currentDigest: sha256:1111111111111111111111111111111111111111111111111111111111111111
updateHistory: []
metadata:
  source: old-tool
`;

export const BACKSTAGE_STATE = `# State of backstage: maintained by image-factory.
name: backstage
enrolledAt: '2024-05-01T10:00:00Z'
discoveryStatus: pending
baseImages: []
currentVersion: 1.0.0
`;

/** The state repository. */
export const STATE_FILES = {
  'images.yaml': IMAGES_YAML,
  'images/backstage.yaml': BACKSTAGE_STATE,
  'base-images/python312.yaml': PYTHON_LEGACY_STATE,
  'README.md': '# state\n',
};

export const DIGEST_A = `sha256:${'a'.repeat(64)}`;
export const DIGEST_B = `sha256:${'b'.repeat(64)}`;

/** 2026-01-02T03:04:05Z as SOURCE_DATE_EPOCH. */
export const EPOCH = '1767323045';
export const EPOCH_ISO = '2026-01-02T03:04:05Z';

/** The argv the AnalysisTemplate passes (contracts.md), with the template's arguments filled in. */
export function analysisArgs(args: {
  image: string;
  tag: string;
  digest: string;
  dockerfile: string;
  sourceRepo: string;
  sourceProvider?: string;
  gitRepo: string;
  gitBranch?: string;
  stateRepo: string;
  stateBranch?: string;
}): string[] {
  return [
    'analyze',
    '--image',
    args.image,
    '--tag',
    args.tag,
    '--digest',
    args.digest,
    '--dockerfile',
    args.dockerfile,
    '--source-repo',
    args.sourceRepo,
    '--source-provider',
    args.sourceProvider ?? 'github',
    '--git-repo',
    args.gitRepo,
    '--git-branch',
    args.gitBranch ?? 'main',
    '--state-repo',
    args.stateRepo,
    '--state-branch',
    args.stateBranch ?? 'main',
  ];
}
