import { Option } from 'commander';
import type { CliIO } from '../io.js';
import type { AnalyzeJobOptions, AnalyzeJobResult } from '../lib/analyze-job.js';
import { integerOption } from '../options.js';
import type { RegisterCommand } from '../program.js';

/** The `version` of `analyze --json` (raised when a field changes meaning or is removed). */
export const ANALYZE_JSON_VERSION = 1;

/** Options of `image-factory analyze`: the job's arguments (as the AnalysisTemplate passes them) and the CLI's. */
export interface AnalyzeOptions extends AnalyzeJobOptions {
  /** Push attempts before failing, 1 to 20. */
  readonly pushAttempts: number;
  readonly json?: boolean | undefined;
}

/** `image-factory analyze`: the Kargo analysis job (see lib/analyze-job.ts). */
export const registerAnalyze: RegisterCommand = (program, ctx) => {
  program
    .command('analyze')
    .description(
      'Analyse the Dockerfile of a newly built image version and record it in the state repository (the Kargo analysis job).',
    )
    .requiredOption('--image <name>', 'managed image name, as enrolled in images.yaml')
    .requiredOption('--tag <tag>', 'the tag that was built (recorded as currentVersion)')
    .requiredOption('--digest <digest>', 'its digest, sha256:<64 lowercase hex> (recorded as currentDigest)')
    .requiredOption('--dockerfile <path>', 'Dockerfile path inside the source repository')
    .requiredOption('--source-repo <owner/name>', 'source repository, as enrolled')
    .addOption(
      new Option('--source-provider <provider>', 'git hosting of the source')
        .choices(['github', 'gitlab'])
        .makeOptionMandatory(),
    )
    .requiredOption(
      '--git-repo <url>',
      'git URL of the source repository (any URL git accepts, or a local path)',
    )
    .requiredOption('--git-branch <branch>', 'branch of the source repository to analyse')
    .option(
      '--git-commit <sha>',
      'the commit that was built (full id); analysed instead of the branch head (empty: the branch head)',
      '',
    )
    .option(
      '--built-at <time>',
      'when the version was built, RFC 3339 (empty: unknown); an older build never replaces a newer one',
      '',
    )
    .option(
      '--built-on <pins>',
      'the pins the build recorded (annotation io.github.image-factory.pins, JSON); recorded as builtOn (empty: unpinned)',
      '',
    )
    .requiredOption('--state-repo <url>', 'git URL of the state repository')
    .option('--state-branch <branch>', 'branch of the state repository', 'main')
    .addOption(
      new Option(
        '--push-attempts <n>',
        'push attempts (fetching and replaying the update in between) before failing',
      )
        .argParser(integerOption('--push-attempts', 1, 20))
        .default(5),
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Credentials come from the environment; each is sent only where it belongs (a git credential
helper answers only for the matching protocol, host, port and path; a redirect to another host
gets nothing):
  GIT_USERNAME + GIT_PASSWORD  the --state-repo URL only
  GITHUB_TOKEN                 repositories on the host of GITHUB_URL (default https://github.com),
                               as x-access-token
  GITLAB_TOKEN                 repositories on the host of GITLAB_URL (default https://gitlab.com),
                               as oauth2
Repository URLs must not carry a password. SOURCE_DATE_EPOCH (seconds) fixes the timestamps.

Order of versions: a tag lower than the recorded currentVersion (both SemVer), else one built
before the recorded lastBuilt (--built-at), is not recorded (exit 0, "not recorded: <why>");
when neither tells, the job records its tag and warns.`,
    )
    .action(async (options: AnalyzeOptions) => {
      ctx.setExitCode(await runAnalyze(options, ctx.io));
    });
};

/**
 * Runs the analysis job and returns its exit code: 0 recorded (or nothing to record); a failed step
 * throws a CliError (exit 1).
 */
export async function runAnalyze(options: AnalyzeOptions, io: CliIO): Promise<number> {
  const { runAnalyzeJob, clockFromEnv } = await import('../analyze/index.js');
  const { pushAttempts, json, ...job } = options;
  const result = await runAnalyzeJob(job, {
    env: io.env,
    cwd: io.cwd,
    clock: clockFromEnv(io.env),
    log: (line) => io.stderr.write(`image-factory: ${line}\n`),
    maxPushAttempts: pushAttempts,
  });
  io.stdout.write(
    json
      ? `${JSON.stringify({ version: ANALYZE_JSON_VERSION, ...result }, null, 2)}\n`
      : formatAnalyze(result, options),
  );
  return 0;
}

/** The one line `analyze` prints: what was recorded, or why nothing was. */
export function formatAnalyze(
  result: AnalyzeJobResult,
  options: Pick<AnalyzeOptions, 'tag' | 'stateBranch'>,
): string {
  const bases = result.baseImages.length > 0 ? result.baseImages.join(', ') : '(none)';
  const { image } = result;
  const { tag, stateBranch } = options;
  if (result.superseded !== undefined) return `${image} ${tag}: not recorded: ${result.superseded}\n`;
  if (result.commit === undefined) return `${image} ${tag}: no change (base images: ${bases})\n`;
  return `${image} ${tag}: committed ${result.commit.slice(0, 12)} to ${stateBranch} (base images: ${bases}; changed: ${result.files.join(', ')})\n`;
}
