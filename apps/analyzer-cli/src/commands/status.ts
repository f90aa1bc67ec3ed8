import { homedir } from 'node:os';
import { displayPath, resolveStateDir } from '@image-factory/state-schema/state-dir';
import { InvalidArgumentError } from 'commander';
import type { CliIO } from '../io.js';
import { integerOption, stateDirOption } from '../options.js';
import type { RegisterCommand } from '../program.js';
import type { ImageStatus, StatusReport, UpdateOutcome } from '../status/index.js';

/** What `image-factory status` does, independent of how the flags were spelled. */
export interface StatusOptions {
  /** `--state-dir`; undefined: `$IMAGE_FACTORY_STATE_DIR`, else the default. */
  readonly stateDir?: string | undefined;
  readonly json: boolean;
  /** `--html FILE`: where to write the report page. */
  readonly html?: string | undefined;
  /** Record what the registries said in `base-images/*.yaml`. */
  readonly update: boolean;
  /** Deadline of all registry requests together, in seconds. */
  readonly timeoutSeconds: number;
  /** Requests in flight at once per registry host. */
  readonly concurrency: number;
  /** Registries (`host:port`) reached over plain HTTP. */
  readonly plainHttp: readonly string[];
}

export const DEFAULT_STATUS_TIMEOUT_SECONDS = 120;
export const DEFAULT_STATUS_CONCURRENCY = 4;

const EXIT_CODES =
  '\nExit codes: 0 every reference was read (images may be behind: status is information), 1 the state is invalid, a registry could not be read for some reference, or --update could not write (what is known is still printed and written), 2 usage error.\nRegistry credentials: $DOCKER_CONFIG/config.json (else ~/.docker/config.json), "auths" entries; see docs/status.md.';

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('must be a positive number');
  return parsed;
}

interface StatusFlags {
  stateDir?: string;
  json?: boolean;
  html?: string;
  update?: boolean;
  timeout: number;
  concurrency: number;
  plainHttp: string[];
}

/** `image-factory status`: which images are behind their bases, since when, and what rebuilds next. */
export const registerStatus: RegisterCommand = (program, ctx) => {
  program
    .command('status')
    .description(
      'Ask the registries what every base image points to now and show which managed images are up to date or behind, since when, when their next rebuild becomes eligible and what it cascades to.',
    )
    .addOption(stateDirOption())
    .option('--json', 'print a JSON document (with a version field) instead of the table')
    .option('--html <file>', 'also write a self-contained HTML report (graph and sortable tables)')
    .option('--update', 'record the digests seen in base-images/*.yaml (only what changed)')
    .option(
      '--timeout <seconds>',
      'deadline of all registry requests together',
      positiveNumber,
      DEFAULT_STATUS_TIMEOUT_SECONDS,
    )
    .option(
      '--concurrency <n>',
      'registry requests in flight at once per host',
      integerOption('--concurrency', 1, 64),
      DEFAULT_STATUS_CONCURRENCY,
    )
    .option(
      '--plain-http <host>',
      'a registry (host:port) reached over plain HTTP instead of HTTPS, repeatable',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .addHelpText('after', EXIT_CODES)
    .action(async (flags: StatusFlags) => {
      ctx.setExitCode(
        await runStatus(
          {
            stateDir: flags.stateDir,
            json: flags.json === true,
            html: flags.html,
            update: flags.update === true,
            timeoutSeconds: flags.timeout,
            concurrency: flags.concurrency,
            plainHttp: flags.plainHttp,
          },
          ctx.io,
        ),
      );
    });
};

/** Runs `status` and returns its exit code (errors that end the run are thrown as CliError). */
export async function runStatus(options: StatusOptions, io: CliIO): Promise<number> {
  const [status, { clockFromEnv }, { redactUrls }, { writeFileAtomic }, path, { CliError }] =
    await Promise.all([
      import('../status/index.js'),
      import('../lib/clock-env.js'),
      import('../lib/redact.js'),
      import('@image-factory/state-schema'),
      import('node:path'),
      import('../errors.js'),
    ]);
  const run = await status.executeStatus({
    stateDir: resolveStateDir(options.stateDir, io.env, io.cwd),
    cwd: io.cwd,
    dockerConfigPath: status.dockerConfigPath({
      dockerConfig: io.env.DOCKER_CONFIG,
      homeDir: io.env.HOME ?? homedir(),
    }),
    plainHttpRegistries: options.plainHttp,
    timeoutMs: Math.round(options.timeoutSeconds * 1000),
    concurrencyPerHost: options.concurrency,
    update: options.update,
    now: clockFromEnv(io.env)(),
  });
  const color = io.stdout.isTTY === true && (io.env.NO_COLOR ?? '') === '';
  if (options.json) {
    io.stdout.write(status.renderStatusJson(run));
    io.stderr.write(`${formatStatusSummary(run.report)}\n`);
  } else {
    io.stdout.write(formatStatus(run.report, { color }));
    io.stdout.write(formatUpdates(run.updates));
    io.stdout.write(`${formatStatusSummary(run.report)}\n`);
  }
  if (options.html !== undefined) {
    // Written like synth's manifest: missing directories created, a temporary file read back, then
    // renamed over the page, so a reader never sees half a report.
    const file = path.resolve(io.cwd, options.html);
    try {
      await writeFileAtomic(file, status.renderStatusHtml(run.report));
    } catch (error) {
      const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
      throw new CliError(`--html: cannot write ${displayPath(file, io.cwd)} (${reason})`);
    }
  }
  let code = 0;
  for (const base of run.report.bases) {
    if (base.check === 'error') {
      io.stderr.write(`image-factory: ${redactUrls(base.reason ?? `${base.name}: registry error`)}\n`);
      code = 1;
    }
  }
  for (const update of run.updates) {
    if ('error' in update) {
      io.stderr.write(`image-factory: --update ${update.base}: ${redactUrls(update.error)}\n`);
      code = 1;
    }
  }
  return code;
}

/** `status: 4 images: 1 up to date, 2 behind, 1 unknown; 3 requests to 127.0.0.1:5000` (pure). */
export function formatStatusSummary(report: StatusReport): string {
  const { summary } = report;
  const images = report.images.length;
  const requests =
    report.requests.length === 0
      ? 'no registry requests'
      : report.requests
          .map(({ host, requests: n }) => `${n} request${n === 1 ? '' : 's'} to ${host}`)
          .join(', ');
  const errors =
    summary.registryErrors === 0
      ? ''
      : `, ${summary.registryErrors} registry error${summary.registryErrors === 1 ? '' : 's'}`;
  return `status: ${images} image${images === 1 ? '' : 's'}: ${summary.upToDate} up to date, ${summary.behind} behind, ${summary.unknown} unknown${errors}; ${requests}`;
}

const COLORS: Record<ImageStatus['status'] | 'error', string> = {
  'up-to-date': '\u001b[32m',
  behind: '\u001b[33m',
  unknown: '\u001b[2m',
  error: '\u001b[31m',
};
const RESET = '\u001b[0m';

/** The terminal tables: managed images, then base images (pure). */
export function formatStatus(report: StatusReport, options: { readonly color: boolean }): string {
  const now = Date.parse(report.generatedAt);
  const paint = (text: string, tone: keyof typeof COLORS) =>
    options.color ? `${COLORS[tone]}${text}${RESET}` : text;
  const imageRows = report.images.map((image) => {
    const behind = image.bases.filter((base) => base.status === 'behind');
    const since = behind
      .map((base) => base.behindSince)
      .filter((value): value is string => value !== undefined)
      .sort()[0];
    return {
      cells: [
        image.name,
        image.status.replace(/-/g, ' '),
        behind.length === 0 ? '' : behind.map((base) => base.base).join(', '),
        since === undefined ? (behind.length > 0 ? 'not recorded' : '') : `${since} (${age(since, now)})`,
        nextRebuild(image, now),
        image.cascade.join(', '),
      ],
      tone: image.status,
    };
  });
  const lines = table(
    ['IMAGE', 'STATUS', 'BEHIND ON', 'BEHIND SINCE', 'NEXT REBUILD', 'CASCADES TO'],
    imageRows,
    1,
    paint,
  );
  const notes = report.images.flatMap((image) => image.reasons.map((reason) => `  ${image.name}: ${reason}`));
  const baseRows = report.bases.map((base) => ({
    cells: [
      base.name,
      base.platform === undefined ? (base.tag ?? '') : `${base.tag ?? ''} (${base.platform})`,
      shortDigest(base.currentDigest),
      base.check === 'registry' && base.changed
        ? base.recordedDigest === undefined
          ? 'not recorded'
          : `moved from ${shortDigest(base.recordedDigest)}`
        : base.check === 'registry'
          ? 'as recorded'
          : base.check,
    ],
    tone: (base.check === 'error' ? 'error' : base.check === 'not-checked' ? 'unknown' : 'up-to-date') as
      | ImageStatus['status']
      | 'error',
  }));
  const baseLines = table(['BASE IMAGE', 'TAG', 'DIGEST NOW', 'STATE'], baseRows, 3, paint);
  // Registry errors are printed on stderr (one line each); the other reasons here.
  const baseNotes = report.bases.flatMap((base) =>
    base.reason === undefined || base.check === 'error' ? [] : [`  ${base.name}: ${base.reason}`],
  );
  return [
    ...lines,
    ...(notes.length === 0 ? [] : ['', 'unknown:', ...notes]),
    '',
    ...baseLines,
    ...(baseNotes.length === 0 ? [] : ['', ...baseNotes]),
    '',
    '',
  ].join('\n');
}

/** What `--update` wrote, one line per file (pure). */
export function formatUpdates(updates: readonly UpdateOutcome[]): string {
  const lines = updates.flatMap((update) => {
    if ('error' in update) return [];
    return [
      update.change === 'updated'
        ? `updated ${update.file}: ${update.digest} (was ${update.previousDigest ?? 'unknown'})`
        : `recorded ${update.file}: ${update.digest} (first seen)`,
    ];
  });
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function nextRebuild(image: ImageStatus, now: number): string {
  if (image.status !== 'behind') return '';
  const manual = image.autoRebuild ? '' : ', manual promotion';
  if (image.eligibleAt === undefined) {
    return image.rebuildBy === undefined ? `unknown${manual}` : `by ${image.rebuildBy}${manual}`;
  }
  const eligible = Date.parse(image.eligibleAt);
  const when =
    eligible <= now
      ? `eligible now (soaked ${age(image.eligibleAt, now)})`
      : `eligible ${image.eligibleAt} (in ${duration(eligible - now)})`;
  return `${when}${image.rebuildBy === undefined ? '' : `, by ${image.rebuildBy}`}${manual}`;
}

function age(iso: string, now: number): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? 'unknown' : `${duration(Math.max(0, now - time))} ago`;
}

function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return `${hours}h ${minutes % 60}m`;
  return `${minutes}m`;
}

function shortDigest(digest: string | undefined): string {
  if (digest === undefined) return '-';
  const colon = digest.indexOf(':');
  return colon === -1 ? digest.slice(0, 19) : digest.slice(0, colon + 13);
}

function table(
  header: readonly string[],
  rows: ReadonlyArray<{ readonly cells: readonly string[]; readonly tone: keyof typeof COLORS }>,
  toneColumn: number,
  paint: (text: string, tone: keyof typeof COLORS) => string,
): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map(({ cells }) => (cells[column] ?? '').length)),
  );
  const line = (cells: readonly string[], tone?: keyof typeof COLORS) =>
    cells
      .map((text, column) => {
        const padded = column === cells.length - 1 ? text : text.padEnd(widths[column] ?? 0);
        return tone !== undefined && column === toneColumn ? paint(padded, tone) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(({ cells, tone }) => line(cells, tone))];
}
