import { describe, expect, it } from 'vitest';
import { ANALYZER_CLI_VERSION, DEFAULT_ANALYSIS_IMAGE } from '../src/analysis-image.js';
import { loadState } from '../src/loader.js';
import type { FactoryState, LoadStateResult, StateProblem } from '../src/model.js';
import { formatProblem } from '../src/problems.js';
import { managedEntry, stateDir } from './helpers.js';

function valid(result: LoadStateResult): FactoryState {
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.state;
}

function problemsOf(result: LoadStateResult): readonly StateProblem[] {
  return result.ok ? result.warnings : result.problems;
}

const ENROLLED = { 'images.yaml': managedEntry('app') };

describe('the default analysis image', () => {
  it("is this project's published image pinned to the CLI version, never :latest", () => {
    expect(DEFAULT_ANALYSIS_IMAGE).toBe(`ghcr.io/image-factory/analyzer-cli:${ANALYZER_CLI_VERSION}`);
    expect(DEFAULT_ANALYSIS_IMAGE).not.toMatch(/:latest$/);
  });

  it('is used, with a warning saying how to override or mirror it, when there is no settings file', () => {
    const result = loadState(stateDir(ENROLLED));
    expect(valid(result).settings.analysis.image).toBe(DEFAULT_ANALYSIS_IMAGE);
    const warnings = problemsOf(result).filter((p) => p.code === 'default-value');
    expect(warnings.map(formatProblem)).toEqual([
      `image-factory.yaml: warning: analysis.image is not set: the analysis job runs the default image ${DEFAULT_ANALYSIS_IMAGE}, published by Image Factory's release workflow\n` +
        `  hint: set analysis.image in image-factory.yaml to choose the image explicitly, e.g. to a copy in your own registry (crane copy ${DEFAULT_ANALYSIS_IMAGE} registry.example.com/mirror/analyzer-cli:<same tag>), with analysis.imagePullSecrets if it is private`,
    ]);
    expect(warnings[0]?.severity).toBe('warning');
  });

  it('points at the analysis block when it exists without image, at the file otherwise', () => {
    const withBlock = loadState(
      stateDir({
        ...ENROLLED,
        'image-factory.yaml': 'kargo:\n  project: x\nanalysis:\n  imagePullSecrets: [pull]\n',
      }),
    );
    expect(problemsOf(withBlock).map((p) => `${p.file}:${p.line}:${p.col} ${p.code}`)).toEqual([
      'image-factory.yaml:3:1 default-value',
    ]);
    const withoutBlock = loadState(stateDir({ ...ENROLLED, 'image-factory.yaml': 'kargo:\n  project: x\n' }));
    expect(problemsOf(withoutBlock).map((p) => `${p.file}:${p.line}:${p.col} ${p.code}`)).toEqual([
      'image-factory.yaml:1:1 default-value',
    ]);
  });

  it('is not warned about when analysis.image is set, even to the default', () => {
    for (const image of ['registry.example.com/mirror/analyzer-cli:1.2.3', DEFAULT_ANALYSIS_IMAGE]) {
      const result = loadState(
        stateDir({ ...ENROLLED, 'image-factory.yaml': `analysis:\n  image: ${image}\n` }),
      );
      expect(problemsOf(result)).toEqual([]);
      expect(valid(result).settings.analysis.image).toBe(image);
    }
  });

  it('is not warned about beside errors', () => {
    const result = loadState(stateDir({ 'images.yaml': managedEntry('app', '  rebuildDelay: soon\n') }));
    expect(result.ok).toBe(false);
    expect(problemsOf(result).map((p) => p.code)).toEqual(['invalid-duration']);
  });
});

describe('analysis job resources', () => {
  it('default to 250m CPU / 512Mi requested and 1Gi of memory at most', () => {
    const state = valid(loadState(stateDir(ENROLLED)));
    expect(state.settings.analysis.resources).toEqual({
      requests: { cpu: '250m', memory: '512Mi' },
      limits: { memory: '1Gi' },
    });
  });

  it('are settings, checked as Kubernetes quantities', () => {
    const settings = (resources: string) =>
      loadState(
        stateDir({
          ...ENROLLED,
          'image-factory.yaml': `analysis:\n  image: ghcr.io/acme/a:1\n  resources:\n${resources}`,
        }),
      );
    const ok = valid(settings('    limits: {cpu: "2", memory: 2Gi}\n    requests: {memory: 1.5Gi}\n'));
    expect(ok.settings.analysis.resources).toEqual({
      requests: { cpu: '250m', memory: '1.5Gi' },
      limits: { cpu: '2', memory: '2Gi' },
    });
    const bad = settings('    limits: {memory: 1GB}\n');
    expect(problemsOf(bad).map(formatProblem)).toEqual([
      expect.stringMatching(
        /^image-factory\.yaml:4:22: analysis\.resources\.limits\.memory must be a Kubernetes quantity such as 250m, 512Mi or 1Gi \(got "1GB"\)/,
      ),
    ]);
  });
});

describe('platforms and digest keys', () => {
  it('reads warehouses.platform, a base entry platform and an updates[] digestKey', () => {
    const state = valid(
      loadState(
        stateDir({
          'images.yaml': `${managedEntry(
            'app',
            '  updates:\n    - {repo: acme/deploy, path: values.yaml, type: yaml-update, key: image.tag, digestKey: image.digest}\n',
          )}- name: python\n  repoURL: docker.io/library/python\n  tag: 3.12-slim\n  platform: linux/arm64\n`,
          'image-factory.yaml':
            'analysis:\n  image: ghcr.io/acme/a:1\nwarehouses:\n  platform: linux/amd64\n',
        }),
      ),
    );
    expect(state.settings.warehouses.platform).toBe('linux/amd64');
    expect(state.baseImages.find((b) => b.name === 'python')?.platform).toBe('linux/arm64');
    expect(state.managedImages[0]?.updates[0]).toEqual({
      repo: 'acme/deploy',
      path: 'values.yaml',
      type: 'yaml-update',
      branch: 'main',
      key: 'image.tag',
      digestKey: 'image.digest',
    });
  });

  it('refuses a platform Kargo v1.11 does not accept (a variant)', () => {
    const result = loadState(
      stateDir({ ...ENROLLED, 'image-factory.yaml': 'warehouses:\n  platform: linux/arm64/v8\n' }),
    );
    expect(problemsOf(result).map(formatProblem)).toEqual([
      expect.stringMatching(
        /^image-factory\.yaml:2:13: warehouses\.platform must be a platform "<os>\/<arch>" such as linux\/amd64 \(got "linux\/arm64\/v8"\)/,
      ),
    ]);
  });
});
