import {
  builtOn,
  DEFAULT_TIMING,
  type DispatchRecord,
  formatMillis,
  type ProjectModel,
  parseManifests,
  type RebuildSummary,
  type ScheduledPush,
  type SimulationResult,
  simulate,
  summarize,
  type TimelineEntry,
} from '@image-factory/kargo-simulator';
import type { FactoryState } from '@image-factory/state-schema';
import { CliError, UsageError } from '../errors.js';

/** Version of the `--json` document; raised when a field changes meaning or is removed. */
export const SIMULATE_JSON_VERSION = 1;

/** Bounds of a simulation a user can ask for. */
export const MAX_SPAN_MS = 400 * 86_400_000;
export const MAX_CHANGES = 5000;

/** The base whose changes are replayed. */
export interface SimulatedBase {
  readonly name: string;
  /** Warehouse repoURL, e.g. `docker.io/library/python`. */
  readonly repoURL: string;
  /** The watched tag, for a base that follows one tag's digest; otherwise each change is a new version. */
  readonly tag?: string | undefined;
  readonly reference: string;
}

/** Finds `name` among base images and managed images (a managed image is the base of its cascade). */
export function findBase(state: FactoryState, name: string): SimulatedBase {
  const base = state.baseImages.find((b) => b.name === name);
  if (base !== undefined) {
    return {
      name,
      repoURL: base.repoURL,
      tag: base.imageSelectionStrategy === 'Digest' ? base.tag : undefined,
      reference: base.key,
    };
  }
  const managed = state.managedImages.find((m) => m.name === name);
  if (managed !== undefined)
    return { name, repoURL: managed.reference.name, reference: managed.reference.name };
  const known = [...state.baseImages, ...state.managedImages].map((b) => b.name).join(', ') || 'none';
  throw new CliError(
    `"${name}" is neither a base image nor a managed image of the state`,
    1,
    `images: ${known}`,
  );
}

/** The JSON document `--json` prints (documented in the README). */
export interface SimulateReport {
  readonly version: number;
  readonly base: SimulatedBase;
  readonly every: string;
  readonly for: string;
  readonly changes: number;
  readonly timeline: readonly (TimelineEntry & { readonly time: string })[];
  readonly summary: readonly (RebuildSummary & { readonly image: string })[];
  readonly truncated: boolean;
}

export interface SimulateOutcome {
  readonly project: ProjectModel;
  readonly result: SimulationResult;
  readonly report: SimulateReport;
}

/** Replays `changes` pushes of the base, every `every` milliseconds, against the synthesized objects. */
export function runSimulation(
  objects: readonly unknown[],
  base: SimulatedBase,
  every: number,
  span: number,
): SimulateOutcome {
  if (every <= 0 || span <= 0) throw new UsageError('--every and --for must be positive durations');
  if (span > MAX_SPAN_MS) throw new UsageError(`--for is at most ${formatMillis(MAX_SPAN_MS)}`);
  const pushes: ScheduledPush[] = [];
  for (let at = every; at <= span; at += every) {
    if (pushes.length >= MAX_CHANGES)
      throw new UsageError(`at most ${MAX_CHANGES} changes: raise --every or lower --for`);
    pushes.push({ at, repoURL: base.repoURL, tag: base.tag });
  }
  let project: ProjectModel;
  try {
    project = parseManifests(objects);
  } catch (error) {
    throw new CliError(`the synthesized manifests cannot be simulated: ${(error as Error).message}`);
  }
  const result = simulate({ project, horizon: span, pushes });
  const summary = summarize(project, result).map((s) => ({ image: s.stage.replace(/^rebuild-/, ''), ...s }));
  return {
    project,
    result,
    report: {
      version: SIMULATE_JSON_VERSION,
      base,
      every: formatMillis(every),
      for: formatMillis(span),
      changes: pushes.length,
      timeline: result.timeline.map((entry) => ({ ...entry, time: clock(entry.at) })),
      summary,
      truncated: result.truncated,
    },
  };
}

/** `12d04:30` — days and time of simulated time. */
export function clock(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return `${days}d${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

const short = (digest: string) => digest.slice(0, 'sha256:'.length + 12);

function dispatchLines(d: DispatchRecord, pushedAt: ReadonlyMap<string, number>): string[] {
  const lines = [`${d.method} ${d.url}`, `body: ${d.body}`];
  if (d.pins === undefined) {
    const on = [...builtOn(d)].map(([repo, digest]) => `${repo}@${short(digest)}`).join(', ');
    lines.push(`UNPINNED: the build resolves its bases when it runs (the Freight held ${on || 'no image'})`);
  } else {
    for (const [ref, digest] of Object.entries(d.pins)) {
      const at = pushedAt.get(digest);
      lines.push(
        `pin ${ref}@${digest}${at === undefined ? '' : ` (pushed ${formatMillis(d.at - at)} earlier)`}`,
      );
    }
  }
  if (d.target !== undefined) lines.push(`builds ${d.target}`);
  return lines;
}

function entryText(entry: TimelineEntry, pushedAt: ReadonlyMap<string, number>): string[] {
  switch (entry.kind) {
    case 'push':
      return [`push       ${entry.repoURL}:${entry.tag} ${short(entry.digest)}`];
    case 'freight':
      return [
        `freight    ${entry.warehouse}: ${entry.images.map((i) => `${i.repoURL}:${i.tag}@${short(i.digest)}`).join(', ')}`,
      ];
    case 'promotion':
      return [
        `promote    ${entry.stage} ← ${entry.freight.slice(0, 7)} ${entry.phase}${entry.message ? `: ${entry.message}` : ''}`,
      ];
    case 'verification':
      return [`verify     ${entry.stage} ${entry.freight.slice(0, 7)} ${entry.outcome}`];
    case 'dispatch': {
      const [first, ...rest] = dispatchLines(entry.dispatch, pushedAt);
      return [`dispatch   ${entry.dispatch.stage}: ${first}`, ...rest.map((l) => `             ${l}`)];
    }
    case 'build':
      return [`build      ${entry.build.repoURL}:${entry.build.tag} ${short(entry.build.digest)} pushed`];
    case 'update':
      return [`update     ${entry.stage}: ${entry.steps.map((s) => s.uses).join(' → ')}`];
  }
}

/** The human-readable timeline and summary. */
export function formatSimulate({ report, result, project }: SimulateOutcome): string {
  const out: string[] = [
    `Simulating ${report.changes} digest changes of ${report.base.name} (${report.base.reference}) every ${report.every} for ${report.for}`,
    `against ${project.warehouses.size} Warehouses and ${project.stages.size} Stages (Kargo v1.11 model; timing: Stage requeue ${formatMillis(DEFAULT_TIMING.requeueInterval)}, build ${formatMillis(DEFAULT_TIMING.buildDuration)}).`,
    '',
    'Timeline',
  ];
  for (const entry of result.timeline) {
    const [first, ...rest] = entryText(entry, result.pushedAt);
    out.push(`  ${clock(entry.at)}  ${first}`);
    for (const line of rest) out.push(`           ${line}`);
  }
  if (result.truncated) out.push('  … stopped: the event limit was reached');
  out.push('', 'Summary (per rebuilt image)');
  const rows = [['image', 'rebuilds', 'unpinned', 'longest wait', 'bound', ''] as string[]];
  for (const s of report.summary) {
    rows.push([
      s.image,
      String(s.rebuilds),
      String(s.unpinnedRebuilds),
      formatMillis(s.longestWait),
      formatMillis(s.bound),
      s.manual
        ? 'manual (autoRebuild: false)'
        : s.longestWait > s.bound
          ? 'STARVED: a base change waited longer than the bound'
          : '',
    ]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const row of rows)
    out.push(
      `  ${row
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd()}`,
    );
  return `${out.join('\n')}\n`;
}
