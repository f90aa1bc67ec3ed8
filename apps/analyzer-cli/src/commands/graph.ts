import { Option } from 'commander';
import type { RegisterCommand } from '../program.js';

interface GraphFlags {
  stateDir?: string;
  format: 'mermaid' | 'dot' | 'json';
}

/** `image-factory graph`: base image → image → consumer graph of the state. */
export const registerGraph: RegisterCommand = (program, ctx) => {
  program
    .command('graph')
    .description('Print the base image → image → consumer graph of the state, including cascades.')
    .option(
      '--state-dir <dir>',
      'state repository checkout (default: $IMAGE_FACTORY_STATE_DIR, else ../image-factory-state)',
    )
    .addOption(
      new Option('--format <format>', 'output format').choices(['mermaid', 'dot', 'json']).default('mermaid'),
    )
    .action(async (flags: GraphFlags) => {
      const [{ loadValidState }, { buildImageGraph, renderGraph }, { resolveStateDir }, { CliError }] =
        await Promise.all([
          import('../lib/state.js'),
          import('../lib/graph.js'),
          import('../state-dir.js'),
          import('../errors.js'),
        ]);
      const { io } = ctx;
      const state = await loadValidState(resolveStateDir(flags.stateDir, io));
      const result = buildImageGraph(state);
      if (!result.ok) throw new CliError(`the image graph is invalid:\n  ${result.errors.join('\n  ')}`);
      io.stdout.write(renderGraph(result.graph, flags.format));
    });
};
