import type { AnalysisMetric } from '../analysis.js';
import { isShellAllowed } from '../metric-provider.js';

const ARG_REF_RE = /\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}/g;
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'busybox']);

function strings(value: unknown, path: string, out: [string, string][]): void {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      strings(v, `${path}[${i}]`, out);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) strings(v, `${path}.${k}`, out);
  }
}

interface RenderedSpec {
  args?: { name?: unknown }[];
  metrics?: { name?: unknown; provider?: unknown }[];
}

/**
 * Problems of an AnalysisTemplate spec beyond its CRD: at least one metric, unique metric and
 * argument names, every `{{args.x}}` reference declared, no shell command in job containers.
 */
export function analysisSpecIssues(
  spec: RenderedSpec | undefined,
  metrics: readonly AnalysisMetric[],
): string[] {
  const out: string[] = [];
  const args = spec?.args ?? [];
  const declared = new Set<string>();
  args.forEach((arg, i) => {
    if (typeof arg.name !== 'string') return;
    if (declared.has(arg.name)) out.push(`spec.args[${i}].name: argument "${arg.name}" is declared twice`);
    declared.add(arg.name);
  });
  const rendered = spec?.metrics ?? [];
  if (rendered.length === 0) {
    out.push(
      'spec.metrics: an AnalysisTemplate needs at least one metric (pass metrics or call addMetric())',
    );
  }
  const names = new Set<string>();
  rendered.forEach((metric, i) => {
    const at = `spec.metrics[${i}]`;
    if (typeof metric.name === 'string') {
      if (names.has(metric.name)) out.push(`${at}.name: metric "${metric.name}" is defined twice`);
      names.add(metric.name);
    }
    const found: [string, string][] = [];
    strings(metric, at, found);
    for (const [path, text] of found) {
      for (const [, name] of text.matchAll(ARG_REF_RE)) {
        if (name !== undefined && !declared.has(name)) {
          out.push(
            `${path}: references {{args.${name}}} but the template declares no argument "${name}" (declared: ${[...declared].sort().join(', ') || 'none'})`,
          );
        }
      }
    }
    const provider = metrics[i]?.provider;
    if (provider !== undefined && isShellAllowed(provider)) return;
    const containers = (
      metric.provider as { job?: { spec?: { template?: { spec?: { containers?: unknown[] } } } } }
    )?.job?.spec?.template?.spec?.containers;
    (containers ?? []).forEach((container, c) => {
      const argv = [
        ...(((container as { command?: unknown[] }).command ?? []) as unknown[]),
        ...(((container as { args?: unknown[] }).args ?? []) as unknown[]),
      ];
      const program = typeof argv[0] === 'string' ? (argv[0].split('/').pop() ?? '') : '';
      if (SHELLS.has(program) && argv.includes('-c')) {
        out.push(
          `${at}.provider.job.spec.template.spec.containers[${c}].command: runs a shell script (${program} -c); pass the program and its arguments as an argv array instead (or set allowShell: true)`,
        );
      }
    });
  });
  return out;
}
