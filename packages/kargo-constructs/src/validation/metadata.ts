// ObjectMeta checks the apiserver applies on create (the CRD schemas leave `metadata` untyped).
import { dns1123LabelError, dns1123SubdomainError } from '../names.js';
import { childPath, didYouMean, indexPath, isObject, show, type ValidationIssue } from './issues.js';
import type { KindInfo } from './kinds.js';

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

const OBJECT_META_FIELDS = [
  'name',
  'generateName',
  'namespace',
  'labels',
  'annotations',
  'finalizers',
  'ownerReferences',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
];

/** Why `key` is not a qualified name (`[prefix/]name`), or undefined. */
function qualifiedNameError(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    const prefixError = prefix === '' ? 'must not be empty' : dns1123SubdomainError(prefix);
    if (prefixError) return `its prefix ${show(prefix)} ${prefixError}`;
  }
  if (name.length === 0 || name.length > 63)
    return `its name part must be 1-63 characters (it has ${name.length})`;
  if (!QUALIFIED_NAME.test(name)) {
    return 'its name part must consist of letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  }
  return undefined;
}

function stringMap(
  value: unknown,
  path: string,
  issues: ValidationIssue[],
  checkValue: (v: string) => string | undefined,
  rule: string,
): void {
  if (!isObject(value)) {
    issues.push({ path, message: `expected a map of strings, got ${show(value)}`, rule: 'type' });
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    const keyError = qualifiedNameError(key);
    if (keyError)
      issues.push({ path: indexPath(path, key), message: `invalid key ${show(key)}: ${keyError}`, rule });
    if (typeof v !== 'string') {
      issues.push({
        path: indexPath(path, key),
        message: `expected a string value, got ${show(v)}; quote it`,
        rule: 'type',
      });
      continue;
    }
    const valueError = checkValue(v);
    if (valueError)
      issues.push({ path: indexPath(path, key), message: `invalid value ${show(v)}: ${valueError}`, rule });
  }
}

/**
 * Checks `metadata` of an object of kind `info`: known ObjectMeta fields only, a valid `name` (or
 * `generateName`), `namespace` absent for cluster-scoped kinds and a DNS-1123 label otherwise, valid label and
 * annotation keys/values, plus the naming rules Kargo's webhooks add (Project name becomes a Namespace;
 * ProjectConfig name equals its namespace; ClusterConfig is named `cluster`).
 */
export function validateMetadata(metadata: unknown, info: KindInfo, issues: ValidationIssue[]): void {
  const path = 'metadata';
  if (metadata === undefined) {
    issues.push({
      path: childPath(path, 'name'),
      message: 'required field "name" is missing (metadata is absent)',
      rule: 'metadata.name',
    });
    return;
  }
  if (!isObject(metadata)) {
    issues.push({ path, message: `expected an object, got ${show(metadata)}`, rule: 'type' });
    return;
  }
  for (const key of Object.keys(metadata)) {
    if (!OBJECT_META_FIELDS.includes(key) && metadata[key] !== undefined) {
      issues.push({
        path: childPath(path, key),
        message: `unknown field "${key}"${didYouMean(key, OBJECT_META_FIELDS)}; metadata takes name, namespace, labels, annotations, ...`,
        rule: 'unknown-field',
      });
    }
  }
  const { name, generateName, namespace } = metadata;
  const namePath = childPath(path, 'name');
  if (name === undefined || name === '') {
    if (typeof generateName !== 'string' || generateName === '') {
      issues.push({ path: namePath, message: 'required field "name" is missing', rule: 'metadata.name' });
    }
  } else if (typeof name !== 'string') {
    issues.push({ path: namePath, message: `expected a string, got ${show(name)}`, rule: 'type' });
  } else {
    const error = info.nameRule === 'label' ? dns1123LabelError(name) : dns1123SubdomainError(name);
    if (error) {
      const reason = info.nameReason ? ` (${info.nameReason})` : '';
      issues.push({
        path: namePath,
        message: `invalid name ${show(name)}: ${error}${reason}`,
        rule: 'metadata.name',
      });
    }
  }
  const namespacePath = childPath(path, 'namespace');
  if (namespace !== undefined && namespace !== '') {
    if (info.scope === 'Cluster') {
      issues.push({
        path: namespacePath,
        message: `must not be set: ${info.kind} is cluster-scoped; remove metadata.namespace (got ${show(namespace)})`,
        rule: 'metadata.namespace',
      });
    } else if (typeof namespace !== 'string') {
      issues.push({
        path: namespacePath,
        message: `expected a string, got ${show(namespace)}`,
        rule: 'type',
      });
    } else {
      const error = dns1123LabelError(namespace);
      if (error)
        issues.push({
          path: namespacePath,
          message: `invalid namespace ${show(namespace)}: ${error}`,
          rule: 'metadata.namespace',
        });
    }
  }
  if (
    info.kind === 'ProjectConfig' &&
    typeof name === 'string' &&
    typeof namespace === 'string' &&
    namespace !== '' &&
    name !== namespace
  ) {
    issues.push({
      path: namePath,
      message: `a ProjectConfig must be named after its project namespace: expected ${show(namespace)}, got ${show(name)}`,
      rule: 'webhook.projectconfig-name',
    });
  }
  if (info.kind === 'ClusterConfig' && typeof name === 'string' && name !== 'cluster') {
    issues.push({
      path: namePath,
      message: `the ClusterConfig must be named "cluster", got ${show(name)}`,
      rule: 'webhook.clusterconfig-name',
    });
  }
  if (metadata.labels !== undefined) {
    stringMap(
      metadata.labels,
      childPath(path, 'labels'),
      issues,
      (v) =>
        v.length > 63
          ? `must be at most 63 characters (it has ${v.length})`
          : LABEL_VALUE.test(v)
            ? undefined
            : 'must be empty or consist of letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
      'metadata.labels',
    );
  }
  if (metadata.annotations !== undefined) {
    const annotationsPath = childPath(path, 'annotations');
    stringMap(metadata.annotations, annotationsPath, issues, () => undefined, 'metadata.annotations');
    if (isObject(metadata.annotations)) {
      const size = Object.entries(metadata.annotations).reduce(
        (n, [k, v]) => n + Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0),
        0,
      );
      if (size > MAX_ANNOTATIONS_BYTES) {
        issues.push({
          path: annotationsPath,
          message: `annotations total ${size} bytes; the limit is ${MAX_ANNOTATIONS_BYTES} (256 KiB)`,
          rule: 'metadata.annotations',
        });
      }
    }
  }
  if (metadata.finalizers !== undefined) {
    const finalizersPath = childPath(path, 'finalizers');
    if (!Array.isArray(metadata.finalizers)) {
      issues.push({
        path: finalizersPath,
        message: `expected a list of strings, got ${show(metadata.finalizers)}`,
        rule: 'type',
      });
    } else {
      metadata.finalizers.forEach((f, i) => {
        const error = typeof f === 'string' ? qualifiedNameError(f) : 'must be a string';
        if (error)
          issues.push({
            path: indexPath(finalizersPath, i),
            message: `invalid finalizer ${show(f)}: ${error}`,
            rule: 'metadata.finalizers',
          });
      });
    }
  }
}
