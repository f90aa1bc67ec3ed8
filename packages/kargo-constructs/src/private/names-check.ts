import { isDns1123Subdomain, MAX_NAME_LENGTH } from '../names.js';

/**
 * Name and namespace problems of a namespaced Kargo object that the CRD check does not cover: the
 * object needs a (project) namespace, and Stage / Warehouse names, which end up in label values
 * and branch names, stay within 63 characters. (DNS-1123 validity is checked with the CRD.)
 */
export function namespacedNameIssues(kind: string, name: string, namespace: string | undefined): string[] {
  const out: string[] = [];
  if (namespace === undefined) {
    out.push(
      `metadata.namespace: a ${kind} must live in its Kargo Project's namespace; pass project (a Project or its name) or give the chart a namespace`,
    );
  }
  if (
    (kind === 'Stage' || kind === 'Warehouse') &&
    name.length > MAX_NAME_LENGTH &&
    isDns1123Subdomain(name)
  ) {
    out.push(
      `metadata.name: ${kind} name "${name}" is ${name.length} characters; keep it within ${MAX_NAME_LENGTH} (it ends up in label values and branch names; shortenName() adds a stable hash suffix)`,
    );
  }
  return out;
}
