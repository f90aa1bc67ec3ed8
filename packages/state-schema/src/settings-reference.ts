/**
 * Every setting of `image-factory.yaml`, commented out with its description and default: the file
 * `image-factory init` writes, so that a new state repository shows what can be set and changes
 * nothing until a line is uncommented. Rendered from the settings schema itself, so that a new
 * setting appears here without anyone remembering to add it.
 */
import { Document } from 'yaml';
import * as z from 'zod';
import { SettingsSchema } from './schema/settings.js';

interface SchemaNode {
  readonly type?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
}

/** Values shown for settings without a default (uncommented as written, they are valid). */
const EXAMPLES: Readonly<Record<string, unknown>> = {
  'analysis.resources.limits.cpu': '1',
  'warehouses.platform': 'linux/amd64',
  'stateRepo.url': 'https://github.com/<owner>/<repository>.git',
};

/** One line of YAML for `key: value` (flow style, so that lists and maps stay on the line). */
function line(key: string, value: unknown): string {
  const text = new Document({ [key]: value }, { version: '1.2' })
    .toString({ lineWidth: 0, collectionStyle: 'flow' })
    .trimEnd();
  return text.replace(/^\{ (.*) \}$/, '$1');
}

function render(node: SchemaNode, path: readonly string[], indent: string, out: string[]): void {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const at = [...path, key];
    // A blank line before each top-level section.
    if (path.length === 0) out.push('');
    if (child.description !== undefined) out.push(`${indent}# ${child.description}`);
    if (child.type === 'object' && child.properties !== undefined) {
      out.push(`${indent}# ${key}:`);
      render(child, at, `${indent}  `, out);
      continue;
    }
    const dotted = at.join('.');
    const value = child.default ?? child.examples?.[0] ?? EXAMPLES[dotted];
    const note = child.default === undefined ? ' # no default' : '';
    out.push(`${indent}# ${line(key, value ?? null)}${note}`);
  }
}

/**
 * The text of an `image-factory.yaml` with every setting commented out (`# key: default`, each
 * after a `# description` line), preceded by `header` lines (e.g. a `$schema` comment). Settings
 * without a default show an example value and `# no default`.
 */
export function renderSettingsReference(header: readonly string[] = []): string {
  const schema = z.toJSONSchema(SettingsSchema, { io: 'input', unrepresentable: 'any' }) as SchemaNode;
  const out: string[] = [
    ...header,
    '# Image Factory settings. Every setting is optional: each is shown commented out with its default;',
    '# uncomment a line (and its parents) to change it.',
  ];
  render(schema, [], '', out);
  return `${out.join('\n')}\n`;
}
