import { Option } from 'commander';
import type { RegisterCommand } from '../program.js';

interface AnalyzeFlags {
  image: string;
  tag: string;
  digest: string;
  dockerfile: string;
  sourceRepo: string;
  sourceProvider: string;
  gitRepo: string;
  gitBranch: string;
  gitCommit: string;
  builtAt: string;
  builtOn: string;
  stateRepo: string;
  stateBranch: string;
  pushAttempts: string;
  json?: boolean;
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
    .option(
      '--push-attempts <n>',
      'push attempts (fetching and replaying the update in between) before failing',
      '5',
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
    .action(async (flags: AnalyzeFlags) => {
      const [{ runAnalyzeJob }, { clockFromEnv }, { UsageError }] = await Promise.all([
        import('../lib/analyze-job.js'),
        import('../lib/clock-env.js'),
        import('../errors.js'),
      ]);
      const attempts = Number(flags.pushAttempts);
      if (!Number.isInteger(attempts) || attempts < 1 || attempts > 20) {
        throw new UsageError(`--push-attempts "${flags.pushAttempts}" must be a whole number from 1 to 20`);
      }
      const { io } = ctx;
      const result = await runAnalyzeJob(
        {
          image: flags.image,
          tag: flags.tag,
          digest: flags.digest,
          dockerfile: flags.dockerfile,
          sourceRepo: flags.sourceRepo,
          sourceProvider: flags.sourceProvider,
          gitRepo: flags.gitRepo,
          gitBranch: flags.gitBranch,
          gitCommit: flags.gitCommit,
          builtAt: flags.builtAt,
          builtOn: flags.builtOn,
          stateRepo: flags.stateRepo,
          stateBranch: flags.stateBranch,
        },
        {
          env: io.env,
          cwd: io.cwd,
          clock: clockFromEnv(io.env),
          log: (line) => io.stderr.write(`image-factory: ${line}\n`),
          maxPushAttempts: attempts,
        },
      );
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const bases = result.baseImages.length > 0 ? result.baseImages.join(', ') : '(none)';
      let line: string;
      if (result.superseded !== undefined) {
        line = `${result.image} ${flags.tag}: not recorded: ${result.superseded}`;
      } else if (result.commit === undefined) {
        line = `${result.image} ${flags.tag}: no change (base images: ${bases})`;
      } else {
        line = `${result.image} ${flags.tag}: committed ${result.commit.slice(0, 12)} to ${flags.stateBranch} (base images: ${bases}; changed: ${result.files.join(', ')})`;
      }
      io.stdout.write(`${line}\n`);
    });
};
