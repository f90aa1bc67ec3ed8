import { type ApiObject, type ApiObjectMetadata, Chart, JsonPatch } from 'cdk8s';
import type { IConstruct } from 'constructs';

/** Something that names a Kargo Project (a Project construct or a reference). */
export interface ProjectLike {
  readonly projectName: string;
}

/**
 * The namespace of a namespaced Kargo object: the given project, else `metadata.namespace`, else
 * the chart's namespace. `undefined` when none is known (reported by validation).
 */
export function resolveNamespace(
  scope: IConstruct,
  project: ProjectLike | string | undefined,
  metadata: ApiObjectMetadata | undefined,
): string | undefined {
  if (project !== undefined) {
    const name = typeof project === 'string' ? project : project.projectName;
    if (metadata?.namespace !== undefined && metadata.namespace !== name) {
      throw new Error(
        `${scope.node.path}: metadata.namespace "${metadata.namespace}" conflicts with project "${name}"; set only one of them`,
      );
    }
    return name;
  }
  return metadata?.namespace ?? Chart.of(scope).namespace;
}

/**
 * Makes sure a cluster-scoped object is synthesized without `metadata.namespace`, even inside a
 * chart that has a namespace (cdk8s copies the chart namespace onto every object).
 */
export function clearNamespace(apiObject: ApiObject, metadata: ApiObjectMetadata | undefined): void {
  if (metadata?.namespace !== undefined) {
    throw new Error(
      `${apiObject.node.scope?.node.path ?? apiObject.node.path}: ${apiObject.kind} is cluster-scoped and cannot have a namespace (got "${metadata.namespace}")`,
    );
  }
  if (apiObject.metadata.namespace !== undefined) {
    apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}

/** The project construct behind a `project` prop, for ordering (Project before its objects). */
export function dependOnProject(scope: IConstruct, project: ProjectLike | string | undefined): void {
  if (project !== undefined && typeof project !== 'string' && isConstruct(project)) {
    scope.node.addDependency(project);
  }
}

function isConstruct(x: unknown): x is IConstruct {
  return typeof x === 'object' && x !== null && 'node' in x;
}
