// `validate` reports everything `synth` would refuse (the factory planner's problems, with
// positions), and says when stateRepo.url comes from the git origin of the state directory.
import { join } from 'node:path';
import { DEFAULT_ANALYSIS_IMAGE } from '@image-factory/state-schema';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { git, tempDir, writeFiles } from './helpers/git-repos.js';

const scratch = tempDir('if-validate-synth');
afterAll(() => scratch.cleanup());

let n = 0;
function state(files: Record<string, string>): string {
  const dir = join(scratch.dir, String(n++));
  writeFiles(dir, files);
  return dir;
}

const SETTINGS = 'stateRepo:\n  url: https://github.com/acme/image-factory-state.git\n';

function managed(name: string, updateRepo: string, updatePath: string): string {
  return `- name: ${name}
  registry: ghcr.io
  repository: acme/${name}
  source:
    repo: acme/${name}
    dockerfile: Dockerfile
    workflow: build.yml
  updates:
    - repo: ${updateRepo}
      path: ${updatePath}
      type: kustomize-set-image
`;
}

describe('image-factory validate: what synth would warn about', () => {
  it('warns, at the image, when a registry webhook receiver reaches the sampling Warehouse of a managed base', async () => {
    const image = (name: string, delay: string) =>
      `- name: ${name}\n  registry: ghcr.io\n  repository: acme/${name}\n  source:\n    repo: acme/${name}\n    dockerfile: Dockerfile\n    workflow: build.yml\n  rebuildDelay: ${delay}\n`;
    const files = (webhooks: string) => ({
      'image-factory.yaml': `${SETTINGS}analysis:\n  image: ${DEFAULT_ANALYSIS_IMAGE}\n${webhooks}`,
      'images.yaml': `${image('runtime', '7d')}${image('app', '1d')}`,
      'images/runtime.yaml': 'name: runtime\nbaseImages: []\ncurrentVersion: 1.0.0\n',
      'images/app.yaml': 'name: app\nbaseImages:\n  - runtime\ncurrentVersion: 2.0.0\n',
    });
    const on = await runCli(['validate', '--state-dir', '.'], {
      cwd: state(files('webhooks:\n  github:\n    enabled: true\n')),
    });
    expect(on.code).toBe(0);
    expect(on.stderr).toMatch(
      /^images\.yaml:1:3: warning: image "runtime" is the base of app \(rebuildDelay 1d\), and the github webhook receiver hears about pushes to ghcr\.io\/acme\/runtime/m,
    );
    // The plan's own warnings come with them: app's team workflow takes no pins (no recorded
    // inputs); runtime has no base images, so no rebuild to pin.
    const unpinned = (text: string) =>
      text.split('\n').filter((line) => line.includes('rebuilds are unpinned'));
    expect(unpinned(on.stderr)).toEqual([
      'images.yaml:9:3: warning: image "app": its rebuilds are unpinned: build.yml has no recorded inputs (run generate-state), so the build resolves its base tags itself instead of building on the digests that soaked',
    ]);
    // Without GitHub package events the receiver hears only of git pushes: nothing to warn about.
    const pushesOnly = await runCli(['validate', '--state-dir', '.'], {
      cwd: state(files('webhooks:\n  github:\n    enabled: true\n    packageEvents: false\n')),
    });
    expect(pushesOnly.code).toBe(0);
    expect(pushesOnly.stderr).not.toContain('webhook receiver');
    expect(unpinned(pushesOnly.stderr)).toEqual(unpinned(on.stderr));
  });
});

describe('image-factory validate: what synth would refuse', () => {
  it('rejects two images whose consumer-update Stage names collide, at the updates[] entry', async () => {
    // update-a-b + c-d + e and update-a + b-c-d + e both give "update-a-b-c-d-e".
    const dir = state({
      'image-factory.yaml': SETTINGS,
      'images.yaml': `${managed('a-b', 'acme/c-d', 'e.yaml')}${managed('a', 'acme/b-c-d', 'e.yaml')}`,
    });
    const result = await runCli(['validate', '--state-dir', '.'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'images.yaml:20:7: image "a": updates[0] (acme/b-c-d e.yaml) would get the Stage name "update-a-b-c-d-e", which image "a-b": updates[0] (acme/c-d e.yaml) (images.yaml:9:7) gets too: Kargo object names are unique\n' +
        '  hint: a consumer-update Stage is named update-<image>-<repository name>-<path without extension>: two images whose names and consumers run together like this need different names; rename one of the images\n' +
        '.: invalid: 1 error, 0 warnings\n',
    );
  });

  it('rejects a state the planner cannot wire (no stateRepo.url and no git origin), with the planner hint', async () => {
    const dir = state({ 'images.yaml': managed('app', 'acme/deploy', 'k.yaml') });
    const result = await runCli(['validate', '--state-dir', '.', '--json'], { cwd: dir });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.valid).toBe(false);
    expect(
      report.problems.map((p: { file: string; code: string; path: string[] }) => [p.file, p.code, p.path]),
    ).toEqual([['image-factory.yaml', 'missing-field', ['stateRepo', 'url']]]);
  });

  it('takes stateRepo.url from the git origin, says so, and then validates', async () => {
    const dir = state({ 'images.yaml': managed('app', 'acme/deploy', 'k.yaml') });
    git(dir, 'init', '-q');
    git(dir, 'remote', 'add', 'origin', 'https://oauth2:glpat-s3cret@github.com/acme/state.git');
    const result = await runCli(['validate', '--state-dir', '.'], { cwd: dir });
    expect(result).toEqual({
      code: 0,
      stdout: '.: valid: 1 managed image, 0 base images, 0 external images, 1 warning\n',
      stderr:
        'notice: stateRepo.url is not set in image-factory.yaml: using the git origin of the state directory, https://github.com/acme/state.git (from .git/config; the user name and password in it were left out)\n' +
        `image-factory.yaml: warning: analysis.image is not set: the analysis job runs the default image ${DEFAULT_ANALYSIS_IMAGE}, published by Image Factory's release workflow\n` +
        `  hint: set analysis.image in image-factory.yaml to choose the image explicitly, e.g. to a copy in your own registry (crane copy ${DEFAULT_ANALYSIS_IMAGE} registry.example.com/mirror/analyzer-cli:<same tag>), with analysis.imagePullSecrets if it is private\n`,
    });
    const json = await runCli(['validate', '--state-dir', '.', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout).stateRepoUrlSource).toEqual({
      kind: 'git-origin',
      url: 'https://github.com/acme/state.git',
      file: '.git/config',
      credentialsRemoved: true,
    });
    expect(json.stdout + json.stderr).not.toContain('s3cret');
  });
});
