// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ … }}` strings
import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  AnalysisTemplate,
  ClusterAnalysisTemplate,
  ClusterPromotionTask,
  commitFrom,
  ctx,
  imageFrom,
  MetricProvider,
  PromotionTask,
  quote,
  Stage,
  Step,
  Subscription,
  vars,
  Warehouse,
} from '../src/index.js';
import {
  errorLine,
  expectValidManifests,
  findManifest,
  newChart,
  siblingChart,
  synth,
  synthError,
  synthYaml,
} from './helpers.js';

const APP = 'ghcr.io/acme/app';

function warehouse(chart: ReturnType<typeof newChart>, name = 'app'): Warehouse {
  return new Warehouse(chart, `wh-${name}`, {
    metadata: { name },
    subscriptions: [Subscription.image({ repoURL: APP })],
  });
}

function checkTemplate(chart: ReturnType<typeof newChart>): AnalysisTemplate {
  return new AnalysisTemplate(chart, 'check', {
    metadata: { name: 'check' },
    args: [{ name: 'tag' }, { name: 'env', value: 'test' }],
    metrics: [
      {
        name: 'smoke',
        provider: MetricProvider.job({
          container: { image: 'busybox:1.36', command: ['true'], args: ['{{args.tag}}'] },
        }),
      },
    ],
  });
}

describe('Stage', () => {
  it('defaults: Freight straight from a Warehouse, nothing else', async () => {
    const chart = newChart('demo');
    const wh = warehouse(chart);
    const stage = new Stage(chart, 'test', {
      metadata: { name: 'test' },
      requestedFreight: [{ origin: wh, sources: { direct: true } }],
    });
    const manifests = synth(chart);
    const spec = findManifest(manifests, 'Stage').spec;
    expect(spec).toEqual({
      requestedFreight: [{ origin: { kind: 'Warehouse', name: 'app' }, sources: { direct: true } }],
    });
    expect(stage.stageName).toBe('test');
    expect(stage.originNames).toEqual(['app']);
    expectValidManifests(manifests);
    const stageYaml = synthYaml(chart)
      .split('---\n')
      .filter((doc) => doc.includes('kind: Stage'));
    await expect(stageYaml.join('---\n')).toMatchFileSnapshot('./__golden__/stage.defaults.k8s.yaml');
  });

  it('all-options: upstream sources, soak time, promotion template with typed steps, verification, vars', async () => {
    const chart = newChart('demo');
    const app = warehouse(chart, 'app');
    const source = new Warehouse(chart, 'wh-source', {
      metadata: { name: 'source' },
      subscriptions: [Subscription.git({ repoURL: 'https://github.com/acme/app.git' })],
    });
    const template = checkTemplate(chart);
    const shared = new ClusterAnalysisTemplate(chart, 'shared-check', {
      metadata: { name: 'shared-check' },
      args: [{ name: 'tag' }, { name: 'env' }],
      metrics: [
        {
          name: 'm',
          provider: MetricProvider.job({ container: { image: 'busybox:1.36', command: ['true'] } }),
        },
      ],
    });
    const test = new Stage(chart, 'test', {
      metadata: { name: 'test' },
      requestedFreight: [
        { origin: app, sources: { direct: true } },
        { origin: source, sources: { direct: true } },
      ],
    });
    const clone = Step.gitClone(
      {
        repoURL: 'https://github.com/acme/deploy.git',
        checkout: [{ branch: 'main', path: './out' }],
      },
      { as: 'clone' },
    );
    const openPr = Step.gitOpenPR(
      {
        repoURL: 'https://github.com/acme/deploy.git',
        sourceBranch: `kargo/${ctx.stage}`,
        targetBranch: 'main',
        title: `Deploy ${imageFrom(APP).tag}`,
      },
      { as: 'open-pr' },
    );
    const prod = new Stage(chart, 'prod', {
      metadata: { name: 'prod', labels: { tier: 'prod' } },
      shard: 'east',
      vars: { imageRepo: APP, branch: 'main' },
      requestedFreight: [
        {
          origin: 'app',
          sources: {
            stages: [test],
            requiredSoakTime: Duration.hours(24),
            availabilityStrategy: 'All',
            autoPromotionOptions: { selectionPolicy: 'MatchUpstream' },
          },
        },
        { origin: source, sources: { stages: ['test'], requiredSoakTime: '30m' } },
      ],
      promotionTemplate: {
        vars: { path: './out/apps/app' },
        steps: [
          clone,
          Step.kustomizeSetImage(
            { path: vars('path'), images: [{ image: APP, tag: quote(imageFrom(APP).expr.get('Tag')) }] },
            { as: 'update-image' },
          ),
          Step.yamlUpdate({
            path: `${vars('path')}/values.yaml`,
            updates: [{ key: 'source', value: commitFrom('https://github.com/acme/app.git').id }],
          }),
          Step.gitCommit({ path: './out', message: 'Update app' }, { as: 'commit' }),
          Step.gitPush(
            { path: './out', targetBranch: `kargo/${ctx.stage}` },
            { as: 'push', retry: { errorThreshold: 3, timeout: '10m' } },
          ),
          openPr,
          Step.gitWaitForPR(
            { repoURL: 'https://github.com/acme/deploy.git', prNumber: openPr.output('pr', 'id') },
            { as: 'wait' },
          ),
          Step.argocdUpdate({ apps: [{ name: `app-${ctx.stage}` }] }, { as: 'sync', continueOnError: true }),
          Step.http(
            { url: 'https://hooks.example.com/deployed', method: 'POST', body: '{"stage":"prod"}' },
            { as: 'notify', if: '${{ always() }}', vars: { channel: 'deploys' } },
          ),
          Step.setMetadata({
            updates: [{ kind: 'Freight', name: ctx.targetFreight.name, values: { deployed: 'true' } }],
          }),
        ],
      },
      verification: {
        analysisTemplates: [template, shared],
        args: { tag: quote(imageFrom(APP).expr.get('Tag')), env: ctx.stage },
        analysisRunMetadata: { labels: { team: 'platform' }, annotations: { note: 'x' } },
      },
    });
    prod.addStep(Step.composeOutput({ pr: openPr.output('pr', 'url') }, { as: 'result' }));

    const manifests = synth(chart);
    const spec = findManifest(manifests, 'Stage', 'prod').spec;
    expect(spec.requestedFreight[0].sources).toEqual({
      stages: ['test'],
      requiredSoakTime: '24h0m0s',
      availabilityStrategy: 'All',
      autoPromotionOptions: { selectionPolicy: 'MatchUpstream' },
    });
    expect(spec.promotionTemplate.spec.steps).toHaveLength(11);
    expect(spec.promotionTemplate.spec.steps[6].config.prNumber).toBe('${{ outputs["open-pr"].pr.id }}');
    expect(spec.verification.args).toEqual([
      { name: 'tag', value: '${{ quote(imageFrom("ghcr.io/acme/app").Tag) }}' },
      { name: 'env', value: '${{ ctx.stage }}' },
    ]);
    expect(spec.verification.analysisTemplates).toEqual([
      { name: 'check', kind: 'AnalysisTemplate' },
      { name: 'shared-check', kind: 'ClusterAnalysisTemplate' },
    ]);
    expect(spec.vars).toEqual([
      { name: 'imageRepo', value: APP },
      { name: 'branch', value: 'main' },
    ]);
    expectValidManifests(manifests);
    const prodYaml = synthYaml(chart)
      .split('---\n')
      .filter((doc) => doc.includes('name: prod\n'));
    await expect(prodYaml.join('---\n')).toMatchFileSnapshot('./__golden__/stage.all-options.k8s.yaml');
  });

  it('a Stage with tasks: task steps reference PromotionTasks and pass their inputs', async () => {
    const chart = newChart('demo');
    const wh = warehouse(chart);
    const task = new PromotionTask(chart, 'update', {
      metadata: { name: 'update-image' },
      vars: { repoURL: undefined, branch: 'main' },
      steps: [
        Step.gitClone({ repoURL: vars('repoURL'), checkout: [{ branch: vars('branch'), path: './src' }] }),
      ],
    });
    const cluster = new ClusterPromotionTask(chart, 'notify', {
      metadata: { name: 'notify' },
      steps: [Step.http({ url: 'https://example.com' })],
    });
    new Stage(chart, 'test', {
      metadata: { name: 'test' },
      requestedFreight: [{ origin: wh, sources: { direct: true } }],
      promotionTemplate: {
        steps: [
          Step.task(task, { as: 'update', vars: { repoURL: 'https://github.com/acme/deploy.git' } }),
          Step.task(cluster),
        ],
      },
    });
    const manifests = synth(chart);
    expect(findManifest(manifests, 'Stage').spec.promotionTemplate.spec.steps).toEqual([
      {
        task: { name: 'update-image', kind: 'PromotionTask' },
        as: 'update',
        vars: [{ name: 'repoURL', value: 'https://github.com/acme/deploy.git' }],
      },
      { task: { name: 'notify', kind: 'ClusterPromotionTask' } },
    ]);
    expectValidManifests(manifests);
  });

  it('accepts references to objects defined elsewhere', () => {
    const chart = newChart('demo');
    new Stage(chart, 'test', {
      metadata: { name: 'test' },
      requestedFreight: [
        {
          origin: Warehouse.fromWarehouseName('elsewhere'),
          sources: { stages: [Stage.fromStageName('upstream')] },
        },
      ],
      promotionTemplate: {
        steps: [
          Step.task(PromotionTask.fromPromotionTaskName('external')),
          Step.task(ClusterPromotionTask.fromClusterPromotionTaskName('shared')),
        ],
      },
      verification: { analysisTemplates: ['not-in-this-app'], args: { anything: 'x' } },
    });
    expect(() => synth(chart)).not.toThrow();
  });

  it('finds Warehouses and Stages in other charts of the same app (same namespace)', () => {
    const chart = newChart('demo');
    const other = siblingChart(chart, 'other', 'demo');
    warehouse(other);
    new Stage(other, 'test', {
      metadata: { name: 'test' },
      requestedFreight: [{ origin: 'app', sources: { direct: true } }],
    });
    new Stage(chart, 'prod', {
      metadata: { name: 'prod' },
      requestedFreight: [{ origin: 'app', sources: { stages: ['test'] } }],
    });
    expect(() => synth(chart)).not.toThrow();
  });

  describe('validation', () => {
    it('an origin Warehouse that does not exist in the project', () => {
      const chart = newChart('demo');
      warehouse(chart, 'app');
      warehouse(siblingChart(chart, 'elsewhere2', 'other'), 'base');
      new Stage(chart, 'test', { requestedFreight: [{ origin: 'base', sources: { direct: true } }] });
      expect(errorLine(synthError(chart), 'test/test', 'spec.requestedFreight[0].origin.name')).toBe(
        'Warehouse "base" is not defined in namespace "demo" of this app (known: "app"); define it, or reference an external one with Warehouse.fromWarehouseName()',
      );
    });

    it('upstream Stages that do not exist, do not request the origin, or are the Stage itself', () => {
      const chart = newChart('demo');
      const wh = warehouse(chart, 'app');
      warehouse(chart, 'other');
      new Stage(chart, 'test', {
        metadata: { name: 'test' },
        requestedFreight: [{ origin: 'other', sources: { direct: true } }],
      });
      new Stage(chart, 'prod', {
        metadata: { name: 'prod' },
        requestedFreight: [{ origin: wh, sources: { stages: ['test', 'staging', 'prod'] } }],
      });
      const message = synthError(chart);
      expect(errorLine(message, 'test/prod', 'spec.requestedFreight[0].sources.stages[0]')).toBe(
        'upstream Stage "test" does not request Freight from Warehouse "app", so it can never pass that Freight on',
      );
      expect(errorLine(message, 'test/prod', 'spec.requestedFreight[0].sources.stages[1]')).toBe(
        'Stage "staging" is not defined in namespace "demo" of this app (known: "prod", "test"); define it, or reference an external one with Stage.fromStageName()',
      );
      expect(errorLine(message, 'test/prod', 'spec.requestedFreight[0].sources.stages[2]')).toBe(
        'a Stage cannot take Freight from itself',
      );
    });

    it('sources without direct or stages, MatchUpstream misuse, duplicate origins, no freight', () => {
      const chart = newChart('demo');
      const wh = warehouse(chart, 'app');
      new Stage(chart, 'a', {
        metadata: { name: 'a' },
        requestedFreight: [
          { origin: wh, sources: {} },
          {
            origin: 'app',
            sources: { direct: true, autoPromotionOptions: { selectionPolicy: 'MatchUpstream' } },
          },
        ],
      });
      new Stage(chart, 'b', { metadata: { name: 'b' } });
      const message = synthError(chart);
      expect(errorLine(message, 'test/a', 'spec.requestedFreight[0].sources')).toBe(
        'set direct: true or name at least one upstream Stage in stages, otherwise the Stage never receives Freight',
      );
      expect(errorLine(message, 'test/a', 'spec.requestedFreight[1].origin.name')).toBe(
        'Warehouse "app" is already requested in spec.requestedFreight[0]',
      );
      expect(
        errorLine(message, 'test/a', 'spec.requestedFreight[1].sources.autoPromotionOptions.selectionPolicy'),
      ).toBe('MatchUpstream requires exactly one upstream Stage and direct unset');
      expect(errorLine(message, 'test/b', 'spec.requestedFreight')).toBe(
        'a Stage needs at least one requested Freight origin (pass requestedFreight or call requestFreight())',
      );
    });

    it('duplicate and reserved step aliases', () => {
      const chart = newChart('demo');
      const wh = warehouse(chart);
      new Stage(chart, 'test', {
        requestedFreight: [{ origin: wh, sources: { direct: true } }],
        promotionTemplate: {
          steps: [
            Step.gitCommit({ path: '.', message: 'm' }, { as: 'commit' }),
            Step.gitPush({ path: '.' }, { as: 'commit' }),
            Step.gitPush({ path: '.' }, { as: 'step-3' }),
            Step.task('t', { as: 'task-1' }),
          ],
        },
      });
      const message = synthError(chart);
      expect(errorLine(message, 'test/test', 'spec.promotionTemplate.spec.steps[1].as')).toBe(
        'alias "commit" is already used by spec.promotionTemplate.spec.steps[0]; step aliases must be unique',
      );
      expect(errorLine(message, 'test/test', 'spec.promotionTemplate.spec.steps[2].as')).toBe(
        'alias "step-3" is reserved by Kargo (step-<n> and task-<n> name unaliased steps); choose another alias',
      );
      expect(errorLine(message, 'test/test', 'spec.promotionTemplate.spec.steps[3].as')).toBe(
        'alias "task-1" is reserved by Kargo (step-<n> and task-<n> name unaliased steps); choose another alias',
      );
    });

    it('step configs against the step schemas (expressions accepted in typed fields)', () => {
      const chart = newChart('demo');
      const wh = warehouse(chart);
      new Stage(chart, 'test', {
        vars: { pr: '42' },
        requestedFreight: [{ origin: wh, sources: { direct: true } }],
        promotionTemplate: {
          steps: [
            Step.gitClone({
              repoURL: 'https://github.com/acme/deploy',
              checkout: [{ branch: 'main', tag: 'v1', path: '.' }],
            }),
            Step.gitWaitForPR({ repoURL: 'https://github.com/acme/deploy', prNumber: vars('pr') }),
            Step.custom('git-push', { path: '.', targetBranch: 'main', bogus: true }),
            Step.custom('helm-update-image', { images: [] }),
            Step.custom('enterprise-only-step', { anything: true }),
          ],
        },
      });
      const message = synthError(chart);
      expect(
        errorLine(message, 'test/test', 'spec.promotionTemplate.spec.steps[0].config.checkout[0]'),
      ).toMatch(/branch|tag/);
      expect(message).not.toContain('steps[1]');
      expect(errorLine(message, 'test/test', 'spec.promotionTemplate.spec.steps[2].config.bogus')).toContain(
        'unknown field',
      );
      expect(errorLine(message, 'test/test', 'spec.promotionTemplate.spec.steps[3].uses')).toBe(
        'step "helm-update-image" was removed in Kargo v1.3; use yaml-update to set image values in a values file',
      );
      expect(message).not.toContain('steps[4]');
    });

    it('task steps: unknown tasks, tasks in another project, missing required vars', () => {
      const chart = newChart('demo');
      const wh = warehouse(chart);
      const task = new PromotionTask(chart, 'task', {
        metadata: { name: 'update' },
        vars: { repoURL: undefined, branch: undefined, path: './src' },
        steps: [Step.http({ url: 'https://example.com' })],
      });
      const foreign = new PromotionTask(siblingChart(chart, 'other', 'other'), 'foreign', {
        metadata: { name: 'foreign' },
        steps: [Step.http({ url: 'https://example.com' })],
      });
      new Stage(chart, 'test', {
        vars: { branch: 'main' },
        requestedFreight: [{ origin: wh, sources: { direct: true } }],
        promotionTemplate: {
          steps: [Step.task(task), Step.task('missing'), Step.task(foreign), Step.task('shared-missing')],
        },
      });
      const message = synthError(chart);
      expect(errorLine(message, 'test/test', 'spec.promotionTemplate.spec.steps[0].vars')).toBe(
        'PromotionTask "update" requires var(s) "repoURL"; pass them in the step\'s vars (or as template or Stage vars)',
      );
      expect(errorLine(message, 'test/test', 'spec.promotionTemplate.spec.steps[1].task.name')).toBe(
        'PromotionTask "missing" is not defined in this app (namespace "demo"); define it, or reference an external one with PromotionTask.fromPromotionTaskName()',
      );
      expect(errorLine(message, 'test/test', 'spec.promotionTemplate.spec.steps[2].task.name')).toContain(
        'PromotionTask "foreign" is not defined in this app (namespace "demo")',
      );
    });

    it('verification: undeclared and missing arguments, empty values, templates from another namespace', () => {
      const chart = newChart('demo');
      const wh = warehouse(chart);
      const template = checkTemplate(chart);
      const foreign = new AnalysisTemplate(siblingChart(chart, 'other', 'other'), 'foreign', {
        metadata: { name: 'foreign' },
        metrics: [
          {
            name: 'm',
            provider: MetricProvider.job({ container: { image: 'busybox:1.36', command: ['true'] } }),
          },
        ],
      });
      new Stage(chart, 'test', {
        requestedFreight: [{ origin: wh, sources: { direct: true } }],
        verification: { analysisTemplates: [template, foreign, 'check'], args: { version: '1', env: '' } },
      });
      const message = synthError(chart);
      expect(errorLine(message, 'test/test', 'spec.verification.args[0].name')).toBe(
        'argument "version" is not declared by AnalysisTemplate "check" (declared: "env", "tag")',
      );
      expect(errorLine(message, 'test/test', 'spec.verification.args')).toBe(
        'AnalysisTemplate "check" requires argument(s) "tag" (declared without a default)',
      );
      expect(errorLine(message, 'test/test', 'spec.verification.args[1].value')).toBe(
        'argument "env" has an empty value; Kargo drops empty values, so pass a non-empty value or leave the argument out',
      );
      expect(errorLine(message, 'test/test', 'spec.verification.analysisTemplates[1].name')).toBe(
        'AnalysisTemplate "foreign" is in another namespace; it must live in the Stage\'s project namespace "demo"',
      );
    });

    it('an empty promotion template and CRD rules (var names)', () => {
      const chart = newChart('demo');
      const wh = warehouse(chart);
      new Stage(chart, 'test', {
        vars: { 'bad-name': 'x' },
        requestedFreight: [{ origin: wh, sources: { direct: true, requiredSoakTime: '2d' } }],
        promotionTemplate: { steps: [] },
      });
      const message = synthError(chart);
      expect(errorLine(message, 'test/test', 'spec.promotionTemplate.spec.steps')).toContain(
        'at least one step',
      );
      expect(errorLine(message, 'test/test', 'spec.vars[0].name')).toContain('"bad-name"');
      expect(errorLine(message, 'test/test', 'spec.requestedFreight[0].sources.requiredSoakTime')).toContain(
        '"2d"',
      );
    });
  });
});
