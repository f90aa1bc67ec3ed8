/**
 * State values are literal text: none may carry an expression that Kargo or GitHub Actions would
 * evaluate once the factory copies it into what it generates.
 *
 * - Kargo evaluates every string of a promotion step's `config` and of a verification's `args`
 *   that contains `${{` or `${%` (`pkg/expressions/json_templates.go` at v1.11.2:
 *   `supportedDelimiters` and `EvaluateTemplate`), with `secret()`, `vars` and the promotion's
 *   context in scope. An `updates[].key` of `${{ secret('github-workflow-token').token }}` would
 *   commit the token into a consumer repository.
 * - GitHub Actions evaluates `${{` in almost every string of a workflow (step names, `with:`,
 *   `env:`, `run:`), with `secrets` in scope.
 *
 * The rule (see {@link findExpressionText}):
 * - `images.yaml` and `image-factory.yaml` are written by people and every string in them may reach
 *   generated output: a key or value containing `${{` or `${%` is an error.
 * - `images/*.yaml` and `base-images/*.yaml` are written by the tools: a field that reaches
 *   generated output ({@link FIELDS_REACHING_OUTPUT}) containing one is an error; anywhere else
 *   (timestamps, `metadata`, `updateHistory`, the `enrollment` copy, which images.yaml overrides)
 *   it is a warning, because nothing generated reads it today and nothing legitimate writes it.
 */
import { IMAGES_FILE, LAYOUT_DIRS, SETTINGS_FILE } from './layout.js';
import type { StateProblem } from './model.js';
import { fieldPath, problem } from './problems.js';
import { describeValue } from './validate-document.js';
import type { YamlSource } from './yaml-source.js';

/** The expression delimiters of Kargo (`${{ }}`, `${% %}`) and GitHub Actions (`${{ }}`). */
export const EXPRESSION_DELIMITERS = ['${{', '${%'] as const;

/** The first expression delimiter `value` contains, if any. */
export function expressionDelimiterIn(value: string): string | undefined {
  return EXPRESSION_DELIMITERS.find((delimiter) => value.includes(delimiter));
}

/**
 * Top-level fields of machine-written state files that the generators read (the Kargo manifests
 * via the model, the build workflows): an expression in one of them is an error, elsewhere in
 * those files a warning.
 */
export const FIELDS_REACHING_OUTPUT = {
  /** `images/<name>.yaml`: object names, the base images (Warehouses, Stages), the version (SemVer constraint). */
  images: ['name', 'baseImages', 'currentVersion', 'currentDigest'],
  /** `base-images/<name>.yaml`: the watched image, its tag filter and selection strategy (the Warehouse). */
  baseImages: ['name', 'image', 'fullImage', 'allowTags', 'imageSelectionStrategy'],
} as const satisfies Record<string, readonly string[]>;

const QUOTED_DELIMITERS = EXPRESSION_DELIMITERS.map((delimiter) => `"${delimiter}"`).join(' and ');

type FileKind = 'user' | keyof typeof FIELDS_REACHING_OUTPUT;

function kindOf(file: string): FileKind {
  if (file === IMAGES_FILE || file === SETTINGS_FILE) return 'user';
  for (const dirs of Object.values(LAYOUT_DIRS)) {
    if (file.startsWith(`${dirs.images}/`)) return 'images';
    if (file.startsWith(`${dirs.baseImages}/`)) return 'baseImages';
  }
  // Any other file the loader reads is treated as written by people: strictest rule.
  return 'user';
}

type Path = readonly (string | number)[];

/** A value of the document, its key in its parent, and the parent. */
interface Visit {
  readonly value: unknown;
  readonly key: string | number | undefined;
  readonly parent: Visit | undefined;
}

function pathOf(visit: Visit): Path {
  const path: (string | number)[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) path.unshift(at.key);
  return path;
}

/**
 * Every string (key or value) of the document in `source` that contains an expression delimiter,
 * as positioned problems: errors, or warnings for fields of machine-written state files that no
 * generator reads. Walks the parsed data without recursion (a hostile file may nest deeply).
 */
export function findExpressionText(source: YamlSource): StateProblem[] {
  const kind = kindOf(source.file);
  const problems: StateProblem[] = [];
  const report = (path: Path, value: string, delimiter: string, at: 'key' | 'value') => {
    const severity =
      kind === 'user' || (FIELDS_REACHING_OUTPUT[kind] as readonly unknown[]).includes(path[0])
        ? 'error'
        : 'warning';
    const where = source.locate(path, at);
    const what =
      at === 'key' ? `a key of ${describePath(source, path.slice(0, -1))}` : describePath(source, path);
    const evaluators = delimiter === '${{' ? 'Kargo and GitHub Actions evaluate' : 'Kargo evaluates';
    const message = `${subjectOf(source, path)}${what} contains "${delimiter}", which ${evaluators} as an expression (got ${describeValue(value)})`;
    problems.push(
      problem(
        severity,
        'expression-delimiter',
        where,
        path,
        message,
        severity === 'error'
          ? `state values are copied verbatim into Kargo steps and GitHub workflows, where ${QUOTED_DELIMITERS} start an expression: write the literal value`
          : 'no generated output reads this field today, but nothing legitimate writes an expression here: remove it',
      ),
    );
  };

  // Each entry links to its parent, so that a path is only built for a finding.
  const stack: Visit[] = [{ value: source.data, key: undefined, parent: undefined }];
  for (let visit = stack.pop(); visit !== undefined; visit = stack.pop()) {
    const { value } = visit;
    if (typeof value === 'string') {
      const delimiter = expressionDelimiterIn(value);
      if (delimiter !== undefined) report(pathOf(visit), value, delimiter, 'value');
    } else if (Array.isArray(value)) {
      for (const [index, element] of value.entries())
        stack.push({ value: element, key: index, parent: visit });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, element] of Object.entries(value)) {
        const child = { value: element, key, parent: visit };
        const delimiter = expressionDelimiterIn(key);
        if (delimiter !== undefined) report(pathOf(child), key, delimiter, 'key');
        stack.push(child);
      }
    }
  }
  return problems;
}

/** `image "backstage": ` for a field of an images.yaml entry with a usable name; empty otherwise. */
function subjectOf(source: YamlSource, path: Path): string {
  if (source.file !== IMAGES_FILE || typeof path[0] !== 'number') return '';
  const entry = Array.isArray(source.data) ? (source.data[path[0]] as unknown) : undefined;
  const name =
    entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>).name : undefined;
  return typeof name === 'string' && expressionDelimiterIn(name) === undefined
    ? `image "${name}": `
    : `images[${path[0]}]: `;
}

/** The field, relative to the images.yaml entry when there is one (`updates[0].key`). */
function describePath(source: YamlSource, path: Path): string {
  if (source.file === IMAGES_FILE && typeof path[0] === 'number') {
    return path.length === 1 ? 'the entry' : fieldPath(path.slice(1));
  }
  return path.length === 0 ? 'the document' : fieldPath(path);
}
