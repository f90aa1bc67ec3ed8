import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAnalyze } from './commands/analyze.js';
import { registerBaseImages } from './commands/base-images.js';
import { registerGenerateState } from './commands/generate-state.js';
import { registerGraph } from './commands/graph.js';
import { registerInit } from './commands/init.js';
import { registerMigrate } from './commands/migrate.js';
import { registerSimulate } from './commands/simulate.js';
import { registerStatus } from './commands/status.js';
import { registerValidate } from './commands/validate.js';
import { CliError } from './errors.js';
import type { CliIO } from './io.js';
import { redactUrls } from './lib/redact.js';

/** What every command registration receives. */
export interface CommandContext {
  readonly io: CliIO;
  /** Raise the process exit code (the highest code set wins). */
  setExitCode(code: number): void;
}

export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

// Each command lives in src/commands/<name>.ts and exports a RegisterCommand.
const COMMANDS: readonly RegisterCommand[] = [
  registerValidate,
  registerAnalyze,
  registerGenerateState,
  registerGraph,
  registerBaseImages,
  registerMigrate,
  registerInit,
  registerSimulate,
  registerStatus,
];

export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Builds the commander program; commands load their heavy modules lazily inside their actions. */
export function createProgram(ctx: CommandContext): Command {
  const program = new Command('image-factory')
    .description('Keeps a fleet of container images rebuilt and promoted through Kargo.')
    .version(cliVersion(), '-V, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    });
  for (const register of COMMANDS) register(program, ctx);
  // Subcommands inherit exitOverride and output settings only when set before they are added.
  for (const command of program.commands) {
    command.exitOverride().configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    });
  }
  return program;
}

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code: 0 ok,
 * 1 invalid input or failed work, 2 usage error. Never throws.
 */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode = 0;
  const ctx: CommandContext = {
    io,
    setExitCode: (code) => {
      exitCode = Math.max(exitCode, code);
    },
  };
  try {
    const program = createProgram(ctx);
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return 2;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

/** Turns an error into its message on stderr and an exit code (exported for tests). */
export function reportError(error: unknown, io: CliIO): number {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every parse error is a usage error. Commander already printed it.
    return error.exitCode === 0 ? 0 : 2;
  }
  // Every message may quote a URL (a git remote, a registry): its user-info is never printed.
  if (error instanceof CliError) {
    io.stderr.write(`image-factory: ${redactUrls(error.message)}\n`);
    if (error.hint) io.stderr.write(`hint: ${redactUrls(error.hint)}\n`);
    return error.exitCode;
  }
  // The state writer refusing a write (a path leading outside the state directory, a file that
  // would not load) is the state's problem, not a bug: matched by name, so that this module does
  // not load @image-factory/state-schema for every command.
  if (error instanceof Error && error.name === 'StateWriteError') {
    io.stderr.write(`image-factory: ${redactUrls(error.message)}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`image-factory: unexpected error: ${redactUrls(message)}\n`);
  return 1;
}
