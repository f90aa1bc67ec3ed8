// planMigration: what `image-factory migrate` would do, planned in memory (the CLI applies it).
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_ANALYSIS_IMAGE } from '../src/analysis-image.js';
import { loadState } from '../src/loader.js';
import { type MigrationPlan, planMigration } from '../src/migrate-plan.js';
import type { FactoryState } from '../src/model.js';
import { formatProblem } from '../src/problems.js';
import { managedEntry, stateDir } from './helpers.js';

const FIXTURE = resolve(import.meta.dirname, '../../../examples/scenarios/old-tool');
const work = mkdtempSync(join(tmpdir(), 'migrate-plan-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
function clone(source: string, origin = 'https://github.com/acme/image-factory-state.git'): string {
  const dir = join(work, String(n++));
  cpSync(source, dir, { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: dir });
  execFileSync('git', ['remote', 'add', 'origin', origin], { cwd: dir });
  return dir;
}

/** Applies a plan the simple way (the CLI's applyMigration adds git mv, checks and undo). */
function apply(plan: MigrationPlan): void {
  for (const move of plan.moves) {
    mkdirSync(dirname(join(plan.dir, move.to)), { recursive: true });
    renameSync(join(plan.dir, move.from), join(plan.dir, move.to));
  }
  for (const change of plan.changes) {
    if (change.kind === 'delete') unlinkSync(join(plan.dir, change.file));
    else writeFileSync(join(plan.dir, change.file), change.after ?? '');
  }
  rmSync(join(plan.dir, 'state'), { recursive: true, force: true });
}

function planOf(dir: string): MigrationPlan {
  const result = planMigration(dir);
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.plan;
}

/** What the factory generates from: every field of the model but positions and file names. */
function generated(state: FactoryState): unknown {
  return {
    settings: state.settings,
    managed: state.managedImages.map(({ origin, stateFile, state: s, updateOrigins, entry, ...rest }) => ({
      ...rest,
      currentVersion: s?.currentVersion,
    })),
    bases: state.baseImages.map(({ origin, stateFile, state: s, entry, ...rest }) => rest),
  };
}

describe('planMigration on the old tool fixture', () => {
  const dir = clone(FIXTURE);
  const before = loadState(dir);
  const plan = planOf(dir);

  it('moves every state file out of state/, except the old copies of base entries, which go', () => {
    expect(plan.moves.map((m) => `${m.from} -> ${m.to}`)).toEqual([
      'state/images/backstage.yaml -> images/backstage.yaml',
      'state/images/data-api.yaml -> images/data-api.yaml',
      'state/images/e2e-runner.yaml -> images/e2e-runner.yaml',
      'state/base-images/mcr.microsoft.com-playwright-v1.40.0-focal.yaml -> base-images/mcr.microsoft.com-playwright-v1.40.0-focal.yaml',
      'state/base-images/node-22-bookworm-slim.yaml -> base-images/node-22-bookworm-slim.yaml',
      'state/base-images/python-3.12-slim.yaml -> base-images/python-3.12-slim.yaml',
    ]);
    expect(
      plan.changes.map((c) => `${c.kind} ${c.file}${c.movedFrom ? ` (from ${c.movedFrom})` : ''}`),
    ).toEqual([
      'edit images.yaml',
      'create image-factory.yaml',
      'edit base-images/mcr.microsoft.com-playwright-v1.40.0-focal.yaml (from state/base-images/mcr.microsoft.com-playwright-v1.40.0-focal.yaml)',
      'edit base-images/node-22-bookworm-slim.yaml (from state/base-images/node-22-bookworm-slim.yaml)',
      'edit base-images/python-3.12-slim.yaml (from state/base-images/python-3.12-slim.yaml)',
      'edit images/backstage.yaml (from state/images/backstage.yaml)',
      'edit images/data-api.yaml (from state/images/data-api.yaml)',
      'edit images/e2e-runner.yaml (from state/images/e2e-runner.yaml)',
      'delete state/images/postgres-16.yaml',
      'delete state/images/python-3.12-slim.yaml',
    ]);
  });

  it('rewrites only the old values, keeping comments, order and every other byte', () => {
    const python = plan.changes.find((c) => c.file === 'base-images/python-3.12-slim.yaml');
    const beforeLines = (python?.before ?? '').split('\n');
    const afterLines = (python?.after ?? '').split('\n');
    const removed = beforeLines.filter((line) => line !== '' && !afterLines.includes(line));
    expect(removed).toEqual([
      'allowTags: ^3\\\\.12-slim$',
      '# Current state',
      'currentDigest: None',
      'lastUpdated: None  # Will be set when digest first changes',
      'previousDigest: None',
      '# Rebuild eligibility',
      'rebuildEligibleAt:',
      '  default: null  # Will be calculated as lastUpdated + rebuildDelay',
    ]);
    // Blank lines too: one before each removed paragraph.
    expect(
      beforeLines.filter((line) => line === '').length - afterLines.filter((line) => line === '').length,
    ).toBe(2);
    expect(afterLines.filter((line) => !beforeLines.includes(line))).toEqual(['allowTags: ^3\\.12-slim$']);
    const backstage = plan.changes.find((c) => c.file === 'images/backstage.yaml');
    expect(parse(backstage?.after ?? '').enrollment).toEqual(
      before.ok ? before.state.managedImages.find((m) => m.name === 'backstage')?.entry : undefined,
    );
    expect(backstage?.after).toContain(
      '# Enrollment configuration (copied from images.yaml for reference)\n',
    );
    expect(backstage?.after).toContain('currentVersion: 0.1.0\nlastBuilt: null\n');
    const settings = plan.changes.find((c) => c.file === 'image-factory.yaml');
    // The analysis image is written out (pinned at the default), so no default-value reminder is left.
    expect(parse(settings?.after ?? '')).toEqual({
      stateRepo: { url: 'https://github.com/acme/image-factory-state.git' },
      analysis: { image: DEFAULT_ANALYSIS_IMAGE },
    });
  });

  it('gives a state that loads without warnings, generates the same, and plans nothing more', () => {
    apply(plan);
    const after = loadState(dir);
    if (!after.ok || !before.ok) throw new Error('does not load');
    expect(after.warnings.map(formatProblem)).toEqual([]);
    expect(after.state.layout).toBe('current');
    expect(after.state.stateRepoUrlSource).toBeUndefined();
    expect(generated(after.state)).toEqual(generated(before.state));
    const again = planOf(dir);
    expect([again.moves, again.changes]).toEqual([[], []]);
    expect(readFileSync(join(dir, 'images.yaml'), 'utf8')).toContain(
      '- name: postgres-16\n  repoURL: docker.io/library/postgres\n',
    );
  });
});

describe('planMigration', () => {
  it('plans nothing for a state that does not load, and returns its problems', () => {
    const dir = stateDir({
      'images.yaml': managedEntry('app', '  rebuildDelay: soon\n'),
      'state/images/app.yaml': 'name: app\ncurrentDigest: None\n',
    });
    const result = planMigration(dir);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.filter((p) => p.severity === 'error').map((p) => p.code)).toEqual(
      ['invalid-duration'],
    );
  });

  it('keeps unknown fields that carry information and old copies of base entries that hold runtime data', () => {
    const dir = stateDir({
      'images.yaml': `${managedEntry('app')}- name: redis\n  repoURL: docker.io/library/redis\n`,
      'images/app.yaml': 'name: app\nnotes: keep me\nextra: None\n',
      'images/redis.yaml': 'name: redis\ndiscoveryStatus: external\ncurrentVersion: "7.2"\n',
      'image-factory.yaml': 'stateRepo:\n  url: https://github.com/acme/s.git\n',
    });
    const plan = planOf(dir);
    expect(plan.moves).toEqual([]);
    expect(plan.changes.map((c) => [c.kind, c.file])).toEqual([['edit', 'images/app.yaml']]);
    expect(plan.changes[0]?.after).toContain('notes: keep me\n');
    expect(plan.changes[0]?.after).not.toContain('extra:');
  });

  it('writes image-factory.yaml with stateRepo.url to fill in when there is no git origin', () => {
    const dir = stateDir({ 'images.yaml': '- name: redis\n  repoURL: docker.io/library/redis\n' });
    const plan = planOf(dir);
    const settings = plan.changes.find((c) => c.file === 'image-factory.yaml');
    expect(parse(settings?.after ?? '')).toEqual({ analysis: { image: DEFAULT_ANALYSIS_IMAGE } });
    expect(settings?.after).toContain('# stateRepo:\n#   url: https://github.com/<owner>/<repository>.git\n');
    expect(plan.notes).toEqual([
      'no git origin was found: set stateRepo.url in image-factory.yaml before synthesizing',
    ]);
  });
});
