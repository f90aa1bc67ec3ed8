import { resolveStateDir } from '@image-factory/state-schema/state-dir';
import { Option } from 'commander';
import type { PlannedChange } from '../generate-state/dry-run.js';
import type { CliIO } from '../io.js';
import type { GenerateStateReport } from '../lib/generate-state.js';
import { integerOption, stateDirOption } from '../options.js';
import type { RegisterCommand } from '../program.js';

/** The `version` of `generate-state --json` (raised when a field changes meaning or is removed). */
export const GENERATE_STATE_JSON_VERSION = 1;

/** Options of `image-factory generate-state`. */
export interface GenerateStateOptions {
  /** `--state-dir`, as given (resolved against the working directory by {@link runGenerateState}). */
  readonly stateDir?: string | undefined;
  /** `--git-url-template` (default: `$IMAGE_FACTORY_GIT_URL_TEMPLATE`, else the settings' URLs). */
  readonly gitUrlTemplate?: string | undefined;
  /** Dockerfiles fetched in parallel, 1 to 32. */
  readonly concurrency: number;
  /** Print what would change (a summary and a unified diff) and write nothing. */
  readonly dryRun?: boolean | undefined;
  readonly json?: boolean | undefined;
}

/** `image-factory generate-state`: re-discover every managed image and generate the build workflows. */
export const registerGenerateState: RegisterCommand = (program, ctx) => {
  program
    .command('generate-state')
    .description(
      'Fetch every managed image’s Dockerfile, record its base images in the state, and generate the build workflows.',
    )
    .addOption(stateDirOption())
    .option(
      '--git-url-template <template>',
      'source git URL with {provider} and {repo} replaced (default: $IMAGE_FACTORY_GIT_URL_TEMPLATE, else github.url/gitlab.url from the settings + /{repo}.git)',
    )
    .addOption(
      new Option('--concurrency <n>', 'Dockerfiles fetched in parallel')
        .argParser(integerOption('--concurrency', 1, 32))
        .default(4),
    )
    .option('--dry-run', 'print what would change (files, and a unified diff) and write nothing')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Credentials come from the environment; each is sent only to the host it belongs to:
  GITHUB_TOKEN  repositories under GITHUB_URL (default: github.url of the settings),
                as x-access-token
  GITLAB_TOKEN  repositories under GITLAB_URL (default: gitlab.url of the settings), as oauth2
Without either, git's own configuration (credential helpers, ssh agent) applies.`,
    )
    .action(async (options: GenerateStateOptions) => {
      ctx.setExitCode(await runGenerateState(options, ctx.io));
    });
};

/**
 * Runs generate-state and returns its exit code: 0 every image discovered (and the state loads),
 * 1 otherwise. An invalid or missing state throws a CliError (exit 1). With `dryRun`, the run
 * happens on a copy of the state directory and nothing in it is written.
 */
export async function runGenerateState(options: GenerateStateOptions, io: CliIO): Promise<number> {
  const [
    { generateState, generateStateDryRun, clockFromEnv, terminalProgress },
    { problemJson, renderProblems },
  ] = await Promise.all([import('../generate-state/index.js'), import('../validate/report.js')]);
  const stateDir = resolveStateDir(options.stateDir, io.env, io.cwd);
  const gitUrlTemplate = options.gitUrlTemplate ?? (io.env.IMAGE_FACTORY_GIT_URL_TEMPLATE || undefined);
  const run = { stateDir, gitUrlTemplate, concurrency: options.concurrency };
  const context = {
    env: io.env,
    cwd: io.cwd,
    clock: clockFromEnv(io.env),
    progress: terminalProgress(io.stderr, io.env, options.json === true),
  };
  const { report, changes } = options.dryRun
    ? await generateStateDryRun(run, context)
    : { report: await generateState(run, context), changes: undefined };
  // The state's warnings as validate prints them (`file:line:col: warning: ...`, paths from the
  // current directory), then the others.
  io.stderr.write(renderProblems(report.stateWarnings, stateDir, io.cwd));
  for (const warning of report.warnings) io.stderr.write(`image-factory: warning: ${warning}\n`);
  if (options.json) {
    const dryRun = changes === undefined ? {} : { dryRun: true, changes };
    const json = {
      version: GENERATE_STATE_JSON_VERSION,
      ...dryRun,
      ...report,
      stateWarnings: report.stateWarnings.map(problemJson),
      problems: report.problems.map(problemJson),
    };
    io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    const problems = report.problems.map((problem) => renderProblems([problem], stateDir, io.cwd).trimEnd());
    io.stdout.write(formatGenerateState(report, changes, problems));
  }
  return report.ok ? 0 : 1;
}

/**
 * The text report: one line per image, then the files written (or, for a dry run, that would be
 * written, with their unified diffs), then a summary.
 */
export function formatGenerateState(
  report: GenerateStateReport,
  changes?: readonly PlannedChange[],
  /** The errors of the written state, each as `file:line:col: message` (and its hint lines). */
  problems: readonly string[] = [],
): string {
  const lines: string[] = [];
  const width = Math.max(0, ...report.images.map((image) => image.name.length));
  for (const image of report.images) {
    const name = image.name.padEnd(width);
    if (image.status === 'success') {
      const bases = image.baseImages.length > 0 ? image.baseImages.join(', ') : '(none)';
      lines.push(`ok      ${name}  base images: ${bases}`);
    } else {
      lines.push(`FAILED  ${name}  ${(image.error ?? '').replace(/\n/g, '\n        ')}`);
    }
    for (const warning of image.warnings) lines.push(`        ${' '.repeat(width)}  warning: ${warning}`);
  }
  for (const problem of problems) lines.push(`ERROR   ${problem}`);
  const failed = report.images.filter((image) => image.status === 'failed').length;
  const images = `${plural(report.images.length, 'image')}: ${report.images.length - failed} ok, ${failed} failed`;
  if (changes === undefined) {
    for (const file of report.written) lines.push(`wrote   ${file}`);
    for (const file of report.removed) lines.push(`removed ${file}`);
    lines.push(
      `${images}; ${plural(report.written.length, 'file')} written, ${report.removed.length} removed`,
    );
    return `${lines.join('\n')}\n`;
  }
  const verbs = { create: 'would create', update: 'would update', remove: 'would remove' } as const;
  for (const change of changes) lines.push(`${verbs[change.action]} ${change.file}`);
  const count = (action: PlannedChange['action']) =>
    changes.filter((change) => change.action === action).length;
  lines.push(
    `${images}; dry run: ${count('create')} to create, ${count('update')} to update, ${count('remove')} to remove; nothing was written`,
  );
  const diffs = changes.map((change) => change.diff).join('');
  return `${lines.join('\n')}\n${diffs === '' ? '' : `\n${diffs}`}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
