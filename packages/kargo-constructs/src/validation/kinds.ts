// The kinds validateManifest knows: the vendored Kargo and Argo Rollouts CRDs (schema = the CRD's
// openAPIV3Schema) and a minimal hand-written schema for the core kinds a Kargo project usually ships with
// (Namespace, ServiceAccount, Secret, ConfigMap: their top-level fields and value types only).
import { loadYaml } from './data.js';
import { isObject } from './issues.js';
import type { StructuralSchema } from './structural-schema.js';

/** Group of the Kargo API. */
export const KARGO_GROUP = 'kargo.akuity.io';
/** Group of the Argo Rollouts API (AnalysisTemplate lives there). */
export const ROLLOUTS_GROUP = 'argoproj.io';

/** Name rule of `metadata.name`. */
export type NameRule = 'subdomain' | 'label';

/** One kind the validator dispatches to. */
export interface KindInfo {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly nameRule: NameRule;
  /** Why the name rule is stricter than the apiserver's, for the message. */
  readonly nameReason?: string;
  /** Vendored CRD file (under `crds/crds/`), or a hand-written schema. */
  readonly source: { readonly crd: string } | { readonly schema: StructuralSchema };
}

const kargo = (
  kind: string,
  file: string,
  scope: KindInfo['scope'],
  extra: Partial<KindInfo> = {},
): KindInfo => ({
  group: KARGO_GROUP,
  version: 'v1alpha1',
  kind,
  scope,
  nameRule: 'subdomain',
  source: { crd: `kargo.akuity.io_${file}.yaml` },
  ...extra,
});

const stringMap: StructuralSchema = { type: 'object', additionalProperties: { type: 'string' } };
const DATA_KEY = {
  pattern: '^[-._a-zA-Z0-9]+$',
  description: 'a valid data key (letters, digits, "-", "_" and "."), at most 253 characters',
};
const objectMeta: StructuralSchema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const localRef: StructuralSchema = { type: 'object', properties: { name: { type: 'string' } } };
const core = (
  kind: string,
  scope: KindInfo['scope'],
  fields: Record<string, StructuralSchema>,
  nameRule: NameRule = 'subdomain',
): KindInfo => ({
  group: '',
  version: 'v1',
  kind,
  scope,
  nameRule,
  source: {
    schema: {
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: objectMeta,
        ...fields,
      },
    },
  },
});

/** Every kind validateManifest checks, keyed by `apiVersion/kind`. */
export const KINDS: readonly KindInfo[] = [
  kargo('Project', 'projects', 'Cluster', {
    nameRule: 'label',
    nameReason: 'Kargo creates a Namespace named after the Project',
  }),
  kargo('ProjectConfig', 'projectconfigs', 'Namespaced'),
  kargo('ClusterConfig', 'clusterconfigs', 'Cluster'),
  kargo('Warehouse', 'warehouses', 'Namespaced'),
  kargo('Stage', 'stages', 'Namespaced'),
  kargo('Freight', 'freights', 'Namespaced'),
  kargo('Promotion', 'promotions', 'Namespaced'),
  kargo('PromotionTask', 'promotiontasks', 'Namespaced'),
  kargo('ClusterPromotionTask', 'clusterpromotiontasks', 'Cluster'),
  {
    group: ROLLOUTS_GROUP,
    version: 'v1alpha1',
    kind: 'AnalysisTemplate',
    scope: 'Namespaced',
    nameRule: 'subdomain',
    source: { crd: 'analysis-template-crd.yaml' },
  },
  {
    group: ROLLOUTS_GROUP,
    version: 'v1alpha1',
    kind: 'ClusterAnalysisTemplate',
    scope: 'Cluster',
    nameRule: 'subdomain',
    source: { crd: 'cluster-analysis-template-crd.yaml' },
  },
  core(
    'Namespace',
    'Cluster',
    {
      spec: { type: 'object', properties: { finalizers: { type: 'array', items: { type: 'string' } } } },
      status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
    'label',
  ),
  core('ServiceAccount', 'Namespaced', {
    automountServiceAccountToken: { type: 'boolean' },
    imagePullSecrets: { type: 'array', items: localRef },
    secrets: {
      type: 'array',
      items: {
        type: 'object',
        properties: Object.fromEntries(
          ['apiVersion', 'fieldPath', 'kind', 'name', 'namespace', 'resourceVersion', 'uid'].map((k) => [
            k,
            { type: 'string' },
          ]),
        ),
      },
    },
  }),
  core('Secret', 'Namespaced', {
    data: {
      type: 'object',
      additionalProperties: { type: 'string', format: 'byte' },
      'x-key-pattern': DATA_KEY,
    },
    stringData: { ...stringMap, 'x-key-pattern': DATA_KEY },
    type: { type: 'string' },
    immutable: { type: 'boolean' },
  }),
  core('ConfigMap', 'Namespaced', {
    data: { ...stringMap, 'x-key-pattern': DATA_KEY },
    binaryData: {
      type: 'object',
      additionalProperties: { type: 'string', format: 'byte' },
      'x-key-pattern': DATA_KEY,
    },
    immutable: { type: 'boolean' },
  }),
];

/** `apiVersion` of a kind: `v1` for core, `group/version` otherwise. */
export function apiVersionOf(info: KindInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** Groups whose every kind is known: an unknown kind or version there is an error, not "not validated". */
export const OWNED_GROUPS: readonly string[] = [KARGO_GROUP];

const schemas = new Map<string, StructuralSchema>();

/**
 * The structural schema of a kind, loaded once. `metadata` is replaced by an open object: it is checked
 * by the ObjectMeta rules in metadata.ts, not by the CRD's bare `type: object`.
 */
export function schemaOf(info: KindInfo): StructuralSchema {
  const key = `${apiVersionOf(info)}/${info.kind}`;
  let schema = schemas.get(key);
  if (!schema) {
    if ('schema' in info.source) {
      schema = info.source.schema;
    } else {
      const crd = loadYaml(`crds/${info.source.crd}`);
      const versions =
        isObject(crd) && isObject(crd.spec) && Array.isArray(crd.spec.versions) ? crd.spec.versions : [];
      const version = versions.find((v) => isObject(v) && v.name === info.version);
      const root =
        isObject(version) && isObject(version.schema) && isObject(version.schema.openAPIV3Schema)
          ? (version.schema.openAPIV3Schema as StructuralSchema)
          : undefined;
      if (!root) throw new Error(`vendored CRD ${info.source.crd} has no schema for version ${info.version}`);
      schema = { ...root, properties: { ...root.properties, metadata: objectMeta } };
    }
    schemas.set(key, schema);
  }
  return schema;
}
