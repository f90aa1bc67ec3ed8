// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ … }}` strings
import { describe, expect, it } from 'vitest';
import {
  always,
  analysisArg,
  chartFrom,
  commitFrom,
  configMap,
  containsExpression,
  ctx,
  Expr,
  expr,
  failure,
  imageFrom,
  outputs,
  quote,
  secret,
  sharedConfigMap,
  sharedSecret,
  stepStatus,
  success,
  taskOutputs,
  vars,
} from '../src/index.js';

/** Kargo's template scanner: the first `${{`/`${%` and the first matching end delimiter after it. */
function kargoExpressions(template: string): string[] {
  const found: string[] = [];
  let rest = template;
  for (;;) {
    const starts = [
      { start: '${{', end: '}}', at: rest.indexOf('${{') },
      { start: '${%', end: '%}', at: rest.indexOf('${%') },
    ].filter((d) => d.at >= 0);
    if (starts.length === 0) return found;
    const d = starts.reduce((a, b) => (b.at < a.at ? b : a));
    const bodyStart = d.at + d.start.length;
    const endAt = rest.indexOf(d.end, bodyStart);
    if (endAt < 0) throw new Error('unclosed expression');
    found.push(rest.slice(bodyStart, endAt));
    rest = rest.slice(endAt + d.end.length);
  }
}

describe('Freight expression helpers', () => {
  it('imageFrom renders the artifact fields', () => {
    const image = imageFrom('ghcr.io/acme/app');
    expect(image.tag).toBe('${{ imageFrom("ghcr.io/acme/app").Tag }}');
    expect(image.digest).toBe('${{ imageFrom("ghcr.io/acme/app").Digest }}');
    expect(image.repoURL).toBe('${{ imageFrom("ghcr.io/acme/app").RepoURL }}');
    expect(image.annotation('org.opencontainers.image.source')).toBe(
      '${{ imageFrom("ghcr.io/acme/app").Annotations["org.opencontainers.image.source"] }}',
    );
  });

  it('passes an origin as warehouse("<name>") from a name, a Warehouse-like object or an origin object', () => {
    const expected = '${{ imageFrom("docker.io/library/python", warehouse("python-3-12-slim")).Digest }}';
    expect(imageFrom('docker.io/library/python', 'python-3-12-slim').digest).toBe(expected);
    expect(imageFrom('docker.io/library/python', { warehouseName: 'python-3-12-slim' }).digest).toBe(
      expected,
    );
    expect(
      imageFrom('docker.io/library/python', { kind: 'Warehouse', name: 'python-3-12-slim' }).digest,
    ).toBe(expected);
  });

  it('commitFrom and chartFrom render their fields', () => {
    const commit = commitFrom('https://github.com/acme/app.git', 'app');
    expect(commit.id).toBe('${{ commitFrom("https://github.com/acme/app.git", warehouse("app")).ID }}');
    expect(commit.branch).toBe(
      '${{ commitFrom("https://github.com/acme/app.git", warehouse("app")).Branch }}',
    );
    expect(commit.message).toContain('.Message }}');
    expect(chartFrom('oci://ghcr.io/acme/charts/app').version).toBe(
      '${{ chartFrom("oci://ghcr.io/acme/charts/app").Version }}',
    );
    expect(chartFrom('https://charts.example.com', 'app', 'charts').name).toBe(
      '${{ chartFrom("https://charts.example.com", "app", warehouse("charts")).Name }}',
    );
  });

  it('composes with Expr: a variable as repository and a default for nil', () => {
    expect(imageFrom(Expr.vars('imageRepo')).tag).toBe('${{ imageFrom(vars.imageRepo).Tag }}');
    expect(imageFrom('ghcr.io/acme/app').expr.get('Tag').orElse('latest').render()).toBe(
      '${{ (imageFrom("ghcr.io/acme/app").Tag ?? "latest") }}',
    );
  });

  it('rejects a rendered expression passed where a literal is expected', () => {
    expect(() => imageFrom(vars('imageRepo'))).toThrow(
      '"${{ vars.imageRepo }}" looks like a rendered expression, but a literal value is expected here',
    );
  });
});

describe('variables, outputs, secrets and context', () => {
  it('vars: property and call forms', () => {
    expect(vars.imageRepo).toBe('${{ vars.imageRepo }}');
    expect(vars('imageRepo')).toBe('${{ vars.imageRepo }}');
    expect(vars('settings', 'region')).toBe('${{ vars.settings.region }}');
    expect(() => vars['my-var']).toThrow('variable name "my-var" is not a valid identifier');
  });

  it('outputs: bracket access for aliases that are not identifiers, dot access otherwise', () => {
    expect(outputs('open-pr').pr).toBe('${{ outputs["open-pr"].pr }}');
    expect(outputs('open-pr')('pr', 'id')).toBe('${{ outputs["open-pr"].pr.id }}');
    expect(outputs('clone')('commits', 'src')).toBe('${{ outputs.clone.commits.src }}');
    expect(outputs('x')('items', 0)).toBe('${{ outputs.x.items[0] }}');
    expect(taskOutputs('push').branch).toBe('${{ task.outputs.push.branch }}');
  });

  it('secret and configMap accessors', () => {
    expect(secret('github-token').token).toBe('${{ secret("github-token").token }}');
    expect(secret('creds')['api-key']).toBe('${{ secret("creds")["api-key"] }}');
    expect(sharedSecret('s').password).toBe('${{ sharedSecret("s").password }}');
    expect(configMap('settings').region).toBe('${{ configMap("settings").region }}');
    expect(sharedConfigMap('settings').region).toBe('${{ sharedConfigMap("settings").region }}');
  });

  it('ctx has the promotion context fields', () => {
    expect(ctx.stage).toBe('${{ ctx.stage }}');
    expect(ctx.project).toBe('${{ ctx.project }}');
    expect(ctx.targetFreight.origin.name).toBe('${{ ctx.targetFreight.origin.name }}');
    expect(ctx.meta.promotion.actor).toBe('${{ ctx.meta.promotion.actor }}');
    expect(`stage/${ctx.stage}`).toBe('stage/${{ ctx.stage }}');
  });

  it('status functions and quote()', () => {
    expect(always()).toBe('${{ always() }}');
    expect(failure()).toBe('${{ failure() }}');
    expect(success()).toBe('${{ success() }}');
    expect(stepStatus('push')).toBe('${{ status("push") }}');
    expect(quote(Expr.vars('tag'))).toBe('${{ quote(vars.tag) }}');
    expect(quote('1.20')).toBe('${{ quote("1.20") }}');
    expect(quote(42)).toBe('${{ quote(42) }}');
  });

  it('uses bracket access for expr-lang keywords', () => {
    expect(Expr.ctx('meta').get('in', 'ok').code).toBe('ctx.meta["in"].ok');
  });
});

describe('literal quoting', () => {
  it.each([
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['line\nbreak\ttab', '"line\\u000abreak\\u0009tab"'],
    ['a}}b', '"a\\u007d\\u007db"'],
    ['${{ secret("x").y }}', '"$\\u007b\\u007b secret(\\"x\\").y \\u007d\\u007d"'],
    ['ünïcødé 🚀', '"ünïcødé 🚀"'],
  ])('%j -> %s', (value, code) => {
    expect(Expr.literal(value).code).toBe(code);
    expect(JSON.parse(Expr.literal(value).code)).toBe(value);
  });

  it.each([
    'x"}}) || secret("gh").token || ("',
    '}}${{ ctx.stage }}',
    '%}${% evil %}',
    '\u2028\u2029\0',
    '"\\"\\\\"',
  ])('user data %j cannot end the expression or add code', (value) => {
    const literalOnly = Expr.call('imageFrom', Expr.literal(value)).get('Tag').render();
    const templates = containsExpression(value) ? [literalOnly] : [literalOnly, imageFrom(value).tag];
    for (const template of templates) {
      const found = kargoExpressions(template);
      expect(found).toHaveLength(1);
      expect(template).toBe(`\${{${found[0]}}}`);
    }
    const body = kargoExpressions(literalOnly)[0] as string;
    const literal = body
      .trim()
      .replace(/^imageFrom\(/, '')
      .replace(/\)\.Tag$/, '');
    expect(JSON.parse(literal)).toBe(value);
  });

  it('numbers, booleans and null', () => {
    expect(Expr.literal(3).code).toBe('3');
    expect(Expr.literal(true).code).toBe('true');
    expect(Expr.literal(null).code).toBe('nil');
    expect(() => Expr.literal(Number.NaN)).toThrow('Expr.literal: NaN is not a finite number');
  });
});

describe('Expr rendering', () => {
  it('uses ${% %} when the code contains }}, and fails when it contains both delimiters', () => {
    expect(expr('{"a": {"b": 1}}')).toBe('${% {"a": {"b": 1}} %}');
    expect(() => Expr.raw('{"a": {"b": "%}"}}').render()).toThrow('contains both "}}" and "%}"');
  });

  it('validates function and variable names', () => {
    expect(() => Expr.call('imageFrom(x); y', 'a')).toThrow(
      'function name "imageFrom(x); y" is not a valid identifier',
    );
    expect(() => Expr.raw('  ')).toThrow('Expr.raw: expression code must not be empty');
  });

  it('serializes to its rendered string', () => {
    expect(JSON.stringify({ v: Expr.vars('x') })).toBe('{"v":"${{ vars.x }}"}');
    expect(`${Expr.ctx('stage')}`).toBe('${{ ctx.stage }}');
  });

  it('containsExpression and analysisArg', () => {
    expect(containsExpression('v${{ vars.x }}')).toBe(true);
    expect(containsExpression('${% x %}')).toBe(true);
    expect(containsExpression('{{args.x}}')).toBe(false);
    expect(analysisArg('source-repo')).toBe('{{args.source-repo}}');
    expect(() => analysisArg('a b')).toThrow('analysis argument name "a b" must match');
  });
});
