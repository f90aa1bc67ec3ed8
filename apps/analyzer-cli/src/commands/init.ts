import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveStateDir } from '@image-factory/state-schema/state-dir';
import type { CliIO } from '../io.js';
import type { RegisterCommand } from '../program.js';

/** The `version` of `init --json` (raised when a field changes meaning or is removed). */
export const INIT_JSON_VERSION = 1;

/** Options of `image-factory init`. */
export interface InitOptions {
  /** Where to create the state repository, as given (created when missing). */
  readonly dir: string;
  /** `--json`: `{"version": 1, "dir", "written": [...]}` on stdout. */
  readonly json?: boolean | undefined;
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
    .action(async (dir: string, flags: Omit<InitOptions, 'dir'>) => {
      ctx.setExitCode(await runInit({ ...flags, dir }, ctx.io));
    });
};

/** Writes the files of a new state repository (never over an existing file) and says what to do next. */
export async function runInit(options: InitOptions, io: CliIO): Promise<number> {
  const { initFiles, nextSteps, writeNewFiles } = await import('../init/index.js');
  const { dir } = options;
  const target = resolve(io.cwd, dir);
  const written = await writeNewFiles(target, initFiles());
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ version: INIT_JSON_VERSION, dir, written }, null, 2)}\n`);
    return 0;
  }
  const next = nextSteps({
    dir,
    isDefaultStateDir: resolveStateDir(undefined, io.env, io.cwd) === target,
    isGitWorkTree: existsSync(join(target, '.git')),
  });
  io.stdout.write(formatInit(dir, written) + next);
  return 0;
}

/** The files written, one per line, under the directory they were written to. */
export function formatInit(dir: string, written: readonly string[]): string {
  return `created a state repository in ${dir}:\n${written.map((path) => `  ${path}\n`).join('')}\n`;
}
