/**
 * The Warehouse of an image built by the generated workflow without a version file only considers the
 * tags that workflow pushes (GENERATED_TAG_PATTERN, @image-factory/factory managedImageSelection): the version
 * step of the generated workflow (its golden, apps/analyzer-cli) must produce exactly such tags.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { managedImageSelection } from '@image-factory/factory';
import { GENERATED_TAG_PATTERN, parseImageReference } from '@image-factory/state-schema';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'generated-tags-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('tags of images built by the generated workflow', () => {
  it('match the tag scheme their Warehouse accepts', () => {
    const workflow = parse(
      readFileSync(join(root, 'apps/analyzer-cli/test/__golden__/build-worker.plain.yml'), 'utf8'),
    ) as { jobs: Record<string, { steps: { id?: string; run?: string }[] }> };
    const step = Object.values(workflow.jobs)
      .flatMap((job) => job.steps)
      .find((s) => s.id === 'version');
    expect(step?.run).toBeDefined();
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: work,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@t',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@t',
        },
      });
    git('init', '-q', 'source');
    git('-C', 'source', 'commit', '-q', '--allow-empty', '-m', 'x');
    const output = join(work, 'github-output');
    execFileSync('bash', ['-c', step?.run as string], {
      cwd: work,
      env: { ...process.env, GITHUB_OUTPUT: output, GITHUB_RUN_NUMBER: '1234' },
    });
    const tag = /^version=(.*)$/m.exec(readFileSync(output, 'utf8'))?.[1] ?? '';
    expect(tag).toMatch(new RegExp(GENERATED_TAG_PATTERN));
    const subscription = managedImageSelection(
      {
        name: 'worker',
        registry: 'ghcr.io',
        repository: 'acme/worker',
        reference: parseImageReference('ghcr.io/acme/worker'),
        source: { provider: 'github', repo: 'acme/worker', branch: 'main', dockerfile: 'Dockerfile' },
        rebuildDelay: '7d',
        rebuildDelaySeconds: 604_800,
        autoRebuild: true,
        updates: [],
        baseImages: [],
        entry: { name: 'worker' },
        origin: { file: 'images.yaml', line: 1, col: 3 },
      },
      20,
    );
    expect(subscription.allowTagsRegexes?.every((r) => new RegExp(r).test(tag))).toBe(true);
  });
});
