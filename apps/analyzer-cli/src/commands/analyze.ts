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
    .requiredOption(
      '--digest <digest>',
      'its digest, e.g. sha256:... (recorded as currentDigest; may be empty)',
    )
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
      '\nCredentials come from the environment: GIT_USERNAME + GIT_PASSWORD, or GITHUB_TOKEN; they reach git through\nGIT_ASKPASS only. SOURCE_DATE_EPOCH, when set, fixes the recorded timestamps.',
    )
    .action(async (flags: AnalyzeFlags) => {
      const [{ runAnalyzeJob }, { gitCredentialsFromEnv }, { clockFromEnv }, { UsageError }] =
        await Promise.all([
          import('../lib/analyze-job.js'),
          import('../lib/git.js'),
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
          stateRepo: flags.stateRepo,
          stateBranch: flags.stateBranch,
        },
        {
          env: io.env,
          cwd: io.cwd,
          clock: clockFromEnv(io.env),
          credentials: gitCredentialsFromEnv(io.env),
          log: (line) => io.stderr.write(`image-factory: ${line}\n`),
          maxPushAttempts: attempts,
        },
      );
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const bases = result.baseImages.length > 0 ? result.baseImages.join(', ') : '(none)';
      io.stdout.write(
        result.commit === undefined
          ? `${result.image} ${flags.tag}: no change (base images: ${bases})\n`
          : `${result.image} ${flags.tag}: committed ${result.commit.slice(0, 12)} to ${flags.stateBranch} (base images: ${bases}; changed: ${result.files.join(', ')})\n`,
      );
    });
};
