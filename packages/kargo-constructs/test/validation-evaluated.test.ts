// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ … }}` strings
import { describe, expect, it } from 'vitest';
import {
  AnalysisTemplate,
  commitFrom,
  Expr,
  imageFrom,
  MetricProvider,
  PromotionTask,
  quote,
  Stage,
  Step,
  Subscription,
  Warehouse,
} from '../src/index.js';
import { evaluatedStepConfigIssues, validateManifest } from '../src/validation/index.js';
import { errorLine, newChart, synth, synthError } from './helpers.js';

const APP = 'ghcr.io/acme/app';

/** The http body the factory generated before it was fixed (issue 14), as written in the manifest. */
const OLD_DISPATCH_BODY =
  '{"ref":"main","inputs":{"reason":"base image ${{ ctx.targetFreight.origin.name }} changed (Kargo promotion ${{ ctx.promotion }})","increment":"patch"}}';

function stage(
  steps: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind: 'Stage',
    metadata: { name: 'rebuild-app', namespace: 'factory' },
    spec: {
      requestedFreight: [{ origin: { kind: 'Warehouse', name: 'base-debian' }, sources: { direct: true } }],
      promotionTemplate: { spec: { steps } },
      ...extra,
    },
  };
}

const http = (body: string, as = 'dispatch') => ({
  uses: 'http',
  as,
  config: { method: 'POST', url: 'https://api.github.com/x', body },
});

describe('step configs after a simulated evaluation (validateManifest)', () => {
  it('rejects the old dispatch body: Kargo turns the JSON text into an object, http wants a string', () => {
    const issues = validateManifest(stage([http(OLD_DISPATCH_BODY)]));
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    expect(issue?.path).toBe('spec.promotionTemplate.spec.steps[0].config.body');
    expect(issue?.rule).toBe('evaluated-schema');
    expect(issue?.message).toMatch(/^Stage "rebuild-app", step "dispatch" \(http\), field body: /);
    expect(issue?.message).toContain('expected a string, got object');
    expect(issue?.message).toContain('it is valid JSON');
    expect(issue?.message).toContain('quote(');
  });

  it('rejects an unquoted tag where a string is required, and names the tag that breaks it', () => {
    const step = {
      uses: 'kustomize-set-image',
      as: 'update',
      config: { path: './out', images: [{ image: APP, tag: '${{ imageFrom("ghcr.io/acme/app").Tag }}' }] },
    };
    const [issue, ...rest] = validateManifest(stage([step]));
    expect(rest).toEqual([]);
    expect(issue?.path).toBe('spec.promotionTemplate.spec.steps[0].config.images[0].tag');
    const message = issue?.message ?? '';
    expect(message).toContain('step "update" (kustomize-set-image), field images[0].tag');
    expect(message).toContain('expected a string, got number 1.2');
    expect(message).toContain('image tag 1.20');
    expect(message).toContain('Go parses it as a number');
    const quoted = {
      ...step,
      config: { path: './out', images: [{ image: APP, tag: quote(imageFrom(APP).expr.get('Tag')) }] },
    };
    expect(validateManifest(stage([quoted]))).toEqual([]);
  });

  it('rejects a value whose type depends on the tag where the schema accepts anything (yaml-update value)', () => {
    const step = {
      uses: 'yaml-update',
      as: 'update',
      config: {
        path: 'values.yaml',
        updates: [{ key: 'image.tag', value: '${{ imageFrom("ghcr.io/acme/app").Tag }}' }],
      },
    };
    const [issue, ...rest] = validateManifest(stage([step]));
    expect(rest).toEqual([]);
    expect(issue?.path).toBe('spec.promotionTemplate.spec.steps[0].config.updates[0].value');
    expect(issue?.rule).toBe('evaluated-type');
    expect(issue?.message).toContain('depends on the data');
    expect(issue?.message).toContain('number 1.2');
    expect(issue?.message).toContain('with image tag 3.12-slim it is string "3.12-slim"');
    // Text around the expression keeps it a string in every world.
    const around = {
      ...step,
      config: { ...step.config, updates: [{ key: 'image', value: `${APP}:${imageFrom(APP).tag}` }] },
    };
    expect(validateManifest(stage([around]))).toEqual([]);
  });

  it('requires a step "if" to evaluate to a boolean', () => {
    const withIf = (condition: string) => ({ ...http('{}', 'notify'), if: condition });
    const vars = {
      vars: [
        { name: 'enabled', value: 'yes' },
        { name: 'on', value: 'true' },
      ],
    };
    const [issue] = validateManifest(stage([withIf('${{ vars.enabled }}')], vars));
    expect(issue?.path).toBe('spec.promotionTemplate.spec.steps[0].if');
    expect(issue?.message).toContain('"if" must evaluate to a boolean');
    expect(validateManifest(stage([withIf('${{ vars.on }}')], vars))).toEqual([]);
    expect(validateManifest(stage([withIf('${{ always() }}')], vars))).toEqual([]);
  });

  it('evaluates Stage and template variables in order, as Kargo does', () => {
    const step = {
      uses: 'http',
      as: 'notify',
      config: { url: 'https://example.com', timeout: '${{ vars.timeout }}' },
    };
    const spec = (timeout: string) => ({
      vars: [{ name: 'base', value: '30' }],
      promotionTemplate: { spec: { vars: [{ name: 'timeout', value: timeout }], steps: [step] } },
    });
    // `timeout` is a string in the http schema: "${{ vars.base }}s" stays text, "${{ vars.base }}" is 30.
    expect(validateManifest(stage([], spec('${{ vars.base }}s')))).toEqual([]);
    const issues = validateManifest(stage([], spec('${{ vars.base }}')));
    expect(issues.map((i) => i.path)).toEqual(['spec.promotionTemplate.spec.steps[0].config.timeout']);
  });

  it('reports templates Kargo cannot evaluate', () => {
    const issues = validateManifest(stage([http('${{ imageFrom("x").tag }}'), http('${{ "a" ', 'second')]));
    expect(issues.map((i) => [i.path, i.rule])).toEqual([
      ['spec.promotionTemplate.spec.steps[0].config.body', 'evaluation'],
      ['spec.promotionTemplate.spec.steps[1].config.body', 'evaluation'],
    ]);
    expect(issues[0]?.message).toContain('has no field tag');
    expect(issues[1]?.message).toContain('unclosed expression');
  });

  it('cannot see values it does not know (step outputs, ConfigMaps, task variables): no issue', () => {
    expect(validateManifest(stage([http('${{ outputs.build.body }}')]))).toEqual([]);
    expect(validateManifest(stage([http('${{ configMap("settings").payload }}')]))).toEqual([]);
    const task = {
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'PromotionTask',
      metadata: { name: 'notify', namespace: 'factory' },
      spec: { vars: [{ name: 'payload' }], steps: [http('${{ vars.payload }}')] },
    };
    expect(validateManifest(task)).toEqual([]);
    const known = {
      ...task,
      spec: { vars: [{ name: 'payload', value: '{"a":1}' }], steps: [http('${{ vars.payload }}')] },
    };
    expect(validateManifest(known).map((i) => i.message)).toEqual([
      expect.stringMatching(
        /^PromotionTask "notify", step "dispatch" \(http\), field body: after evaluation/,
      ),
    ]);
  });

  it('a quote()d map holding an image annotation is a string of unknown content (no marshal failure)', () => {
    const annotation = imageFrom(APP, { warehouseName: 'base-debian' }).expr.get(
      'Annotations',
      'io.github.image-factory.pins',
    );
    const body = quote(Expr.map({ ref: 'main', inputs: Expr.map({ pins: annotation }) }));
    expect(validateManifest(stage([http(body)]))).toEqual([]);
    // Unquoted, the same map is of unknown type after evaluation: still no issue, nothing is known.
    expect(validateManifest(stage([http(Expr.map({ pins: annotation }).render())]))).toEqual([]);
  });

  it('evaluatedStepConfigIssues returns nothing for a config without expressions', () => {
    expect(
      evaluatedStepConfigIssues('http', { url: 'https://x', body: '{"a":1}' }, 'config', 'step', {
        kind: 'promotion',
      }),
    ).toEqual([]);
  });
});

describe('verification arguments after a simulated evaluation', () => {
  function verified(
    args: Record<string, string>,
    vars: Record<string, string> = {},
  ): Record<string, unknown> {
    return {
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Stage',
      metadata: { name: 'analyze', namespace: 'factory' },
      spec: {
        vars: Object.entries(vars).map(([name, value]) => ({ name, value })),
        requestedFreight: [{ origin: { kind: 'Warehouse', name: 'image-app' }, sources: { direct: true } }],
        verification: {
          analysisTemplates: [{ name: 'check' }],
          args: Object.entries(args).map(([name, value]) => ({ name, value })),
        },
      },
    };
  }

  it('requires every argument to evaluate to a string (pkg/rollouts/analysis_run_builder.go)', () => {
    const [issue, ...rest] = validateManifest(verified({ tag: imageFrom(APP).tag }));
    expect(rest).toEqual([]);
    expect(issue?.path).toBe('spec.verification.args[0].value');
    expect(issue?.message).toMatch(/^Stage "analyze", verification argument "tag": Kargo evaluates/);
    expect(issue?.message).toContain('to number 1.2');
    expect(issue?.message).toContain('requires every argument to evaluate to a string');
  });

  it('accepts quoted tags, digests, commit ids, text and the Stage name', () => {
    const args = {
      tag: quote(imageFrom(APP).expr.get('Tag')),
      digest: imageFrom(APP).digest,
      commit: commitFrom('https://github.com/acme/app.git').id,
      reference: `${APP}:${imageFrom(APP).tag}`,
      stage: '${{ ctx.stage }}',
      project: '${{ ctx.project }}',
    };
    expect(validateManifest(verified(args))).toEqual([]);
  });

  it('knows that verification has no promotion context: ctx.promotion is nil there', () => {
    const [issue] = validateManifest(verified({ promotion: '${{ ctx.promotion }}' }));
    expect(issue?.message).toContain('to null (the text "null" is re-typed: it is valid JSON)');
  });

  it('evaluates the Stage variables the arguments read', () => {
    expect(
      validateManifest(verified({ n: '${{ vars.replicas }}' }, { replicas: '3' })).map((i) => i.path),
    ).toEqual(['spec.verification.args[0].value']);
    expect(validateManifest(verified({ n: '${{ quote(vars.replicas) }}' }, { replicas: '3' }))).toEqual([]);
  });
});

describe('constructs run the same checks at synth time', () => {
  it('a Stage with the old body fails synth with the Stage, the step alias and the field', () => {
    const chart = newChart('factory');
    const wh = new Warehouse(chart, 'wh', {
      metadata: { name: 'base-debian' },
      subscriptions: [Subscription.image({ repoURL: 'docker.io/library/debian' })],
    });
    new Stage(chart, 'rebuild', {
      metadata: { name: 'rebuild-app' },
      requestedFreight: [{ origin: wh, sources: { direct: true } }],
      promotionTemplate: {
        steps: [
          Step.http(
            { method: 'POST', url: 'https://api.github.com/x', body: OLD_DISPATCH_BODY },
            { as: 'dispatch' },
          ),
        ],
      },
    });
    const line = errorLine(
      synthError(chart),
      'test/rebuild',
      'spec.promotionTemplate.spec.steps[0].config.body',
    );
    expect(line).toMatch(
      /^Stage "rebuild-app", step "dispatch" \(http\), field body: after evaluation, expected a string/,
    );
  });

  it('a Stage whose verification passes an unquoted tag fails synth; quoted, it synthesizes', () => {
    const build = (tag: string) => {
      const chart = newChart('factory');
      const wh = new Warehouse(chart, 'wh', {
        metadata: { name: 'image-app' },
        subscriptions: [Subscription.image({ repoURL: APP })],
      });
      const template = new AnalysisTemplate(chart, 'check', {
        metadata: { name: 'check' },
        args: [{ name: 'tag' }],
        metrics: [
          {
            name: 'check',
            provider: MetricProvider.job({ container: { image: 'busybox:1.36', args: ['{{args.tag}}'] } }),
          },
        ],
      });
      new Stage(chart, 'analyze', {
        metadata: { name: 'analyze' },
        requestedFreight: [{ origin: wh, sources: { direct: true } }],
        promotionTemplate: {
          steps: [Step.setMetadata({ updates: [{ kind: 'Stage', name: 'x', values: { a: 'b' } }] })],
        },
        verification: { analysisTemplates: [template], args: { tag } },
      });
      return chart;
    };
    const line = errorLine(
      synthError(build(imageFrom(APP).tag)),
      'test/analyze',
      'spec.verification.args[0].value',
    );
    expect(line).toContain('verification argument "tag"');
    expect(synth(build(quote(imageFrom(APP).expr.get('Tag'))))).toHaveLength(3);
  });

  it('a PromotionTask step with a known default that becomes JSON fails synth', () => {
    const chart = newChart('factory');
    new PromotionTask(chart, 'notify', {
      metadata: { name: 'notify' },
      vars: { payload: '{"a":1}' },
      steps: [Step.http({ url: 'https://example.com', body: '${{ vars.payload }}' }, { as: 'post' })],
    });
    const line = errorLine(synthError(chart), 'test/notify', 'spec.steps[0].config.body');
    expect(line).toMatch(/^PromotionTask "notify", step "post" \(http\), field body: after evaluation/);
  });
});
