import type { ApiObject } from 'cdk8s';
import { type IConstruct, Node } from 'constructs';
import { formatIssue, validateManifest } from '../validation/index.js';

/** Adds a synth-time validation; cdk8s reports each message prefixed with the construct path. */
export function addValidation(scope: IConstruct, validate: () => string[]): void {
  Node.of(scope).addValidation({ validate });
}

/** The field path of a `path: message` string. */
function pathOf(issue: string): string {
  const at = issue.indexOf(': ');
  return at < 0 ? '' : issue.slice(0, at);
}

/**
 * Validates an L2 at synth time: the synthesized manifest of `apiObject` against its vendored CRD
 * (strict schema, CEL rules, defaults applied as the API server does), plus the construct's own
 * rules (`own`, as `path: message` strings; it gets the same synthesized manifest, rendered once).
 * A CRD issue on a path that an own rule already explains (e.g. an empty list) is left out, so
 * each problem is reported once.
 */
export function addKargoValidation(
  scope: IConstruct,
  apiObject: ApiObject,
  own: (manifest: Record<string, any>) => string[] = () => [],
): void {
  addValidation(scope, () => {
    const manifest = apiObject.toJson();
    const mine = own(manifest);
    const explained = new Set(mine.map(pathOf));
    const crd = validateManifest(manifest, { deep: false })
      .filter((issue) => !explained.has(issue.path))
      .map(formatIssue);
    return [...crd, ...mine];
  });
}
