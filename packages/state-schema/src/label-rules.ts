/**
 * `kargo.labels` of image-factory.yaml end up as Kubernetes labels on every generated object, and
 * the synth app refuses objects the apiserver would refuse. So that a state that loads also
 * synthesizes, the loader checks them with the apiserver's rules
 * (k8s.io/apimachinery pkg/util/validation/validation.go: IsQualifiedName for keys,
 * IsValidLabelValue for values), each problem at the key's position.
 */
import type { StateProblem } from './model.js';
import { problem } from './problems.js';
import type { YamlSource } from './yaml-source.js';

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a valid label key (`[prefix/]name`), or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))
    return `its prefix "${prefix}" must be a DNS subdomain (lowercase letters, digits, "-" and ".", at most 253 characters)`;
  if (name.length === 0 || name.length > 63 || !NAME.test(name))
    return 'its name must be 1 to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  return undefined;
}

/** Why `value` is not a valid label value, or undefined. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !NAME.test(value))
    return 'a label value must be at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit (or empty)';
  return undefined;
}

/** Checks `labels` (from `kargo.labels` of `source`), adding an error per bad key or value. */
export function checkSettingsLabels(
  source: YamlSource | undefined,
  labels: Readonly<Record<string, string>>,
  problems: StateProblem[],
): void {
  if (source === undefined) return;
  for (const [key, value] of Object.entries(labels)) {
    const path = ['kargo', 'labels', key];
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) {
      problems.push(
        problem(
          'error',
          'invalid-name',
          source.locate(path, 'key'),
          path,
          `kargo.labels key "${key}" is not a valid Kubernetes label key: ${keyProblem}`,
          'e.g. team or example.com/team',
        ),
      );
    }
    const valueProblem = labelValueProblem(value);
    if (valueProblem) {
      problems.push(
        problem(
          'error',
          'invalid-value',
          source.locate(path),
          path,
          `kargo.labels.${key} "${value}" is not a valid Kubernetes label value: ${valueProblem}`,
          'e.g. platform-team',
        ),
      );
    }
  }
}
