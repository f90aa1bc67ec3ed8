import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSIS_IMAGE, FACTORY_RELEASE_TAG } from '../src/analysis-image.js';
import { loadState } from '../src/loader.js';
import type { FactoryState, LoadStateResult, StateProblem } from '../src/model.js';
import { formatProblem } from '../src/problems.js';
import { DEFAULT_SETTINGS } from '../src/settings-loader.js';
import { managedEntry, stateDir } from './helpers.js';

const EXAMPLE = resolve(import.meta.dirname, '../../../examples/state');

function valid(result: LoadStateResult): FactoryState {
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.state;
}

function problemsOf(result: LoadStateResult): readonly StateProblem[] {
  return result.ok ? result.warnings : result.problems;
}

function lines(result: LoadStateResult): string[] {
  return problemsOf(result).map(formatProblem);
}

describe('loadState on examples/state', () => {
  const state = valid(loadState(EXAMPLE));
  const managed = (name: string) => state.managedImages.find((i) => i.name === name)!;
  const base = (name: string) => state.baseImages.find((i) => i.name === name)!;

  it('applies the documented defaults to managed images', () => {
    const api = managed('platform-api');
    expect(api.source).toEqual({
      provider: 'github',
      repo: 'acme/platform-api',
      branch: 'main',
      dockerfile: 'Dockerfile',
    });
    expect(api.autoRebuild).toBe(true);
    expect(api.updates).toEqual([]);
    expect([api.rebuildDelay, api.rebuildDelaySeconds]).toEqual(['24h', 86_400]);
    expect(managed('backstage').rebuildDelaySeconds).toBe(604_800);
    expect(managed('reports-worker')).toMatchObject({
      rebuildDelay: '1h30m',
      rebuildDelaySeconds: 5_400,
      autoRebuild: false,
    });
  });

  it('resolves local build inputs relative to the state repository', () => {
    expect(managed('platform-api').local).toEqual({
      dir: 'local/platform-api',
      patchFiles: [
        'local/platform-api/patches/0001-pin-openssl.patch',
        'local/platform-api/patches/0002-healthcheck-port.patch',
      ],
      versionFile: 'local/platform-api/VERSION',
    });
    expect(managed('backstage').local).toBeUndefined();
  });

  it('keeps the workflow of images that bring their own and the updates with defaults', () => {
    const backstage = managed('backstage');
    expect(backstage.source.workflow).toBe('backstage.yml');
    expect(backstage.updates).toEqual([
      {
        repo: 'acme/deploy',
        path: 'apps/backstage/kustomization.yaml',
        type: 'kustomize-set-image',
        branch: 'main',
      },
      {
        repo: 'acme/deploy',
        path: 'apps/backstage/values.yaml',
        type: 'yaml-update',
        branch: 'main',
        key: 'image.tag',
      },
    ]);
    expect(backstage.reference.name).toBe('ghcr.io/acme/backstage');
    expect(backstage.origin).toEqual({ file: 'images.yaml', line: 5, col: 3 });
  });

  it('attaches state files, and loads enrolled images without one', () => {
    expect(managed('backstage').stateFile).toBe('images/backstage.yaml');
    expect(managed('backstage').state).toMatchObject({
      discoveryStatus: 'success',
      currentVersion: '1.27.0',
    });
    expect(managed('platform-api').baseImages).toEqual([
      'distroless-python3-debian12-latest',
      'golang-1.22-bookworm',
      'python-3.12-slim',
    ]);
    const worker = managed('reports-worker');
    expect(worker.state).toBeUndefined();
    expect(worker.stateFile).toBeUndefined();
    expect(worker.baseImages).toEqual([]);
    expect(worker.source).toMatchObject({
      provider: 'gitlab',
      repo: 'acme/data/reports-worker',
      branch: 'release/2.x',
    });
  });

  it('reads old-format allowTags with doubled backslashes as the regex they were meant to be', () => {
    const python = base('python-3.12-slim');
    expect(python.allowTags).toBe('^3\\.12-slim$');
    const regex = new RegExp(python.allowTags!);
    expect(regex.test('3.12-slim')).toBe(true);
    expect(regex.test('3x12-slim')).toBe(false);
    expect(regex.test('3.12-slim-bookworm')).toBe(false);
    expect(python.state?.format).toBe('legacy');
    expect(python.state?.rebuildEligibleAt).toBe('2024-06-12T03:12:00Z');
    expect(python.state?.updateHistory[0]?.detectedAt).toBe('2024-06-05T03:12:00Z');
    expect(python.state?.metadata).toEqual({
      discoveredFrom: 'platform-api',
      notes: 'official Python image',
    });
  });

  it('merges an images.yaml base entry with its base-images file', () => {
    const python = base('python-3.12-slim');
    expect(python.entry).toEqual({
      name: 'python-3.12-slim',
      repoURL: 'docker.io/library/python',
      imageSelectionStrategy: 'Digest',
    });
    expect(python.stateFile).toBe('base-images/python-3.12-slim.yaml');
    expect(python.key).toBe('docker.io/library/python:3.12-slim');
    expect(python.tag).toBe('3.12-slim');
    expect(python.origin.file).toBe('images.yaml');
    expect(python.usedBy).toEqual(['platform-api']);
    expect(python.external).toBe(false);
  });

  it('normalizes base image references and defaults the strategy', () => {
    const node = base('node-22-bookworm-slim');
    expect(node.repoURL).toBe('docker.io/library/node');
    expect(node.state?.format).toBe('current');
    expect([node.imageSelectionStrategy, node.imageSelectionStrategyExplicit]).toEqual(['Digest', false]);
    const distroless = base('distroless-python3-debian12-latest');
    expect(distroless.reference.normalized).toBe('gcr.io/distroless/python3-debian12:latest');
    expect(distroless.tag).toBe('latest');
  });

  it('marks enrolled images no managed image is built on as external', () => {
    const redis = base('redis-7');
    expect(redis).toMatchObject({
      external: true,
      usedBy: [],
      repoURL: 'docker.io/library/redis',
      allowTags: '^7\\.\\d+\\.\\d+-alpine$',
      imageSelectionStrategy: 'SemVer',
    });
    expect(redis.tag).toBeUndefined();
    expect(redis.stateFile).toBeUndefined();
  });

  it('ignores *.example.yaml files', () => {
    expect(state.baseImages.some((b) => b.name.includes('template'))).toBe(false);
  });

  it('merges image-factory.yaml over the defaults', () => {
    expect(state.settings.kargo).toEqual({
      project: 'image-factory-kargo',
      labels: { team: 'platform' },
      serviceAccount: 'image-factory',
    });
    expect(state.settings.analysis).toEqual({
      image: 'ghcr.io/acme/image-factory:0.1.0',
      imagePullSecrets: ['ghcr-pull'],
      resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } },
    });
    expect(state.settings.stateRepo).toEqual({
      url: 'https://github.com/acme/image-factory-state.git',
      branch: 'main',
    });
    expect(state.settings.gitlab).toEqual(DEFAULT_SETTINGS.gitlab);
    expect(state.settings.warehouses).toMatchObject({
      managedIntervalSeconds: 300,
      baseIntervalSeconds: 86_400,
      discoveryLimit: 20,
    });
  });
});

describe('DEFAULT_SETTINGS', () => {
  it('holds the old tool values', () => {
    expect(DEFAULT_SETTINGS).toEqual({
      kargo: { project: 'image-factory-kargo', labels: {}, serviceAccount: 'image-factory' },
      // The old tool's ghcr.io/image-factory/analyzer-cli:latest was a name nothing published: the
      // default is now this project's image, pinned to the CLI version.
      analysis: {
        image: DEFAULT_ANALYSIS_IMAGE,
        imagePullSecrets: [],
        resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } },
      },
      secrets: {
        gitCredentials: 'git-credentials',
        githubToken: { name: 'github-workflow-token', key: 'token' },
        gitlabToken: { name: 'gitlab-token', key: 'token' },
      },
      github: { url: 'https://github.com', apiUrl: 'https://api.github.com' },
      gitlab: { url: 'https://gitlab.com', apiUrl: 'https://gitlab.com/api/v4' },
      warehouses: {
        managedInterval: '5m',
        managedIntervalSeconds: 300,
        baseInterval: '24h',
        baseIntervalSeconds: 86_400,
        managedIntervalWithWebhooks: '6h',
        managedIntervalWithWebhooksSeconds: 21_600,
        discoveryLimit: 20,
      },
      build: { sign: false },
      // Webhook receivers are off: a state without settings keeps polling as the old tool did.
      webhooks: {
        github: { enabled: false, secretName: 'image-factory-webhook-github', packageEvents: true },
        gitlab: { enabled: false, secretName: 'image-factory-webhook-gitlab' },
        dockerhub: { enabled: false, secretName: 'image-factory-webhook-dockerhub' },
        quay: { enabled: false, secretName: 'image-factory-webhook-quay' },
      },
      stateRepo: { branch: 'main' },
      stateWorkflow: { factory: { repository: 'image-factory/image-factory', ref: FACTORY_RELEASE_TAG } },
      output: 'dist/image-factory.k8s.yaml',
    });
  });
});

describe('loadState layouts and files', () => {
  it('reports a missing directory as one problem naming its path and no flag (the app words the hint)', () => {
    const missing = join(EXAMPLE, 'does-not-exist');
    const result = loadState(missing);
    expect(result.ok).toBe(false);
    expect(problemsOf(result)).toEqual([
      {
        file: '.',
        line: 0,
        col: 0,
        path: [],
        message: `state directory ${missing} does not exist or is not a directory`,
        severity: 'error',
        code: 'missing-directory',
      },
    ]);
  });

  it('loads an empty images.yaml and no settings file with the defaults', () => {
    const state = valid(loadState(stateDir({ 'images.yaml': '# nothing enrolled yet\n' })));
    expect(state.managedImages).toEqual([]);
    expect(state.baseImages).toEqual([]);
    expect(state.settings).toEqual(DEFAULT_SETTINGS);
  });

  it('reads the legacy state/ layout with a deprecation warning', () => {
    const dir = stateDir({
      'images.yaml': managedEntry('app'),
      'state/images/app.yaml': 'name: app\nbaseImages: [python-3.12-slim]\n',
      'state/base-images/python-3.12-slim.yaml':
        'name: python-3.12-slim\nfullImage: python:3.12-slim\nallowTags: ^3\\\\.12-slim$\n',
    });
    const result = loadState(dir);
    const state = valid(result);
    expect(state.layout).toBe('legacy');
    expect(state.managedImages[0]?.stateFile).toBe('state/images/app.yaml');
    expect(state.baseImages[0]?.allowTags).toBe('^3\\.12-slim$');
    expect(lines(result)).toEqual([
      expect.stringMatching(/^image-factory\.yaml: warning: analysis\.image is not set/),
      'state: warning: the state/ layout is deprecated: state files now live in images/ and base-images/\n' +
        '  hint: run `image-factory migrate`: it moves them (with git mv in a git work tree) and rewrites old-format fields',
    ]);
  });

  it('reads both layouts when both exist, and rejects state kept in both', () => {
    const dir = stateDir({
      'images.yaml': managedEntry('app'),
      'images/app.yaml': 'name: app\n',
      'state/images/app.yaml': 'name: app\n',
    });
    expect(lines(loadState(dir))).toEqual([
      'state: warning: both the deprecated state/ layout and images/ or base-images/ exist: both are read\n' +
        '  hint: move the files of state/images and state/base-images into images/ and base-images/',
      'state/images/app.yaml: "app" has state in both images/app.yaml and state/images/app.yaml\n' +
        '  hint: the state/ layout is deprecated: keep the file in images/ or base-images/ and delete the other',
    ]);
  });

  it('warns about state files of images that are not enrolled, without reading them', () => {
    const dir = stateDir({
      'images.yaml': managedEntry('app'),
      'images/gone.yaml': 'this: [is not: valid',
      'images/notes.yml': 'x: 1\n',
    });
    const result = loadState(dir);
    expect(result.ok).toBe(true);
    expect(problemsOf(result).map((p) => [p.file, p.code, p.severity])).toEqual([
      ['image-factory.yaml', 'default-value', 'warning'],
      ['images/gone.yaml', 'unenrolled-state', 'warning'],
      ['images/notes.yml', 'invalid-name', 'warning'],
    ]);
  });

  it('reports every problem of every file at once, sorted by file and line', () => {
    const dir = stateDir({
      'images.yaml': `${managedEntry('app', '  rebuildDelay: soon\n')}${managedEntry('Bad')}`,
      'image-factory.yaml': 'output: /tmp/out.yaml\n',
      'base-images/x.yaml': 'name: x\nimage: Nope:1\n',
      'images/app.yaml': 'name: app\ndiscoveryStatus: done\n',
    });
    const result = loadState(dir);
    expect(result.ok).toBe(false);
    expect(problemsOf(result).map((p) => `${p.file}:${p.line}:${p.col} ${p.code}`)).toEqual([
      'base-images/x.yaml:2:8 invalid-reference',
      'image-factory.yaml:1:9 invalid-path',
      'images.yaml:7:17 invalid-duration',
      'images.yaml:8:9 invalid-name',
      'images.yaml:10:15 invalid-reference',
      'images/app.yaml:2:18 invalid-value',
    ]);
  });

  it('keeps positions of YAML syntax errors such as duplicate keys', () => {
    const dir = stateDir({ 'images.yaml': '- name: a\n  name: b\n' });
    expect(lines(loadState(dir))).toEqual(['images.yaml:2:3: YAML syntax error: Map keys must be unique']);
  });

  it('rejects kargo.labels the apiserver would refuse (synth would), at their position', () => {
    const dir = stateDir({
      'images.yaml': '[]\n',
      'image-factory.yaml':
        'kargo:\n  labels:\n    team: platform team\n    example.com/tier: backend\n    -bad: x\n    Example.com/x: y\n',
    });
    expect(lines(loadState(dir)).map((line) => line.split('\n')[0])).toEqual([
      'image-factory.yaml:3:11: kargo.labels.team "platform team" is not a valid Kubernetes label value: a label value must be at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit (or empty)',
      'image-factory.yaml:5:5: kargo.labels key "-bad" is not a valid Kubernetes label key: its name must be 1 to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
      'image-factory.yaml:6:5: kargo.labels key "Example.com/x" is not a valid Kubernetes label key: its prefix "Example.com" must be a DNS subdomain (lowercase letters, digits, "-" and ".", at most 253 characters)',
    ]);
  });
});
