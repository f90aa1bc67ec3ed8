/**
 * The README's "Secrets" section lets an operator create every Secret without reading Kargo's source:
 * every Secret the synthesized example references by name is there (in the project namespace) with
 * the keys the manifests read from it, every repository Kargo clones or watches is matched by a
 * credential Secret of the right type the way Kargo matches them (label + repoURL, or repoURLIsRegex:
 * pkg/credentials/kubernetes/database.go), and Argo CD can read the state repository.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'readme-secrets-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Manifest = Record<string, any>;

/** The YAML documents of the code blocks of the README's "### Secrets" section. */
function readmeSecrets(): Manifest[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n### Secrets\n');
  expect(start, 'README has a "### Secrets" section').toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  return blocks.flatMap((block) => parseAllDocuments(block).map((d) => d.toJS() as Manifest));
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) strings(v, out);
  return out;
}

function normalizeGit(url: string): string {
  return url
    .toLowerCase()
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}

/** Kargo's credential lookup: the first Secret (by name) of the type whose repoURL matches. */
function credentialFor(
  secrets: readonly Manifest[],
  type: 'git' | 'image',
  url: string,
): Manifest | undefined {
  return secrets
    .filter((s) => s.metadata?.labels?.['kargo.akuity.io/cred-type'] === type)
    .sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)))
    .find((s) => {
      const repoURL = String(s.stringData?.repoURL ?? '');
      if (s.stringData?.repoURLIsRegex === 'true') return new RegExp(repoURL).test(url);
      return type === 'git' ? normalizeGit(repoURL) === normalizeGit(url) : repoURL === url;
    });
}

describe('README: the Secrets of a deployment', () => {
  let manifests: Manifest[] = [];
  let settings: Manifest = {};
  beforeAll(async () => {
    const file = join(work, 'state.k8s.yaml');
    await run(
      process.execPath,
      [join(root, 'apps/synth/dist/main.js'), '--state-dir', 'examples/state', '--out', file],
      {
        cwd: root,
      },
    );
    manifests = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Manifest);
    settings = parse(readFileSync(join(root, 'examples/state/image-factory.yaml'), 'utf8')) as Manifest;
  }, 120_000);

  it('lists every Secret the manifests reference by name, in the project namespace', () => {
    const secrets = readmeSecrets();
    const project = manifests.find((m) => m.kind === 'Project')?.metadata.name as string;
    const referenced = new Set<string>();
    for (const m of manifests) {
      for (const text of strings(m.spec)) {
        for (const match of text.matchAll(/\b(?:secret|sharedSecret)\("([^"]+)"\)/g))
          referenced.add(match[1] as string);
      }
      const pod =
        m.kind === 'AnalysisTemplate'
          ? m.spec.metrics.map((x: Manifest) => x.provider.job.spec.template.spec)
          : [];
      for (const spec of pod) {
        for (const pull of spec.imagePullSecrets ?? []) referenced.add(pull.name);
        for (const container of spec.containers) {
          for (const env of container.env ?? []) {
            if (env.valueFrom?.secretKeyRef) referenced.add(env.valueFrom.secretKeyRef.name);
          }
        }
      }
    }
    // The names the example uses: every default of image-factory.yaml, plus its pull Secret.
    expect([...referenced].sort()).toEqual([
      'ghcr-pull',
      'git-credentials',
      'github-workflow-token',
      'gitlab-token',
    ]);
    const documented = new Map(
      secrets
        .filter((s) => s.kind === 'Secret')
        .map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]),
    );
    for (const name of referenced) {
      expect(documented.has(`${project}/${name}`), `Secret ${name} in ${project}`).toBe(true);
    }
    expect(documented.get(`${project}/ghcr-pull`)?.type).toBe('kubernetes.io/dockerconfigjson');
  });

  it('gives each Secret the keys the manifests read from it', () => {
    const secrets = readmeSecrets();
    const project = manifests.find((m) => m.kind === 'Project')?.metadata.name as string;
    // name -> keys read: `secret("name").key` in expressions, secretKeyRef of the analysis job.
    const read = new Map<string, Set<string>>();
    const add = (name: string, key: string) => read.set(name, new Set([...(read.get(name) ?? []), key]));
    for (const m of manifests) {
      for (const text of strings(m.spec)) {
        for (const match of text.matchAll(/\bsecret\("([^"]+)"\)\.([A-Za-z_][\w-]*)/g)) {
          add(match[1] as string, match[2] as string);
        }
        for (const match of text.matchAll(/\bsecret\("([^"]+)"\)\["([^"]+)"\]/g)) {
          add(match[1] as string, match[2] as string);
        }
      }
      if (m.kind !== 'AnalysisTemplate') continue;
      for (const metric of m.spec.metrics) {
        for (const container of metric.provider.job.spec.template.spec.containers) {
          for (const env of container.env ?? []) {
            const ref = env.valueFrom?.secretKeyRef;
            if (ref) add(ref.name, ref.key);
          }
        }
      }
    }
    expect(Object.fromEntries([...read].map(([name, keys]) => [name, [...keys].sort()]))).toEqual({
      'git-credentials': ['password', 'username'],
      'github-workflow-token': ['token'],
      'gitlab-token': ['token'],
    });
    const documented = new Map(
      secrets
        .filter((s) => s.kind === 'Secret')
        .map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]),
    );
    for (const [name, keys] of read) {
      const secret = documented.get(`${project}/${name}`);
      const given = new Set(Object.keys({ ...secret?.data, ...secret?.stringData }));
      for (const key of keys) expect(given.has(key), `Secret ${name} has key ${key}`).toBe(true);
    }
    expect(Object.keys(documented.get(`${project}/ghcr-pull`)?.stringData ?? {})).toEqual([
      '.dockerconfigjson',
    ]);
  });

  it('gives Kargo git credentials for every repository it watches or clones', () => {
    const secrets = readmeSecrets();
    const urls = new Set<string>();
    for (const m of manifests) {
      if (m.kind === 'Warehouse') for (const s of m.spec.subscriptions) if (s.git) urls.add(s.git.repoURL);
      if (m.kind === 'Stage') {
        for (const step of m.spec.promotionTemplate?.spec.steps ?? []) {
          if (step.uses === 'git-clone') urls.add(step.config.repoURL);
        }
      }
    }
    expect(urls.size).toBeGreaterThan(2);
    for (const url of urls) expect(credentialFor(secrets, 'git', url), url).toBeDefined();
  });

  it('gives Kargo image credentials for the private registries it watches (those of the built images)', () => {
    const secrets = readmeSecrets();
    // Base images of the example are public (Docker Hub, gcr.io/distroless); the images the factory
    // builds are pushed to the organisation's private registries.
    const repos = manifests
      .filter((m) => m.kind === 'Warehouse' && m.metadata.name.startsWith('image-'))
      .flatMap((m) =>
        m.spec.subscriptions.filter((s: Manifest) => s.image).map((s: Manifest) => s.image.repoURL as string),
      );
    expect(repos.length).toBeGreaterThan(1);
    for (const repo of new Set(repos)) expect(credentialFor(secrets, 'image', repo), repo).toBeDefined();
  });

  it("gives Argo CD the state repository's credentials", () => {
    const argo = readmeSecrets().find(
      (s) => s.metadata?.labels?.['argocd.argoproj.io/secret-type'] === 'repository',
    );
    expect(argo?.metadata.namespace).toBe('argocd');
    expect(normalizeGit(argo?.stringData.url)).toBe(normalizeGit(settings.stateRepo.url));
  });
});
