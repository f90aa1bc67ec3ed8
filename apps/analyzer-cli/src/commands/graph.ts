import { resolveStateDir } from '@image-factory/state-schema/state-dir';
import { Option } from 'commander';
import { CliError } from '../errors.js';
import type { CliIO } from '../io.js';
import type { GraphFormat, GraphNodeKind, ImageGraph } from '../lib/graph.js';
import { stateDirOption } from '../options.js';
import type { RegisterCommand } from '../program.js';

/** The `version` of `graph --format json` (raised when a field changes meaning or is removed). */
export const GRAPH_JSON_VERSION = 1;

/** Options of `image-factory graph`. */
export interface GraphOptions {
  /** `--state-dir`, as given (resolved against the working directory by {@link runGraph}). */
  readonly stateDir?: string | undefined;
  readonly format: GraphFormat;
}

/** `image-factory graph`: base image → image → consumer graph of the state. */
export const registerGraph: RegisterCommand = (program, ctx) => {
  program
    .command('graph')
    .description('Print the base image → image → consumer graph of the state, including cascades.')
    .addOption(stateDirOption())
    .addOption(
      new Option('--format <format>', 'output format').choices(['mermaid', 'dot', 'json']).default('mermaid'),
    )
    .addOption(new Option('--json', 'the same as --format json').conflicts('format'))
    .action(async (flags: { stateDir?: string; format: GraphFormat; json?: boolean }) => {
      const { json, ...options } = flags;
      ctx.setExitCode(await runGraph(json ? { ...options, format: 'json' } : options, ctx.io));
    });
};

/** Prints the graph; returns 0, or throws a CliError (exit 1) for a state that loads but has no graph. */
export async function runGraph(options: GraphOptions, io: CliIO): Promise<number> {
  const { loadValidState, buildImageGraph } = await import('../graph/index.js');
  const state = await loadValidState(resolveStateDir(options.stateDir, io.env, io.cwd), undefined, io.cwd);
  const result = buildImageGraph(state);
  if (!result.ok) throw new CliError(`the image graph is invalid:\n  ${result.errors.join('\n  ')}`);
  io.stdout.write(formatGraph(result.graph, options.format));
  return 0;
}

/**
 * Renders the graph as Mermaid (`flowchart LR`), Graphviz DOT or JSON (`{"version": 1, "nodes",
 * "edges", "cascades"}`); ends with a newline.
 */
export function formatGraph(graph: ImageGraph, format: GraphFormat): string {
  if (format === 'json') return `${JSON.stringify({ version: GRAPH_JSON_VERSION, ...graph }, null, 2)}\n`;
  return format === 'dot' ? renderDot(graph) : renderMermaid(graph);
}

function renderMermaid(graph: ImageGraph): string {
  const ids = new Map<string, string>();
  const counters: Record<GraphNodeKind, number> = { base: 0, image: 0, consumer: 0 };
  const prefix: Record<GraphNodeKind, string> = { base: 'b', image: 'i', consumer: 'c' };
  for (const node of graph.nodes) ids.set(node.id, `${prefix[node.kind]}${counters[node.kind]++}`);
  const text = (value: string) => value.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
  const lines = ['flowchart LR'];
  for (const node of graph.nodes) {
    lines.push(
      `  ${ids.get(node.id)}["${text(node.name)}<br/><small>${text(node.detail)}</small>"]:::${node.kind}`,
    );
  }
  for (const edge of graph.edges) {
    const arrow = edge.kind === 'updates' ? `-.->|${text(edge.label ?? 'updates')}|` : '-->';
    lines.push(`  ${ids.get(edge.from)} ${arrow} ${ids.get(edge.to)}`);
  }
  lines.push(
    '  classDef base fill:#eef,stroke:#669',
    '  classDef image fill:#efe,stroke:#393',
    '  classDef consumer fill:#fff,stroke:#999,stroke-dasharray:3 3',
  );
  return `${lines.join('\n')}\n`;
}

function renderDot(graph: ImageGraph): string {
  const quote = (value: string) =>
    `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
  const shapes: Record<GraphNodeKind, string> = { base: 'cylinder', image: 'box', consumer: 'note' };
  const lines = ['digraph "image-factory" {', '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  for (const node of graph.nodes) {
    lines.push(
      `  ${quote(node.id)} [label=${quote(`${node.name}\n${node.detail}`)}, shape=${shapes[node.kind]}];`,
    );
  }
  for (const edge of graph.edges) {
    const attrs = edge.kind === 'updates' ? ` [style=dashed, label=${quote(edge.label ?? 'updates')}]` : '';
    lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)}${attrs};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
