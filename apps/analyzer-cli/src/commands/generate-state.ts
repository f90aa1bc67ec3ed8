import type { RegisterCommand } from '../program.js';

interface GenerateStateFlags {
  stateDir?: string;
  gitUrlTemplate?: string;
  concurrency: string;
  json?: boolean;
}

/** `image-factory generate-state`: re-discover every managed image and generate the build workflows. */
export const registerGenerateState: RegisterCommand = (program, ctx) => {
  program
    .command('generate-state')
    .description(
      'Fetch every managed image’s Dockerfile, record its base images in the state, and generate the build workflows.',
    )
    .option(
      '--state-dir <dir>',
      'state repository checkout (default: $IMAGE_FACTORY_STATE_DIR, else ../image-factory-state)',
    )
    .option(
      '--git-url-template <template>',
      'source git URL with {provider} and {repo} replaced (default: $IMAGE_FACTORY_GIT_URL_TEMPLATE, else github.url/gitlab.url from the settings + /{repo}.git)',
    )
    .option('--concurrency <n>', 'Dockerfiles fetched in parallel', '4')
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
    .action(async (flags: GenerateStateFlags) => {
      const [{ generateState }, { clockFromEnv }, { terminalProgress }, { resolveStateDir }] =
        await Promise.all([
          import('../lib/generate-state.js'),
          import('../lib/clock-env.js'),
          import('../lib/progress.js'),
          import('../state-dir.js'),
        ]);
      const { formatGenerateReport } = await import('../lib/report.js');
      const { UsageError } = await import('../errors.js');
      const concurrency = Number(flags.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
        throw new UsageError(`--concurrency "${flags.concurrency}" must be a whole number from 1 to 32`);
      }
      const { io } = ctx;
      const template = flags.gitUrlTemplate ?? (io.env.IMAGE_FACTORY_GIT_URL_TEMPLATE || undefined);
      const report = await generateState(
        { stateDir: resolveStateDir(flags.stateDir, io), gitUrlTemplate: template, concurrency },
        {
          env: io.env,
          cwd: io.cwd,
          clock: clockFromEnv(io.env),
          progress: terminalProgress(io.stderr, io.env, flags.json === true),
        },
      );
      for (const warning of report.warnings) io.stderr.write(`image-factory: warning: ${warning}\n`);
      io.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatGenerateReport(report));
      if (!report.ok) ctx.setExitCode(1);
    });
};
