// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ … }}` strings
import { describe, expect, it } from 'vitest';
import { ctx, PromotionTask, Step, taskOutputs, vars } from '../src/index.js';
import {
  errorLine,
  expectValidManifests,
  findManifest,
  newChart,
  synth,
  synthError,
  synthYaml,
} from './helpers.js';

describe('PromotionTask', () => {
  it('defaults: one step in the chart namespace', async () => {
    const chart = newChart('demo');
    const task = new PromotionTask(chart, 'notify', {
      steps: [Step.http({ url: 'https://example.com/hook' })],
    });
    const manifests = synth(chart);
    const rendered = findManifest(manifests, 'PromotionTask');
    expect(rendered.metadata.namespace).toBe('demo');
    expect(rendered.spec).toEqual({ steps: [{ uses: 'http', config: { url: 'https://example.com/hook' } }] });
    expect(task.taskKind).toBe('PromotionTask');
    expect(task.requiredVars).toEqual([]);
    expectValidManifests(manifests);
    await expect(synthYaml(chart)).toMatchFileSnapshot('./__golden__/promotion-task.defaults.k8s.yaml');
  });

  it('all-options: required and defaulted vars, steps reading task outputs, compose-output', async () => {
    const chart = newChart('demo');
    const clone = Step.gitClone(
      { repoURL: vars('repoURL'), checkout: [{ branch: vars('branch'), path: './src' }] },
      { as: 'clone' },
    );
    const task = new PromotionTask(chart, 'update', {
      project: 'demo',
      metadata: { name: 'update-manifests', labels: { team: 'platform' } },
      vars: { repoURL: undefined, branch: 'main', path: undefined },
      steps: [clone],
    });
    task.addStep(
      Step.yamlUpdate(
        { path: `./src/${vars('path')}`, updates: [{ key: 'stage', value: ctx.stage }] },
        { as: 'update' },
      ),
      Step.gitCommit({ path: './src', message: taskOutputs('update')('commitMessage') }, { as: 'commit' }),
      Step.gitPush({ path: './src' }, { as: 'push', retry: { errorThreshold: 2 } }),
      Step.composeOutput({ commit: clone.taskOutput('commits', 'src') }, { as: 'output' }),
    );
    const manifests = synth(chart);
    const spec = findManifest(manifests, 'PromotionTask').spec;
    expect(spec.vars).toEqual([{ name: 'repoURL' }, { name: 'branch', value: 'main' }, { name: 'path' }]);
    expect(spec.steps.map((s: { as: string }) => s.as)).toEqual([
      'clone',
      'update',
      'commit',
      'push',
      'output',
    ]);
    expect(spec.steps[4].config).toEqual({ commit: '${{ task.outputs.clone.commits.src }}' });
    expect(task.requiredVars).toEqual(['repoURL', 'path']);
    expectValidManifests(manifests);
    await expect(synthYaml(chart)).toMatchFileSnapshot('./__golden__/promotion-task.all-options.k8s.yaml');
  });

  describe('validation', () => {
    it('a task cannot run another task, needs steps, and checks aliases and configs', () => {
      const chart = newChart('demo');
      new PromotionTask(chart, 'nested', {
        steps: [Step.task('other'), Step.gitPush({ path: '' }, { as: 'task-2' })],
      });
      new PromotionTask(chart, 'empty');
      const message = synthError(chart);
      expect(errorLine(message, 'test/nested', 'spec.steps[0].task')).toBe(
        'a PromotionTask cannot run another task; use steps with uses only',
      );
      expect(errorLine(message, 'test/nested', 'spec.steps[1].as')).toBe(
        'alias "task-2" is reserved by Kargo (step-<n> and task-<n> name unaliased steps); choose another alias',
      );
      expect(errorLine(message, 'test/nested', 'spec.steps[1].config.path')).toContain('""');
      expect(errorLine(message, 'test/empty', 'spec.steps')).toBe(
        'a PromotionTask needs at least one step (pass steps or call addStep())',
      );
    });

    it('needs a project namespace and a valid var name', () => {
      const chart = newChart(null);
      new PromotionTask(chart, 'task', { vars: { '1bad': 'x' }, steps: [Step.http({ url: 'https://x' })] });
      const message = synthError(chart);
      expect(errorLine(message, 'test/task', 'metadata.namespace')).toBe(
        "a PromotionTask must live in its Kargo Project's namespace; pass project (a Project or its name) or give the chart a namespace",
      );
      expect(errorLine(message, 'test/task', 'spec.vars[0].name')).toContain('"1bad"');
    });

    it('rejects a conflicting namespace at construction', () => {
      const chart = newChart('demo');
      expect(() => new PromotionTask(chart, 'task', { project: 'a', metadata: { namespace: 'b' } })).toThrow(
        'test/task: metadata.namespace "b" conflicts with project "a"; set only one of them',
      );
    });
  });
});
