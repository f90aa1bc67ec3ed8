// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ }}` strings
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ARGO_ROLLOUTS_VERSION,
  applyDefaults,
  formatIssue,
  KARGO_VERSION,
  validateManifest,
  validateManifests,
} from '../src/validation/index.js';
import { fixture, loadValidFixtures } from './fixtures/validation/load.js';

type Manifest = Record<string, any>;
const pkgDir = join(import.meta.dirname, '..');
const lines = (m: unknown): string[] => validateManifest(m).map(formatIssue);
const kargo = (kind: string, name: string, spec?: unknown, namespace: string | null = 'demo'): Manifest => ({
  apiVersion: 'kargo.akuity.io/v1alpha1',
  kind,
  metadata: namespace === null ? { name } : { name, namespace },
  ...(spec === undefined ? {} : { spec }),
});
const warehouse = (spec: Record<string, unknown> = {}): Manifest =>
  kargo('Warehouse', 'app', { subscriptions: [{ image: { repoURL: 'ghcr.io/acme/app' } }], ...spec });
const condition = (type: string, extra: Record<string, unknown> = {}) => ({
  type,
  status: 'True',
  reason: 'Ready',
  message: 'ok',
  lastTransitionTime: '2025-01-01T00:00:00Z',
  ...extra,
});

describe('validateManifest: the vendored example manifests', () => {
  const fixtures = loadValidFixtures();

  it('covers every kind the validator knows', () => {
    expect([...new Set(fixtures.map(({ doc }) => doc.kind))].sort()).toEqual([
      'AnalysisTemplate',
      'ClusterAnalysisTemplate',
      'ClusterConfig',
      'ClusterPromotionTask',
      'ConfigMap',
      'Freight',
      'Namespace',
      'Project',
      'ProjectConfig',
      'Promotion',
      'PromotionTask',
      'Secret',
      'ServiceAccount',
      'Stage',
      'Warehouse',
    ]);
  });

  for (const { file, doc } of fixtures) {
    it(`${file}: ${doc.kind}/${doc.metadata.name} is valid`, () => {
      expect(validateManifest(doc)).toEqual([]);
    });
  }

  it('rejects an unknown field added to any object of the examples, except in maps and open step configs', () => {
    const accepted: string[] = [];
    for (const { file, doc } of fixtures) {
      const visit = (node: unknown, path: string): void => {
        if (Array.isArray(node)) {
          node.forEach((item, i) => {
            visit(item, `${path}[${i}]`);
          });
          return;
        }
        if (!node || typeof node !== 'object') return;
        const obj = node as Record<string, unknown>;
        obj.zzUnknown = 'x';
        const fieldPath = path ? `${path}.zzUnknown` : 'zzUnknown';
        const hit = validateManifest(doc).some((i) => i.path === fieldPath || i.path === path);
        delete obj.zzUnknown;
        if (!hit) accepted.push(`${file} ${doc.kind} ${path}`);
        for (const [key, child] of Object.entries(obj)) visit(child, path ? `${path}.${key}` : key);
      };
      visit(doc, '');
    }
    expect(accepted).toEqual([
      'analysis.yaml AnalysisTemplate spec.metrics[0].provider.job.metadata.labels',
      'analysis.yaml AnalysisTemplate spec.metrics[0].provider.job.spec.template.spec.containers[0].resources.limits',
      'project.yaml Namespace metadata.labels',
      'project.yaml Project metadata.annotations',
      'project.yaml ProjectConfig spec.promotionPolicies[1].stageSelector.matchLabels',
      'project.yaml Secret metadata.labels',
      'project.yaml Secret stringData',
      'project.yaml Secret data',
      'project.yaml ConfigMap data',
      'stage.yaml Stage metadata.labels',
      'stage.yaml Stage spec.promotionTemplate.spec.steps[9].config.updates[0].values',
      'stage.yaml Stage spec.promotionTemplate.spec.steps[10].config',
      'stage.yaml Stage spec.verification.analysisRunMetadata.labels',
      'tasks.yaml PromotionTask spec.steps[1].config',
    ]);
  });

  it('does not modify its input', () => {
    const doc = fixture('Warehouse');
    delete doc.spec.interval;
    const before = structuredClone(doc);
    validateManifest(doc);
    expect(doc).toEqual(before);
  });
});

describe('applyDefaults', () => {
  it('fills CRD defaults like the apiserver and leaves the input alone', () => {
    const input = kargo('Warehouse', 'app', { subscriptions: [] });
    expect(applyDefaults(input)).toEqual({
      ...input,
      spec: { subscriptions: [], freightCreationPolicy: 'Automatic', interval: '5m0s' },
    });
    expect(input.spec).toEqual({ subscriptions: [] });
  });

  it('keeps values that are set and replaces a null in a non-nullable field by its default', () => {
    const input = kargo('Warehouse', 'app', {
      interval: null,
      freightCreationPolicy: 'Manual',
      subscriptions: [],
    });
    expect(applyDefaults(input).spec).toEqual({
      subscriptions: [],
      freightCreationPolicy: 'Manual',
      interval: '5m0s',
    });
  });

  it('defaults fields of objects inside arrays', () => {
    const input = kargo('ProjectConfig', 'demo', {
      webhookReceivers: [{ name: 'gh', github: { secretRef: {} } }],
    });
    expect(applyDefaults(input).spec.webhookReceivers).toEqual([
      { name: 'gh', github: { secretRef: { name: '' } } },
    ]);
  });

  it('returns a plain copy of objects it does not know', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { replicas: null },
    };
    const out = applyDefaults(deployment);
    expect(out).toEqual(deployment);
    expect(out).not.toBe(deployment);
  });

  it('is applied before validation: a Warehouse without interval is valid', () => {
    expect(validateManifest(warehouse())).toEqual([]);
  });
});

describe('validateManifest: structural schema (strict)', () => {
  it('reports unknown fields with a suggestion and the known fields', () => {
    expect(lines(warehouse({ intervall: '5m' }))).toEqual([
      'spec.intervall: unknown field "intervall" (did you mean "interval"?); known fields: ' +
        'freightCreationCriteria, freightCreationPolicy, interval, shard, subscriptions',
    ]);
    expect(lines({ ...warehouse(), status2: {} })).toEqual([
      'status2: unknown field "status2" (did you mean "status"?); known fields: apiVersion, kind, metadata, spec, status',
    ]);
  });

  it('reports type mismatches with the value found', () => {
    expect(lines(warehouse({ interval: 5 }))).toEqual(['spec.interval: expected a string, got integer 5']);
    expect(lines(warehouse({ subscriptions: { image: {} } }))).toEqual([
      'spec.subscriptions: expected an array, got object {"image":{}}',
    ]);
    const stage = fixture('Stage', 'staging');
    stage.spec.requestedFreight[0].sources.direct = 'yes';
    expect(lines(stage)).toEqual([
      'spec.requestedFreight[0].sources.direct: expected a boolean, got string "yes"',
    ]);
  });

  it('reports enum violations with the supported values and a suggestion', () => {
    expect(lines(warehouse({ freightCreationPolicy: 'automatic' }))).toEqual([
      'spec.freightCreationPolicy: unsupported value "automatic" (did you mean "Automatic"?); ' +
        'supported values: "Automatic", "Manual"',
    ]);
    const stage = fixture('Stage', 'staging');
    stage.spec.requestedFreight[0].origin.kind = 'Stage';
    expect(lines(stage)).toEqual([
      'spec.requestedFreight[0].origin.kind: unsupported value "Stage"; supported values: "Warehouse"',
    ]);
  });

  it('reports pattern violations with a plain-language reading of known patterns', () => {
    expect(lines(warehouse({ interval: '1d' }))).toEqual([
      'spec.interval: invalid value "1d": must be a duration such as "5m0s", "90s" or "1h30m" with units s, m ' +
        'and h only (pattern ^([0-9]+(\\.[0-9]+)?(s|m|h))+$)',
    ]);
    const stage = fixture('Stage', 'staging');
    stage.spec.vars = [{ name: 'my-var', value: 'x' }];
    expect(lines(stage)).toEqual([
      'spec.vars[0].name: invalid value "my-var": must be an identifier: a letter or "_" followed by letters, ' +
        'digits or "_" (pattern ^[a-zA-Z_]\\w*$)',
    ]);
  });

  it('reports missing required fields at their path', () => {
    expect(lines(kargo('Stage', 'dev', {}))).toEqual([
      'spec.requestedFreight: required field "requestedFreight" is missing',
    ]);
    expect(lines(kargo('Stage', 'dev', { requestedFreight: [{ origin: { kind: 'Warehouse' } }] }))).toEqual([
      'spec.requestedFreight[0].sources: required field "sources" is missing',
      'spec.requestedFreight[0].origin.name: required field "name" is missing',
    ]);
  });

  it('reports minItems, maxItems, minLength and maxLength', () => {
    expect(lines(kargo('Stage', 'dev', { requestedFreight: [] }))).toEqual([
      'spec.requestedFreight: must have at least 1 item(s), got 0',
    ]);
    expect(lines(warehouse({ subscriptions: [] }))).toEqual([
      'spec.subscriptions: must have at least 1 item(s), got 0',
    ]);
    const stage = fixture('Stage', 'dev');
    stage.spec.promotionTemplate.spec.steps = [{ uses: '' }, { task: { name: 'a'.repeat(254) } }];
    expect(lines(stage)).toEqual([
      // has(self.uses) is true for an empty string, so only the schema's minLength catches it.
      'spec.promotionTemplate.spec.steps[0].uses: invalid value "": must not be empty',
      `spec.promotionTemplate.spec.steps[1].task.name: invalid value "${'a'.repeat(80)}...": must be at most 253 characters long (it has 254)`,
    ]);
    const policies = kargo('ProjectConfig', 'demo', {
      promotionPolicies: [{ stage: 'prod', autoRollback: { onPromotion: ['Failed', 'Errored', 'Failed'] } }],
    });
    expect(lines(policies)).toEqual([
      'spec.promotionPolicies[0].autoRollback.onPromotion: must have at most 2 item(s), got 3',
      'spec.promotionPolicies[0].autoRollback.onPromotion[2]: duplicate value "Failed": the items of this list must be unique',
    ]);
  });

  it('checks minimum, list-type map keys, and formats', () => {
    const stage = fixture('Stage', 'staging');
    stage.status = {
      conditions: [condition('Ready', { observedGeneration: -1 }), condition('Healthy'), condition('Ready')],
    };
    expect(lines(stage)).toEqual([
      'status.conditions[2]: duplicate entry with type="Ready": entries of this list must be unique by type',
      'status.conditions[0].observedGeneration: invalid value -1: must be >= 0',
    ]);
    const config = fixture('ClusterConfig');
    config.spec.gitClient.email = 'kargo at example.com';
    expect(lines(config)).toEqual([
      'spec.gitClient.email: invalid value "kargo at example.com": expected an email address such as ' +
        '"bot@example.com" (format email)',
    ]);
    const freight = fixture('Freight');
    freight.discoveredAt = '2025-13-01 10:00';
    expect(lines(freight)).toEqual([
      'discoveredAt: invalid value "2025-13-01 10:00": expected an RFC 3339 date-time such as ' +
        '"2025-01-31T12:00:00Z" (format date-time)',
    ]);
    freight.discoveredAt = '2025-01-31T10:00:00.5+02:00';
    expect(lines(freight)).toEqual([]);
  });

  it('accepts integers and strings for x-kubernetes-int-or-string, and nothing else', () => {
    const template = fixture('AnalysisTemplate');
    template.spec.metrics[0].count = '${{ args.count }}';
    template.spec.metrics[0].failureLimit = 2;
    expect(lines(template)).toEqual([]);
    template.spec.metrics[0].count = true;
    template.spec.metrics[0].failureLimit = 1.5;
    expect(lines(template)).toEqual([
      'spec.metrics[0].count: expected an integer or a string, got boolean true',
      'spec.metrics[0].failureLimit: expected an integer or a string, got number 1.5',
    ]);
  });

  it('accepts any content under x-kubernetes-preserve-unknown-fields (Warehouse subscriptions) when not deep', () => {
    const w = warehouse({ subscriptions: [{ image: { repoURL: 'ghcr.io/acme/app', madeUp: 1 } }] });
    expect(validateManifest(w, { deep: false })).toEqual([]);
    expect(lines(w)).toEqual([
      'spec.subscriptions[0].image.madeUp: unknown field "madeUp"; known fields: repoURL, imageSelectionStrategy, ' +
        'strictSemvers, constraint, allowTags, allowTagsRegexes, ignoreTags, ignoreTagsRegexes, platform, ' +
        'insecureSkipTLSVerify, discoveryLimit, cacheByTag',
    ]);
  });
});

describe('validateManifest: metadata', () => {
  it('requires a name (or generateName)', () => {
    expect(lines({ apiVersion: 'kargo.akuity.io/v1alpha1', kind: 'Project' })).toEqual([
      'metadata.name: required field "name" is missing (metadata is absent)',
    ]);
    expect(lines(kargo('Project', '', undefined, null))).toEqual([
      'metadata.name: required field "name" is missing',
    ]);
    const generated = {
      ...kargo('Stage', 'x', { requestedFreight: [] }),
      metadata: { generateName: 'dev-', namespace: 'demo' },
    };
    expect(lines(generated)).toEqual(['spec.requestedFreight: must have at least 1 item(s), got 0']);
  });

  it('checks names: DNS-1123 subdomain, and a DNS label for Projects and Namespaces', () => {
    expect(lines({ ...warehouse(), metadata: { name: 'My_App', namespace: 'demo' } })).toEqual([
      'metadata.name: invalid name "My_App": must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", ' +
        'starting and ending with a letter or digit',
    ]);
    expect(lines(kargo('Project', 'team.app', undefined, null))).toEqual([
      'metadata.name: invalid name "team.app": must be a DNS-1123 label: lowercase letters, digits and "-", starting ' +
        'and ending with a letter or digit (Kargo creates a Namespace named after the Project)',
    ]);
    expect(lines(kargo('Project', 'p'.repeat(64), undefined, null))).toEqual([
      `metadata.name: invalid name "${'p'.repeat(64)}": must be at most 63 characters (it has 64) (Kargo creates a Namespace named after the Project)`,
    ]);
    expect(lines({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } })).toEqual([
      'metadata.name: invalid name "a.b": must be a DNS-1123 label: lowercase letters, digits and "-", starting and ' +
        'ending with a letter or digit',
    ]);
    expect(lines({ ...warehouse(), metadata: { name: 'app.v2', namespace: 'demo' } })).toEqual([]);
  });

  it('forbids a namespace on cluster-scoped kinds and checks it on namespaced ones', () => {
    expect(lines(kargo('Project', 'demo', undefined, 'demo'))).toEqual([
      'metadata.namespace: must not be set: Project is cluster-scoped; remove metadata.namespace (got "demo")',
    ]);
    const task = fixture('ClusterPromotionTask');
    task.metadata.namespace = 'demo';
    expect(lines(task)).toEqual([
      'metadata.namespace: must not be set: ClusterPromotionTask is cluster-scoped; remove metadata.namespace (got "demo")',
    ]);
    expect(lines({ ...warehouse(), metadata: { name: 'app' } })).toEqual([]);
    expect(lines({ ...warehouse(), metadata: { name: 'app', namespace: 'Demo' } })).toEqual([
      'metadata.namespace: invalid namespace "Demo": must be a DNS-1123 label: lowercase letters, digits and "-", ' +
        'starting and ending with a letter or digit',
    ]);
  });

  it('applies the naming rules of Kargo webhooks for ProjectConfig and ClusterConfig', () => {
    expect(lines(kargo('ProjectConfig', 'other', {}, 'demo'))).toEqual([
      'metadata.name: a ProjectConfig must be named after its project namespace: expected "demo", got "other"',
    ]);
    expect(lines(kargo('ClusterConfig', 'default', {}, null))).toEqual([
      'metadata.name: the ClusterConfig must be named "cluster", got "default"',
    ]);
  });

  it('checks labels, annotations and unknown metadata fields', () => {
    const w = warehouse();
    w.metadata = {
      name: 'app',
      lables: { a: 'b' },
      labels: { 'app.kubernetes.io/name': 'app', 'bad key!': 'x', tier: 'x'.repeat(64), ok: 'a b' },
      annotations: { 'kargo.akuity.io/description': 'fine', count: 3 },
    };
    expect(lines(w)).toEqual([
      'metadata.lables: unknown field "lables" (did you mean "labels"?); metadata takes name, namespace, labels, annotations, ...',
      'metadata.labels[bad key!]: invalid key "bad key!": its name part must consist of letters, digits, "-", "_" or ".", ' +
        'starting and ending with a letter or digit',
      'metadata.labels[tier]: invalid value ' +
        `"${'x'.repeat(64)}": must be at most 63 characters (it has 64)`,
      'metadata.labels[ok]: invalid value "a b": must be empty or consist of letters, digits, "-", "_" or ".", ' +
        'starting and ending with a letter or digit',
      'metadata.annotations[count]: expected a string value, got 3; quote it',
    ]);
  });
});

describe('validateManifest: dispatch on apiVersion and kind', () => {
  it('needs apiVersion and kind', () => {
    expect(validateManifest({ metadata: { name: 'x' } })).toEqual([
      {
        path: 'apiVersion',
        message: 'required string field "apiVersion" is missing or invalid (got undefined)',
        rule: 'required',
      },
      {
        path: 'kind',
        message: 'required string field "kind" is missing or invalid (got undefined)',
        rule: 'required',
      },
    ]);
    expect(lines('kind: Stage')).toEqual(['expected a Kubernetes object, got "kind: Stage"']);
  });

  it('reports unknown kinds and versions of the Kargo API', () => {
    expect(lines({ ...warehouse(), kind: 'Warehose' })).toEqual([
      'kind: unknown kind "Warehose" in kargo.akuity.io (did you mean "Warehouse"?); known kinds: Project, ' +
        'ProjectConfig, ClusterConfig, Warehouse, Stage, Freight, Promotion, PromotionTask, ClusterPromotionTask',
    ]);
    expect(lines({ ...warehouse(), apiVersion: 'kargo.akuity.io/v1beta1' })).toEqual([
      'apiVersion: unsupported apiVersion "kargo.akuity.io/v1beta1" for Warehouse: Kargo v1.11 serves only ' +
        '"kargo.akuity.io/v1alpha1"',
    ]);
  });

  it('does not validate kinds it has no schema for', () => {
    const app = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'BAD NAME' },
      spec: 1,
    };
    expect(validateManifest(app)).toEqual([]);
    expect(validateManifest({ apiVersion: 'apps/v1', kind: 'Deployment', whatever: true })).toEqual([]);
  });

  it('validates core Namespace, ServiceAccount, Secret and ConfigMap minimally', () => {
    expect(
      lines({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo', namespace: 'demo' } }),
    ).toEqual([
      'metadata.namespace: must not be set: Namespace is cluster-scoped; remove metadata.namespace (got "demo")',
    ]);
    const sa = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'sa', namespace: 'demo' },
      automountToken: false,
    };
    expect(lines(sa)).toEqual([
      'automountToken: unknown field "automountToken"; known fields: apiVersion, kind, metadata, ' +
        'automountServiceAccountToken, imagePullSecrets, secrets',
    ]);
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'demo' },
      data: { password: 'not base64!' },
      stringData: { 'user name': 'x', port: 5432 },
    };
    expect(lines(secret)).toEqual([
      'data[password]: invalid value "not base64!": expected base64-encoded data (format byte)',
      'stringData[user name]: invalid key "user name": must be a valid data key (letters, digits, "-", "_" and "."), at most 253 characters',
      'stringData[port]: expected a string, got integer 5432',
    ]);
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm', namespace: 'demo' },
      data: { a: 'b' },
      immutable: 'yes',
    };
    expect(lines(cm)).toEqual(['immutable: expected a boolean, got string "yes"']);
  });
});

describe('validateManifest: deep checks of subscriptions and step configs', () => {
  it('validates every Warehouse subscription with its path', () => {
    const w = warehouse({
      subscriptions: [
        { image: { repoURL: 'ghcr.io/acme/app', allowTags: '^v1' } },
        { git: { repoURL: 'https://github.com/acme/app.git', discoveryLimit: 0 } },
      ],
    });
    expect(lines(w)).toEqual([
      'spec.subscriptions[0].image.allowTags: "allowTags" is no longer supported: since Kargo v1.11.0 artifact discovery ' +
        'fails when it is set; use "allowTagsRegexes" (a list of regular expressions) instead',
      'spec.subscriptions[1].git.discoveryLimit: invalid value 0: must be >= 1',
    ]);
  });

  it('validates the config of every built-in step in Stages, PromotionTasks and Promotions', () => {
    const stage = fixture('Stage', 'dev');
    stage.spec.promotionTemplate.spec.steps[0].config.checkout[0].tag = 'v1';
    stage.spec.promotionTemplate.spec.steps[1].uses = 'kustomize-set-images';
    expect(lines(stage)).toEqual([
      'spec.promotionTemplate.spec.steps[0].config.checkout[0]: matches none of the allowed combinations (got ' +
        'branch, tag set); exactly one of these must hold: (1) branch, commit, tag unset; (2) branch set with ' +
        'commit, tag unset; (3) commit set with branch, tag unset; (4) tag set with branch, commit unset',
      expect.stringMatching(
        /^spec\.promotionTemplate\.spec\.steps\[1\]\.uses: unknown step "kustomize-set-images" \(did you mean "kustomize-set-image"\?\); the built-in steps of Kargo v1\.11 are: argocd-update, /,
      ),
    ]);
    const task = fixture('PromotionTask');
    task.spec.steps[0].config.timeout = 30;
    expect(lines(task)).toEqual(['spec.steps[0].config.timeout: expected a string, got integer 30']);
    const promo = fixture('Promotion');
    promo.spec.steps[0].config = {};
    expect(lines(promo)).toEqual(['spec.steps[0].config.path: required field "path" is missing']);
  });
});

describe('validateManifests', () => {
  it('prefixes each issue with Kind/name (or Kind/#index without a name)', () => {
    const bad = warehouse({ interval: 'soon' });
    const unnamed = {
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Stage',
      metadata: { namespace: 'demo' },
      spec: {},
    };
    expect(validateManifests([fixture('Project'), bad, unnamed]).map(formatIssue)).toEqual([
      'Warehouse/app:spec.interval: invalid value "soon": must be a duration such as "5m0s", "90s" or "1h30m" with ' +
        'units s, m and h only (pattern ^([0-9]+(\\.[0-9]+)?(s|m|h))+$)',
      'Stage/#2:metadata.name: required field "name" is missing',
      'Stage/#2:spec.requestedFreight: required field "requestedFreight" is missing',
    ]);
  });
});

describe('versions', () => {
  it('KARGO_VERSION matches the vendored data', () => {
    expect(readFileSync(join(pkgDir, 'crds', 'KARGO_VERSION'), 'utf8')).toBe(`${KARGO_VERSION}\n`);
    const readme = readFileSync(join(pkgDir, 'crds', 'README.md'), 'utf8');
    expect(readme).toContain(`Kargo version: **${KARGO_VERSION}**`);
    expect(readme).toContain(`tag \`${ARGO_ROLLOUTS_VERSION}\``);
  });
});
