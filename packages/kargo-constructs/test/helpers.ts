import { App, Chart, Testing, Yaml } from 'cdk8s';
import { expect } from 'vitest';
import { validateManifest } from '../src/validation/index.js';

/**
 * A fresh chart (id `test`) in a fresh app; `namespace` becomes the chart namespace (the Kargo
 * project), `null` for a chart without namespace.
 */
export function newChart(namespace: string | null = 'demo'): Chart {
  const app = Testing.app();
  return new Chart(app, 'test', namespace === null ? {} : { namespace });
}

/** A second chart in the same app as `chart`. */
export function siblingChart(chart: Chart, id: string, namespace?: string): Chart {
  return new Chart(App.of(chart), id, namespace === undefined ? {} : { namespace });
}

/** Synthesizes the chart (running all validations) to a list of manifests. */
export function synth(chart: Chart): Record<string, any>[] {
  return Testing.synth(chart);
}

/** Synthesizes the chart to the YAML a user would apply. */
export function synthYaml(chart: Chart): string {
  return Yaml.stringify(...Testing.synth(chart));
}

/** The synth error message (all validation messages), or fails the test when synth succeeds. */
export function synthError(chart: Chart): string {
  try {
    Testing.synth(chart);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected synthesis to fail, but it succeeded');
}

/** The line of a synth error message about `path` of construct `constructPath` (fails if absent). */
export function errorLine(message: string, constructPath: string, path: string): string {
  const prefix = `[${constructPath}] ${path}: `;
  const line = message.split('\n').find((l) => l.trim().startsWith(prefix));
  if (line === undefined) throw new Error(`no error for ${prefix} in:\n${message}`);
  return line.trim().slice(prefix.length);
}

/** Asserts that every manifest is valid against the vendored CRDs and schemas (deep validation). */
export function expectValidManifests(manifests: readonly unknown[]): void {
  for (const manifest of manifests) {
    expect(validateManifest(manifest), JSON.stringify((manifest as { metadata?: unknown }).metadata)).toEqual(
      [],
    );
  }
}

/** The manifest of the given kind and name. */
export function findManifest(
  manifests: readonly Record<string, any>[],
  kind: string,
  name?: string,
): Record<string, any> {
  const found = manifests.find((m) => m.kind === kind && (name === undefined || m.metadata?.name === name));
  if (found === undefined)
    throw new Error(`no ${kind}${name ? ` "${name}"` : ''} in ${manifests.map((m) => m.kind).join(', ')}`);
  return found;
}
