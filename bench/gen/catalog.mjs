// A catalog of realistic base images shared by both generators: Docker Hub official images,
// distroless, vendor registries, a private registry with a port. Each entry knows how it is written
// (`written`, what a Dockerfile or base file says) and its normalized form (`normalized`, what
// distribution/reference's ParseNormalizedNamed + TagNameOnly gives).

const HUB = [
  [
    'python',
    ['3.9', '3.10', '3.11', '3.12', '3.13'],
    ['', '-slim', '-alpine', '-bookworm', '-slim-bookworm'],
  ],
  ['node', ['18', '20', '22', '24'], ['', '-alpine', '-bookworm', '-bookworm-slim', '-slim']],
  ['golang', ['1.21', '1.22', '1.23', '1.24'], ['', '-alpine', '-bookworm', '-alpine3.20']],
  ['alpine', ['3.18', '3.19', '3.20', '3.21'], ['']],
  ['debian', ['bookworm', 'bullseye', '12', '11'], ['', '-slim']],
  ['ubuntu', ['20.04', '22.04', '24.04', 'jammy', 'noble'], ['']],
  ['eclipse-temurin', ['17', '21'], ['-jre', '-jdk', '-jre-alpine', '-jdk-jammy']],
  ['nginx', ['1.25', '1.26', '1.27'], ['', '-alpine', '-alpine-slim']],
  ['ruby', ['3.2', '3.3'], ['', '-slim', '-alpine']],
  ['php', ['8.2', '8.3'], ['-fpm', '-apache', '-fpm-alpine', '-cli']],
  ['rust', ['1.80', '1.81', '1.82'], ['', '-slim', '-alpine']],
  ['postgres', ['15', '16', '17'], ['', '-alpine']],
  ['redis', ['7.2', '7.4'], ['', '-alpine']],
  ['maven', ['3.9'], ['-eclipse-temurin-17', '-eclipse-temurin-21']],
  ['gradle', ['8.10'], ['-jdk17', '-jdk21']],
  ['busybox', ['1.36'], ['', '-musl', '-glibc']],
];

const OTHER = [
  ['gcr.io/distroless/static-debian12', ['latest', 'nonroot', 'debug']],
  ['gcr.io/distroless/base-debian12', ['latest', 'nonroot', 'debug']],
  ['gcr.io/distroless/python3-debian12', ['latest', 'nonroot']],
  ['gcr.io/distroless/java17-debian12', ['latest', 'nonroot']],
  ['gcr.io/distroless/java21-debian12', ['latest', 'nonroot']],
  ['gcr.io/distroless/nodejs20-debian12', ['latest', 'nonroot']],
  ['gcr.io/distroless/nodejs22-debian12', ['latest', 'nonroot']],
  ['cgr.dev/chainguard/static', ['latest']],
  ['cgr.dev/chainguard/python', ['latest', 'latest-dev']],
  ['cgr.dev/chainguard/node', ['latest', 'latest-dev']],
  ['mcr.microsoft.com/dotnet/aspnet', ['8.0', '9.0', '8.0-alpine']],
  ['mcr.microsoft.com/dotnet/sdk', ['8.0', '9.0']],
  ['mcr.microsoft.com/dotnet/runtime-deps', ['8.0', '8.0-alpine']],
  ['quay.io/prometheus/busybox', ['latest', 'glibc']],
  ['public.ecr.aws/lambda/python', ['3.11', '3.12']],
  ['public.ecr.aws/lambda/nodejs', ['20', '22']],
  ['ghcr.io/acme/base/python', ['3.12-2024.06', '3.12-2024.09', '3.13-2024.10']],
  ['ghcr.io/acme/base/node', ['22-2024.06', '22-2024.09']],
  ['ghcr.io/acme/base/jre', ['21-2024.06', '21-2024.09']],
  ['registry.acme.internal:5000/platform/ubi9', ['9.4', '9.5']],
  ['registry.acme.internal:5000/platform/ubi9-minimal', ['9.4', '9.5']],
  ['registry.gitlab.com/acme/images/ci-base', ['1.4.0', '1.5.0']],
];

/**
 * @typedef {object} CatalogImage
 * @property {string} written     how the image is written (`python:3.12-slim`, `gcr.io/distroless/static-debian12:nonroot`)
 * @property {string} repo        the written repository part (`python`, `gcr.io/distroless/static-debian12`)
 * @property {string} tag
 * @property {string} registry    normalized registry (`docker.io`)
 * @property {string} repository  normalized path (`library/python`)
 * @property {string} repoURL     `registry/repository`
 * @property {string} normalized  `repoURL:tag`
 * @property {string} family      short family name (`python`, `static-debian12`)
 */

/** Every catalog image, in a fixed order. @returns {CatalogImage[]} */
export function catalogImages() {
  const out = [];
  for (const [repo, versions, variants] of HUB) {
    for (const version of versions) {
      for (const variant of variants) {
        const tag = `${version}${variant}`;
        out.push({
          written: `${repo}:${tag}`,
          repo,
          tag,
          registry: 'docker.io',
          repository: `library/${repo}`,
          repoURL: `docker.io/library/${repo}`,
          normalized: `docker.io/library/${repo}:${tag}`,
          family: repo,
        });
      }
    }
  }
  for (const [repo, tags] of OTHER) {
    const slash = repo.indexOf('/');
    const registry = repo.slice(0, slash);
    const repository = repo.slice(slash + 1);
    for (const tag of tags) {
      out.push({
        written: `${repo}:${tag}`,
        repo,
        tag,
        registry,
        repository,
        repoURL: repo,
        normalized: `${repo}:${tag}`,
        family: repository.split('/').at(-1),
      });
    }
  }
  return out;
}

/**
 * Extra synthetic images when more base images are requested than the catalog holds, e.g.
 * `registry.acme.internal:5000/teams/team-07/base-3:1.12`.
 * @returns {CatalogImage}
 */
export function syntheticImage(i) {
  const repo = `registry.acme.internal:5000/teams/team-${String(i % 40).padStart(2, '0')}/base-${i}`;
  const tag = `1.${i % 17}`;
  return {
    written: `${repo}:${tag}`,
    repo,
    tag,
    registry: 'registry.acme.internal:5000',
    repository: repo.slice(repo.indexOf('/') + 1),
    repoURL: repo,
    normalized: `${repo}:${tag}`,
    family: `base-${i}`,
  };
}
