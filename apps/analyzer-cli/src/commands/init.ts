import type { RegisterCommand } from '../program.js';

interface InitFlags {
  json?: boolean;
}

/** `image-factory init [dir]`: a new, minimal state repository. */
export const registerInit: RegisterCommand = (program, ctx) => {
  program
    .command('init')
    .description(
      'Create a new state repository: images.yaml with commented examples, image-factory.yaml with every setting commented, its CI workflow and .gitignore.',
    )
    .argument('[dir]', 'directory to create it in (created when missing)', '.')
    .option('--json', 'print the files written as JSON')
    .action(async (dir: string, flags: InitFlags) => {
      const [{ initFiles, nextSteps }, { writeNewFiles }, { resolve }, { cliVersion }] = await Promise.all([
        import('../init/files.js'),
        import('../init/write.js'),
        import('node:path'),
        import('../program.js'),
      ]);
      const { io } = ctx;
      const written = await writeNewFiles(resolve(io.cwd, dir), initFiles());
      if (flags.json) {
        io.stdout.write(`${JSON.stringify({ version: cliVersion(), dir, written }, null, 2)}\n`);
        return;
      }
      io.stdout.write(
        `created a state repository in ${dir}:\n${written.map((path) => `  ${path}\n`).join('')}\n`,
      );
      io.stdout.write(nextSteps(dir));
    });
};
