import { resolveStateDir } from '@image-factory/state-schema/state-dir';
import { UsageError } from '../errors.js';
import type { CliIO } from '../io.js';
import { stateDirOption } from '../options.js';
import type { RegisterCommand } from '../program.js';

/** Options of `image-factory simulate`. */
export interface SimulateOptions {
  /** `--state-dir`, as given (resolved against the working directory by {@link runSimulate}). */
  readonly stateDir?: string | undefined;
  /** The base image (or managed image) whose digest changes. */
  readonly base: string;
  /** Time between two changes, a duration (`12h`, `2d`, `1d12h`). */
  readonly every: string;
  /** Simulated time, a duration. */
  readonly for: string;
  /** `--json`: one document with a `version` field (see the README). */
  readonly json?: boolean | undefined;
}

/** `image-factory simulate`: replays a base's digest changes against the synthesized Kargo manifests. */
export const registerSimulate: RegisterCommand = (program, ctx) => {
  program
    .command('simulate')
    .description(
      "Replay a base image's digest changes against the synthesized Kargo manifests and print which Stages promote, which builds are dispatched (URL, body, pinned digests) and which consumers are updated.",
    )
    .addOption(stateDirOption())
    .requiredOption('--base <name>', 'the base image (or managed image) whose digest changes')
    .option('--every <duration>', 'time between two changes (e.g. 12h, 2d)', '2d')
    .option('--for <duration>', 'simulated time (e.g. 60d)', '60d')
    .option('--json', 'print a JSON document (with a version field) instead of text')
    .action(async (options: SimulateOptions) => {
      ctx.setExitCode(await runSimulate(options, ctx.io));
    });
};

/**
 * Runs the simulation and prints its timeline and summary; returns 0. Bad durations or limits are
 * usage errors (exit 2); an unknown base or a state that does not load, a CliError (exit 1).
 * Its text formatter, `formatSimulate`, lives with the simulation (src/simulate/run.ts): it formats
 * durations with the simulator's own `formatMillis`, which the CLI does not load at start.
 */
export async function runSimulate(options: SimulateOptions, io: CliIO): Promise<number> {
  const sim = await import('../simulate/index.js');
  const every = sim.parseDuration(options.every);
  if (every === undefined)
    throw new UsageError(`--every: not a duration: ${options.every}`, 'e.g. 12h, 2d, 1d12h');
  const span = sim.parseDuration(options.for);
  if (span === undefined) throw new UsageError(`--for: not a duration: ${options.for}`, 'e.g. 30d, 90d');
  const state = await sim.loadValidState(
    resolveStateDir(options.stateDir, io.env, io.cwd),
    undefined,
    io.cwd,
  );
  const base = sim.findBase(state, options.base);
  const outcome = sim.runSimulation(sim.synthesizeObjects(state), base, every, span);
  io.stdout.write(
    options.json ? `${JSON.stringify(outcome.report, null, 2)}\n` : sim.formatSimulate(outcome),
  );
  return 0;
}
