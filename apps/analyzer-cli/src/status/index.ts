/**
 * `image-factory status`, the heavy part (loaded lazily by src/commands/status.ts): load the state,
 * ask the registries, compute the status, record it with `--update`, render JSON and HTML.
 * Never prints and never reads the environment: the command passes everything in.
 */
import { DockerConfigError, type DockerCredentials, readDockerConfig } from '@image-factory/registry';
import { CliError } from '../errors.js';
import { buildImageGraph } from '../lib/graph.js';
import { loadValidState } from '../lib/state.js';
import { computeStatus, type StatusReport } from './compute.js';
import { observeBases } from './observe.js';
import { recordObservations, type UpdateOutcome } from './update.js';

// The command computes the Docker config path from its environment with the registry's rule.
export { dockerConfigPath } from '@image-factory/registry';
export type { BaseStatus, ImageBaseStatus, ImageStatus, StatusReport } from './compute.js';
export { STATUS_JSON_VERSION } from './compute.js';
export { renderStatusHtml } from './html.js';
export type { UpdateOutcome } from './update.js';

export interface ExecuteStatusOptions {
  readonly stateDir: string;
  /** The working directory: problems are shown relative to it when inside it. */
  readonly cwd?: string | undefined;
  /** The Docker config file (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`). */
  readonly dockerConfigPath: string;
  readonly plainHttpRegistries: readonly string[];
  readonly timeoutMs: number;
  readonly concurrencyPerHost: number;
  readonly update: boolean;
  readonly now: Date;
  /** For tests: the pause between registry attempts. */
  readonly sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
}

export interface StatusRun {
  readonly report: StatusReport;
  /** What `--update` wrote (or failed to write); empty without `--update`. */
  readonly updates: readonly UpdateOutcome[];
}

export async function executeStatus(options: ExecuteStatusOptions): Promise<StatusRun> {
  const state = await loadValidState(options.stateDir, undefined, options.cwd);
  const graph = buildImageGraph(state);
  if (!graph.ok) throw new CliError(`the image graph is invalid:\n  ${graph.errors.join('\n  ')}`);
  let credentials: DockerCredentials;
  try {
    credentials = await readDockerConfig(options.dockerConfigPath);
  } catch (error) {
    if (error instanceof DockerConfigError) throw new CliError(error.message);
    throw error;
  }
  const observations = await observeBases(state, {
    credentials,
    plainHttpRegistries: options.plainHttpRegistries,
    timeoutMs: options.timeoutMs,
    concurrencyPerHost: options.concurrencyPerHost,
    sleep: options.sleep,
  });
  const report = computeStatus({
    state,
    graph: graph.graph,
    observations: observations.byBase,
    now: options.now,
    requests: observations.requests,
    recording: options.update,
  });
  const updates = options.update
    ? await recordObservations(state.dir, report.bases, state.baseImages, report.generatedAt)
    : [];
  return { report, updates };
}

/** The `--json` document: the report, plus what `--update` did. */
export function renderStatusJson(run: StatusRun): string {
  return `${JSON.stringify({ ...run.report, updates: run.updates }, null, 2)}\n`;
}
