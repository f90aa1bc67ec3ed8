import type { RegisterCommand } from '../program.js';

interface SimulateFlags {
  stateDir?: string;
  base: string;
  every: string;
  for: string;
  json?: boolean;
}

/** `image-factory simulate`: replays a base's digest changes against the synthesized Kargo manifests. */
export const registerSimulate: RegisterCommand = (program, ctx) => {
  program
    .command('simulate')
    .description(
      "Replay a base image's digest changes against the synthesized Kargo manifests and print which Stages promote, which builds are dispatched (URL, body, pinned digests) and which consumers are updated.",
    )
    .option(
      '--state-dir <dir>',
      'state repository checkout (default: $IMAGE_FACTORY_STATE_DIR, else ../image-factory-state)',
    )
    .requiredOption('--base <name>', 'the base image (or managed image) whose digest changes')
    .option('--every <duration>', 'time between two changes (e.g. 12h, 2d)', '2d')
    .option('--for <duration>', 'simulated time (e.g. 60d)', '60d')
    .option('--json', 'print a JSON document (with a version field) instead of text')
    .action(async (flags: SimulateFlags) => {
      const [
        { loadValidState },
        { resolveStateDir },
        { UsageError },
        { parseDuration },
        sim,
        { synthesizeObjects },
      ] = await Promise.all([
        import('../lib/state.js'),
        import('../state-dir.js'),
        import('../errors.js'),
        import('@image-factory/kargo-simulator'),
        import('../simulate/run.js'),
        import('../simulate/synthesize.js'),
      ]);
      const every = parseDuration(flags.every);
      if (every === undefined)
        throw new UsageError(`--every: not a duration: ${flags.every}`, 'e.g. 12h, 2d, 1d12h');
      const span = parseDuration(flags.for);
      if (span === undefined) throw new UsageError(`--for: not a duration: ${flags.for}`, 'e.g. 30d, 90d');
      const { io } = ctx;
      const state = await loadValidState(resolveStateDir(flags.stateDir, io));
      const base = sim.findBase(state, flags.base);
      const outcome = sim.runSimulation(synthesizeObjects(state), base, every, span);
      io.stdout.write(flags.json ? `${JSON.stringify(outcome.report, null, 2)}\n` : sim.renderText(outcome));
    });
};
