import { describe, expect, it } from 'vitest';
import {
  DAY,
  dispatchOf,
  EvaluationError,
  HOUR,
  ManifestError,
  MINUTE,
  parseManifests,
  type SimulationResult,
  simulate,
} from '../src/index.js';

const REPO = 'docker.io/library/python';

function warehouse(name: string, interval: string, extra = ''): string {
  return `apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: ${name}, namespace: p }
spec:
  interval: ${interval}
  subscriptions:
    - image: { repoURL: ${REPO}, imageSelectionStrategy: Digest, constraint: "3.12-slim" }
${extra}`;
}

function stage(name: string, origin: string, sources: string, extra = ''): string {
  return `apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: ${name}, namespace: p }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: ${origin} }
      sources: ${sources}
${extra}`;
}

function policies(...stages: string[]): string {
  return `apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata: { name: p, namespace: p }
spec:
  promotionPolicies:
${stages.map((s) => `    - { stageSelector: { name: ${s} }, autoPromotionEnabled: true }`).join('\n')}`;
}

function docs(...parts: string[]): string {
  return parts.join('\n---\n');
}

const pushesEvery = (every: number, until: number, start = every) => {
  const out = [];
  for (let at = start; at < until; at += every) out.push({ at, repoURL: REPO, tag: '3.12-slim' });
  return out;
};

const promoted = (result: SimulationResult, stageName: string) =>
  result.promotions.filter((p) => p.stage === stageName && p.phase === 'Succeeded');

describe('Warehouse discovery (pkg/controller/warehouses/warehouses.go)', () => {
  const project = parseManifests(docs(warehouse('w', '24h0m0s')));

  it('discovers at once, then every interval, and creates Freight only for new artifacts', () => {
    const result = simulate({
      project,
      horizon: 4 * DAY,
      pushes: [
        { at: HOUR, repoURL: REPO, tag: '3.12-slim' },
        { at: 2 * HOUR, repoURL: REPO, tag: '3.12-slim' },
        { at: 25 * HOUR, repoURL: REPO, tag: '3.12-slim' },
      ],
    });
    // Seeded digest at 0; the 2h digest (the 1h one was never seen) at 24h; the 25h digest at 48h; nothing new at 72h and 96h.
    expect(result.freight.map((f) => f.discoveredAt)).toEqual([0, DAY, 2 * DAY]);
    const second = result.freight[1];
    const pushed = result.timeline.flatMap((e) => (e.kind === 'push' && e.at === 2 * HOUR ? [e.digest] : []));
    expect(second?.images[0]?.digest).toBe(pushed[0]);
    expect(pushed).toHaveLength(1);
  });

  it('creates no Freight when freightCreationCriteria is false', () => {
    const criteria = parseManifests(
      docs(
        warehouse(
          'w',
          '1h0m0s',
          '  freightCreationCriteria:\n    expression: imageFrom("docker.io/library/python").Tag == "nope"',
        ),
      ),
    );
    expect(simulate({ project: criteria, horizon: DAY }).freight).toEqual([]);
    const open = parseManifests(
      docs(
        warehouse(
          'w',
          '1h0m0s',
          '  freightCreationCriteria:\n    expression: imageFrom("docker.io/library/python").Tag == "3.12-slim"',
        ),
      ),
    );
    expect(simulate({ project: open, horizon: DAY }).freight).toHaveLength(1);
  });

  it('models no Freight while a subscription finds nothing', () => {
    expect(simulate({ project, horizon: DAY, seed: false }).freight).toEqual([]);
  });
});

describe('Stages, soak and auto-promotion (api/v1alpha1/freight_types.go, stage_types.go, pkg/api/auto_promotion.go)', () => {
  const manifests = (soak: string, auto = ['base', 'rebuild']) =>
    parseManifests(
      docs(
        warehouse('w', '5m0s'),
        stage('base', 'w', '{ direct: true }'),
        stage('rebuild', 'w', `{ stages: [base], requiredSoakTime: ${soak} }`),
        policies(...auto),
      ),
    );

  it('auto-promotes every new Freight into a direct Stage', () => {
    const result = simulate({
      project: manifests('168h0m0s'),
      horizon: 10 * DAY,
      pushes: pushesEvery(2 * DAY, 10 * DAY),
    });
    expect(promoted(result, 'base')).toHaveLength(5);
  });

  it('needs a continuous stay: a base replaced every 2 days never soaks 7 days', () => {
    const result = simulate({
      project: manifests('168h0m0s'),
      horizon: 60 * DAY,
      pushes: pushesEvery(2 * DAY, 60 * DAY),
    });
    // 2 + 2 + ... days in the Stage add up to far more than 7 days, but no single stay does.
    expect(promoted(result, 'rebuild')).toEqual([]);
  });

  it('promotes downstream once a Freight has stayed the soak time, and then only newer Freight', () => {
    const result = simulate({
      project: manifests('168h0m0s'),
      horizon: 30 * DAY,
      pushes: [
        { at: DAY, repoURL: REPO, tag: '3.12-slim' },
        { at: 3 * DAY, repoURL: REPO, tag: '3.12-slim' },
      ],
    });
    const rebuilds = promoted(result, 'rebuild');
    // The seed Freight stayed 1 day, the first push 2 days, the second soaks 7 days from its promotion.
    expect(rebuilds).toHaveLength(1);
    const last = result.freight.at(-1);
    expect(rebuilds[0]?.freight).toBe(last?.name);
    expect(rebuilds[0]?.createdAt).toBeGreaterThanOrEqual((last?.discoveredAt ?? 0) + 7 * DAY);
    expect(rebuilds[0]?.createdAt).toBeLessThanOrEqual((last?.discoveredAt ?? 0) + 7 * DAY + 6 * MINUTE);
  });

  it('promotes nothing without an auto-promotion policy', () => {
    const result = simulate({
      project: manifests('1h0m0s', ['base']),
      horizon: 5 * DAY,
      pushes: pushesEvery(DAY, 5 * DAY),
    });
    expect(promoted(result, 'base').length).toBeGreaterThan(0);
    expect(promoted(result, 'rebuild')).toEqual([]);
  });

  it('makes Freight available downstream only when verification passes', () => {
    const project = parseManifests(
      docs(
        warehouse('w', '5m0s'),
        stage('base', 'w', '{ direct: true }', '  verification:\n    analysisTemplates: [{ name: check }]'),
        stage('next', 'w', '{ stages: [base] }'),
        policies('base', 'next'),
      ),
    );
    const failing = simulate({ project, horizon: DAY, verification: () => 'fail' });
    expect(promoted(failing, 'base')).toHaveLength(1);
    expect(promoted(failing, 'next')).toEqual([]);
    const passing = simulate({ project, horizon: DAY, verification: () => 'pass' });
    expect(promoted(passing, 'next')).toHaveLength(1);
  });
});

describe('Promotion steps, dispatches and the CI model', () => {
  const dispatchStage = (body: string) =>
    stage(
      'rebuild-app',
      'w',
      '{ stages: [base], requiredSoakTime: 1h0m0s }',
      `  promotionTemplate:
    spec:
      steps:
        - uses: http
          as: dispatch
          config:
            method: POST
            url: https://api.github.com/repos/acme/state/actions/workflows/build-app.yml/dispatches
            headers: [{ name: Authorization, value: 'Bearer \${{ secret("token").token }}' }]
            body: '${body}'`,
    );
  const app = `apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: image-app, namespace: p }
spec:
  interval: 5m0s
  subscriptions:
    - image: { repoURL: ghcr.io/acme/app, imageSelectionStrategy: SemVer, constraint: ">=1.0.0", strictSemvers: true }`;
  // `${% %}` delimiters: the expression holds `}}`, which would end a `${{ }}` template early.
  const pinned =
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Kargo expression
    '${% quote({"ref": "main", "inputs": {"pins": toJSON({"docker.io/library/python:3.12-slim": imageFrom("docker.io/library/python", warehouse("w")).Digest})}}) %}';

  it('evaluates the body with the Freight, reads the pins and builds a new version', () => {
    const project = parseManifests(
      docs(
        warehouse('w', '5m0s'),
        app,
        stage('base', 'w', '{ direct: true }'),
        dispatchStage(pinned),
        policies('base', 'rebuild-app'),
      ),
    );
    const result = simulate({ project, horizon: DAY });
    expect(result.promotions.filter((p) => p.phase !== 'Succeeded')).toEqual([]);
    expect(result.dispatches).toHaveLength(1);
    const [dispatch] = result.dispatches;
    const freight = result.freight.find((f) => f.origin === 'w');
    const digest = freight?.images[0]?.digest ?? '';
    expect(dispatch?.pins).toEqual({ 'docker.io/library/python:3.12-slim': digest });
    expect(JSON.parse(dispatch?.body ?? '')).toEqual({
      ref: 'main',
      // expr-lang's toJSON indents by two spaces.
      inputs: { pins: JSON.stringify({ 'docker.io/library/python:3.12-slim': digest }, null, 2) },
    });
    // The CI model pushes the next version of the image with the pins annotation, 30 minutes later.
    expect(result.builds.map((b) => [b.repoURL, b.tag])).toEqual([['ghcr.io/acme/app', '1.0.1']]);
    const rebuiltFreight = result.freight.find(
      (f) => f.origin === 'image-app' && f.images[0]?.tag === '1.0.1',
    );
    expect(rebuiltFreight?.images[0]?.annotations['io.github.image-factory.pins']).toBe(
      dispatch?.body && JSON.stringify(dispatch.pins),
    );
    // No credential is evaluated into a step.
    expect(JSON.stringify(result.promotions)).toContain('Bearer <secret>');
  });

  it('reports a dispatch without pins as unpinned', () => {
    const project = parseManifests(
      docs(
        warehouse('w', '5m0s'),
        app,
        stage('base', 'w', '{ direct: true }'),
        dispatchStage('{"ref":"main"}'),
        policies('base', 'rebuild-app'),
      ),
    );
    const [dispatch] = simulate({ project, horizon: DAY }).dispatches;
    expect(dispatch?.pins).toBeUndefined();
  });

  it('errors a Promotion whose step Kargo cannot evaluate, and does not retry it', () => {
    const project = parseManifests(
      docs(
        warehouse('w', '5m0s'),
        app,
        stage('base', 'w', '{ direct: true }'),
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Kargo expression
        dispatchStage('${{ quote(imageFrom("ghcr.io/elsewhere").Digest) }}'),
        policies('base', 'rebuild-app'),
      ),
    );
    const result = simulate({ project, horizon: DAY });
    const errored = result.promotions.filter((p) => p.stage === 'rebuild-app');
    expect(errored.map((p) => p.phase)).toEqual(['Errored']);
    expect(result.dispatches).toEqual([]);
  });
});

describe('the simulation', () => {
  const project = parseManifests(
    docs(
      warehouse('w', '5m0s'),
      stage('base', 'w', '{ direct: true }'),
      stage('next', 'w', '{ stages: [base], requiredSoakTime: 24h0m0s }'),
      policies('base', 'next'),
    ),
  );

  it('is deterministic', () => {
    const run = () =>
      JSON.stringify(simulate({ project, horizon: 20 * DAY, pushes: pushesEvery(3 * DAY, 20 * DAY) }));
    expect(run()).toBe(run());
  });

  it('is bounded by maxEvents', () => {
    const result = simulate({ project, horizon: 365 * DAY, maxEvents: 1000 });
    expect(result.truncated).toBe(true);
    expect(result.events).toBe(1001);
  });

  it('refuses manifests it cannot model, naming the object', () => {
    expect(() => parseManifests(docs(stage('s', 'missing', '{ direct: true }')))).toThrow(ManifestError);
    expect(() =>
      parseManifests(
        'kind: Warehouse\nmetadata: { name: w }\nspec:\n  subscriptions:\n    - chart: { repoURL: oci://x }\n',
      ),
    ).toThrow(/Warehouse\/w.spec.subscriptions\[0\]/);
  });
});

describe('dispatchOf', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const pins = JSON.stringify({ 'docker.io/library/alpine:3.20': digest });

  it('reads the IMAGE_FACTORY_PINS variable of a GitLab pipeline', () => {
    const dispatch = dispatchOf({
      method: 'POST',
      url: 'https://gitlab.com/api/v4/projects/data%2Fingest/pipeline',
      body: JSON.stringify({ ref: 'stable', variables: [{ key: 'IMAGE_FACTORY_PINS', value: pins }] }),
    });
    expect(dispatch).toMatchObject({ provider: 'gitlab', pins: { 'docker.io/library/alpine:3.20': digest } });
  });

  it('ignores other http steps and refuses pins that are not digests', () => {
    expect(dispatchOf({ method: 'GET', url: 'https://example.com/health' })).toBeUndefined();
    const url = 'https://api.github.com/repos/a/b/actions/workflows/x.yml/dispatches';
    expect(() =>
      dispatchOf({ url, body: JSON.stringify({ ref: 'main', inputs: { pins: '{"x:1":"latest"}' } }) }),
    ).toThrow(EvaluationError);
    expect(() =>
      dispatchOf({ url, body: JSON.stringify({ ref: 'main', inputs: { pins: { 'x:1': digest } } }) }),
    ).toThrow(/not a string/);
  });

  it('reads pins as strictly as the generated build workflow: blank is unpinned, a familiar name is refused', () => {
    const url = 'https://api.github.com/repos/a/b/actions/workflows/x.yml/dispatches';
    const withPins = (value: string) =>
      dispatchOf({ url, body: JSON.stringify({ ref: 'main', inputs: { pins: value } }) });
    expect(withPins('')?.pins).toBeUndefined();
    expect(() => withPins(JSON.stringify({ 'alpine:3.20': digest }))).toThrow(
      'pins key "alpine:3.20" is not a normalized image reference',
    );
    expect(() => withPins('{}')).toThrow('pins is an empty object');
  });
});
