// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ … }}` strings
import { Duration } from 'cdk8s';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ClusterPromotionTask,
  Expr,
  imageFrom,
  PromotionTask,
  Step,
  type StepConfig,
  type StepOptions,
  type stepConfigs,
  vars,
} from '../src/index.js';
import { newChart } from './helpers.js';

describe('typed step builders', () => {
  it.each([
    [
      'git-clone',
      Step.gitClone({
        repoURL: 'https://github.com/acme/deploy.git',
        checkout: [{ branch: 'main', path: './out' }],
      }),
    ],
    ['git-commit', Step.gitCommit({ path: './out', message: 'update' })],
    ['git-push', Step.gitPush({ path: './out', targetBranch: 'main' })],
    [
      'git-open-pr',
      Step.gitOpenPR({ repoURL: 'https://github.com/acme/deploy', sourceBranch: 'a', targetBranch: 'main' }),
    ],
    ['git-wait-for-pr', Step.gitWaitForPR({ repoURL: 'https://github.com/acme/deploy', prNumber: 7 })],
    ['git-merge-pr', Step.gitMergePR({ repoURL: 'https://github.com/acme/deploy', prNumber: 7 })],
    [
      'kustomize-set-image',
      Step.kustomizeSetImage({ path: './out', images: [{ image: 'app', tag: '1.0.0' }] }),
    ],
    ['kustomize-build', Step.kustomizeBuild({ path: './out', outPath: './rendered' })],
    [
      'yaml-update',
      Step.yamlUpdate({ path: 'values.yaml', updates: [{ key: 'image.tag', value: '1.0.0' }] }),
    ],
    [
      'helm-update-chart',
      Step.helmUpdateChart({ path: './chart', charts: [{ repository: 'oci://x', name: 'y', version: '1' }] }),
    ],
    ['http', Step.http({ url: 'https://example.com', method: 'POST' })],
    ['argocd-update', Step.argocdUpdate({ apps: [{ name: 'app' }] })],
    ['set-metadata', Step.setMetadata({ updates: [{ kind: 'Stage', name: 'test', values: { ok: true } }] })],
    ['compose-output', Step.composeOutput({ branch: 'main' })],
  ])('%s renders uses and config', (uses, step) => {
    const json = step.toJson();
    expect(json.uses).toBe(uses);
    expect(json.config).toEqual(step.config);
    expect(Object.keys(json)).toEqual(['uses', 'config']);
  });

  it('renders every common option', () => {
    const step = Step.http(
      { url: 'https://example.com' },
      {
        as: 'notify',
        if: '${{ always() }}',
        continueOnError: true,
        retry: { timeout: Duration.minutes(10), errorThreshold: 3 },
        vars: { a: '1', b: vars('a') },
      },
    );
    expect(step.toJson()).toEqual({
      uses: 'http',
      as: 'notify',
      if: '${{ always() }}',
      continueOnError: true,
      retry: { timeout: '10m0s', errorThreshold: 3 },
      vars: [
        { name: 'a', value: '1' },
        { name: 'b', value: '${{ vars.a }}' },
      ],
      config: { url: 'https://example.com' },
    });
    expect(step.alias).toBe('notify');
  });

  it('Step.builtin and Step.custom', () => {
    expect(Step.builtin('fail', { message: 'stop' }).toJson()).toEqual({
      uses: 'fail',
      config: { message: 'stop' },
    });
    const custom = Step.custom('gha-dispatch-workflow', { repo: 'acme/app', ref: Expr.ctx('stage') });
    expect(custom.toJson()).toEqual({
      uses: 'gha-dispatch-workflow',
      config: { repo: 'acme/app', ref: '${{ ctx.stage }}' },
    });
    expect(Step.custom('noop').toJson()).toEqual({ uses: 'noop' });
    expect(() => Step.custom('')).toThrow('Step: `uses` must not be empty');
  });

  it('copies the config, so later changes to the input do not leak in', () => {
    const config = { path: './out', message: 'first' };
    const step = Step.gitCommit(config);
    config.message = 'second';
    expect(step.toJson().config).toEqual({ path: './out', message: 'first' });
  });

  it('task steps reference a PromotionTask by name or construct', () => {
    expect(Step.task('promote', { as: 'p', vars: { x: '1' } }).toJson()).toEqual({
      task: { name: 'promote', kind: 'PromotionTask' },
      as: 'p',
      vars: [{ name: 'x', value: '1' }],
    });
    const chart = newChart();
    const shared = new ClusterPromotionTask(chart, 'shared', { metadata: { name: 'shared' } });
    const local = new PromotionTask(chart, 'local', { metadata: { name: 'local' } });
    expect(Step.task(shared).toJson().task).toEqual({ name: 'shared', kind: 'ClusterPromotionTask' });
    expect(Step.task(local).toJson().task).toEqual({ name: 'local', kind: 'PromotionTask' });
  });

  it("output() and taskOutput() read this step's outputs by alias", () => {
    const openPr = Step.gitOpenPR(
      { repoURL: 'https://github.com/acme/deploy', sourceBranch: 'b', targetBranch: 'main' },
      { as: 'open-pr' },
    );
    expect(openPr.output('pr', 'id')).toBe('${{ outputs["open-pr"].pr.id }}');
    expect(openPr.taskOutput('pr', 'url')).toBe('${{ task.outputs["open-pr"].pr.url }}');
    const wait = Step.gitWaitForPR({
      repoURL: 'https://github.com/acme/deploy',
      prNumber: openPr.output('pr', 'id'),
    });
    expect(wait.toJson().config?.prNumber).toBe('${{ outputs["open-pr"].pr.id }}');
    expect(() => Step.gitCommit({ path: '.', message: 'm' }).output('commit')).toThrow(
      'Step.output(): the "git-commit" step needs an alias; pass { as: \'<alias>\' } when creating it',
    );
  });

  it('config types come from the generated step schemas and accept expressions in typed leaves', () => {
    expectTypeOf<StepConfig<'git-wait-for-pr'>['prNumber']>().toEqualTypeOf<
      number | stepConfigs.KargoExpression
    >();
    expectTypeOf(imageFrom('x').tag).toExtend<stepConfigs.KargoExpression>();
    expectTypeOf<StepOptions['as']>().toEqualTypeOf<string | undefined>();
    // @ts-expect-error: unknown config fields are type errors
    Step.gitCommit({ path: '.', message: 'm', messageFromSteps: ['x'] });
    // @ts-expect-error: a task step takes no if/continueOnError
    Step.task('t', { if: 'x' });
  });
});
