/**
 * Building blocks of the generated workflows: expressions, the check that keeps expressions out of
 * state values, credential-free checkouts, and rendering.
 */
import { expressionDelimiterIn, GENERATED_WORKFLOW_MARKER } from '@image-factory/state-schema';
import { stringify } from 'yaml';
import { CliError } from '../errors.js';

/** A step of a job. */
export type Step = Record<string, unknown>;

/** A GitHub Actions expression, `${{ <expression> }}`. */
export function expr(expression: string): string {
  return `$${'{{'} ${expression} }}`;
}

/**
 * A state value that GitHub Actions would evaluate as an expression was about to be written into a
 * generated workflow. `validate` reports such values first, with their position.
 */
export class UnsafeWorkflowValueError extends CliError {
  override readonly name = 'UnsafeWorkflowValueError';
  constructor(
    /** The workflow being generated, e.g. `.github/workflows/build-api.yml`. */
    readonly workflow: string,
    /** The managed image it belongs to (undefined for the state workflow). */
    readonly image: string | undefined,
    /** The state field holding the value, e.g. `source.branch`. */
    readonly field: string,
    /** The delimiter found, `${{` or `${%`. */
    readonly delimiter: string,
  ) {
    super(
      `${workflow}: ${image === undefined ? '' : `image "${image}": `}${field} contains "${delimiter}", which would be evaluated as an expression: not generating the workflow`,
      1,
      'state values are literal: remove the expression (`image-factory validate` shows where it is)',
    );
  }
}

/**
 * Returns a reader of state values for one workflow: it returns the value, or throws
 * {@link UnsafeWorkflowValueError} naming the field when the value holds an expression delimiter.
 */
export function literalReader(workflow: string, image: string | undefined) {
  return (field: string, value: string): string => {
    const delimiter = expressionDelimiterIn(value);
    if (delimiter !== undefined) throw new UnsafeWorkflowValueError(workflow, image, field, delimiter);
    return value;
  };
}

/**
 * An `actions/checkout` step that leaves no credentials behind: with `persist-credentials: false`
 * the token is used for the fetch and removed, instead of staying in `<path>/.git/config`
 * (actions/checkout v4: src/git-auth-helper.ts `configureToken`, src/git-source-provider.ts
 * `removeAuth`).
 */
export function checkout(
  name: string,
  path: string,
  options: { id?: string; with?: Record<string, string> } = {},
): Step {
  return {
    name,
    ...(options.id === undefined ? {} : { id: options.id }),
    uses: 'actions/checkout@v4',
    with: { ...options.with, path, 'persist-credentials': false },
  };
}

/** The marker line, the header comment lines, then the workflow. */
export function render(header: readonly string[], body: Record<string, unknown>): string {
  // Shared step objects are written out in full, not as YAML anchors and aliases.
  return `${[GENERATED_WORKFLOW_MARKER, ...header.map((line) => `# ${line}`)].join('\n')}\n${stringify(body, {
    lineWidth: 0,
    aliasDuplicateObjects: false,
  })}`;
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** `scheme://host[:port]` of a settings URL; a clear error for one the URL parser refuses. */
export function originOf(url: string, field: string): string {
  try {
    return new URL(url).origin;
  } catch {
    throw new CliError(`${field} "${url}" is not a URL`, 1, 'write it like https://gitlab.example.com');
  }
}
