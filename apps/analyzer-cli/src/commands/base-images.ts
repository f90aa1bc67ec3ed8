import type { DockerfileImage, DockerfileProblem } from '@image-factory/dockerfile-analyzer';
import { displayPath } from '@image-factory/state-schema/state-dir';
import type { CliIO } from '../io.js';
import type { RegisterCommand } from '../program.js';

/** The `version` of `base-images --json` (raised when a field changes meaning or is removed). */
export const BASE_IMAGES_JSON_VERSION = 1;

/** Options of `image-factory base-images`. */
export interface BaseImagesOptions {
  /** The Dockerfiles, as given (relative to the working directory, or absolute). */
  readonly files: readonly string[];
  /** `--build-arg NAME=value` or bare `NAME` (from the environment), in order. */
  readonly buildArg?: readonly string[] | undefined;
  readonly target?: string | undefined;
  readonly platform?: string | undefined;
  readonly buildPlatform?: string | undefined;
  /** `--json`: `{"version": 1, "files": [{"file", "images", "problems"}, ...]}` on stdout. */
  readonly json?: boolean | undefined;
}

/** What is printed for one file. */
export interface FileReport {
  readonly file: string;
  readonly images: readonly DockerfileImage[];
  readonly problems: readonly DockerfileProblem[];
}

/** `image-factory base-images <Dockerfile>...`: every image the Dockerfiles depend on, as BuildKit sees it. */
export const registerBaseImages: RegisterCommand = (program, ctx) => {
  program
    .command('base-images')
    .description(
      'List every image the Dockerfiles depend on (FROM, COPY --from, RUN --mount from=), resolved as BuildKit does.',
    )
    .argument('<dockerfile...>', 'Dockerfiles to analyse')
    .option(
      '--build-arg <name=value>',
      'build argument, repeatable; a bare NAME takes its value from the environment',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--target <stage>', 'stage to build (default: the last stage)')
    .option('--platform <platform>', 'target platform, e.g. linux/arm64 (default: linux/amd64)')
    .option(
      '--build-platform <platform>',
      'platform of the build machine, BUILDPLATFORM (default: linux/amd64)',
    )
    .option('--json', 'print JSON: {"version": 1, "files": [{"file","images","problems"}, ...]}')
    .addHelpText(
      'after',
      '\nExit codes: 0 analysed (warnings do not fail), 1 a file cannot be read or has errors (or the reader of the output went away), 2 usage error.',
    )
    .action(async (files: string[], flags: Omit<BaseImagesOptions, 'files'>) => {
      ctx.setExitCode(await runBaseImages({ ...flags, files }, ctx.io));
    });
};

/**
 * Analyses the files and writes the report: exit code 0 when every file was read and has no error
 * (warnings do not fail), 1 otherwise or when the reader of the report went away. Throws a
 * UsageError for malformed flags (exit code 2).
 */
export async function runBaseImages(options: BaseImagesOptions, io: CliIO): Promise<number> {
  const { writeBaseImagesReport } = await import('../base-images/index.js');
  return writeBaseImagesReport(options, io);
}

/** A readable table of the images of one file (its path shown from `cwd` when inside it). */
export function formatBaseImages(report: FileReport, cwd: string): string {
  const errors = report.problems.filter((p) => p.severity === 'error').length;
  const warnings = report.problems.length - errors;
  const counts = [
    plural(report.images.length, 'image'),
    ...(errors > 0 ? [plural(errors, 'error')] : []),
    ...(warnings > 0 ? [plural(warnings, 'warning')] : []),
  ];
  let out = `${displayPath(report.file, cwd)}: ${counts.join(', ')}\n`;
  if (report.images.length === 0) return out;
  const rows = [
    ['LINE', 'SOURCE', 'STAGE', 'PLATFORM', 'REFERENCE', ''],
    ...report.images.map((image) => [
      image.lines.join(','),
      image.onbuild ? `${image.source} (onbuild)` : image.source,
      image.stage,
      image.platform,
      image.reference,
      image.reachable ? '' : '(not built for the target)',
    ]),
  ];
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  for (const row of rows) {
    const cells = row.map((cell, column) =>
      column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
    );
    out += `  ${cells.join('  ').trimEnd()}\n`;
  }
  return out;
}

/** One line per problem of the given severities: `file:line: severity: message [Code]` (+ hint). */
export function formatBaseImagesProblems(
  report: FileReport,
  severities: ReadonlySet<string>,
  cwd: string,
): string {
  const file = displayPath(report.file, cwd);
  let out = '';
  for (const problem of report.problems) {
    if (!severities.has(problem.severity)) continue;
    const where = problem.line > 0 ? `${file}:${problem.line}` : file;
    out += `${where}: ${problem.severity}: ${problem.message} [${problem.code}]\n`;
    if (problem.hint) out += `  hint: ${problem.hint}\n`;
  }
  return out;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
