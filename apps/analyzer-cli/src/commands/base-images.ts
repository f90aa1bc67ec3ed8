import type { BaseImagesFlags } from '../base-images/options.js';
import type { RegisterCommand } from '../program.js';

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
    .option('--json', 'print JSON: {"images","problems"} for one file, an array with "file" for several')
    .addHelpText(
      'after',
      '\nExit codes: 0 analysed (warnings do not fail), 1 a file cannot be read or has errors (or the reader of the output went away), 2 usage error.',
    )
    .action(async (files: string[], flags: BaseImagesFlags) => {
      const { runBaseImages } = await import('../base-images/run.js');
      ctx.setExitCode(await runBaseImages(files, flags, ctx.io));
    });
};
