/**
 * Commands as documents and generated workflows show them (`pnpm exec image-factory <command>
 * --flag`, `pnpm --silent synth --check`), and the commands and flags the built CLI and synth app
 * accept, read from their `--help`.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Invocation {
  readonly program: 'image-factory' | 'synth';
  readonly command: string;
  readonly flags: string[];
  readonly text: string;
}

/**
 * Each `image-factory <command> ...` and `pnpm [--silent] synth ...` in a line of code, up to the end
 * of that shell command (`|`, `&&`, `;`, `)`, a comment). Table syntax (`[--flag VALUE]`, `\|`) is read
 * as the flags it shows.
 */
export function invocations(line: string): Invocation[] {
  const out: Invocation[] = [];
  const pattern =
    /(?:^|[\s(])(?:pnpm exec |pnpm --silent exec )?image-factory ([a-z][a-z-]*)(?=\s|$)|pnpm (?:--silent )?synth\b/g;
  for (const match of line.matchAll(pattern)) {
    const start = (match.index ?? 0) + match[0].length;
    const rest = line
      .slice(start)
      .replace(/\\\|/g, '/')
      .split(/\s(?:\||&&|;|#)\s|\)$|\) /)[0] as string;
    const flags = [...rest.matchAll(/(?:^|[\s[])(--[a-z][a-z0-9-]*)/g)].map((m) => m[1] as string);
    out.push(
      match[1] === undefined
        ? { program: 'synth', command: '', flags, text: match[0] + rest }
        : { program: 'image-factory', command: match[1], flags, text: match[0] + rest },
    );
  }
  return out;
}

/** The options a `--help` lists (`--state-dir <dir>`, `-h, --help`). */
export function helpFlags(help: string): Set<string> {
  return new Set([...help.matchAll(/^\s+(?:-\w, )?(--[a-z][a-z0-9-]*)/gm)].map((m) => m[1] as string));
}

/** The commands of the built CLI and, per command (and `synth`), the options its `--help` lists. */
export async function acceptedFlags(
  root: string,
): Promise<{ commands: Set<string>; help: Map<string, Set<string>> }> {
  const cli = (args: string[]) =>
    run(process.execPath, [join(root, 'apps/analyzer-cli/bin/image-factory.js'), ...args], { cwd: root });
  const top = (await cli(['--help'])).stdout;
  const commands = new Set(
    [...top.matchAll(/^ {2}([a-z][a-z-]*)(?: \[options\]| <|\s)/gm)].map((m) => m[1] as string),
  );
  commands.delete('help');
  const help = new Map<string, Set<string>>();
  await Promise.all(
    [...commands].map(async (command) =>
      help.set(command, helpFlags((await cli([command, '--help'])).stdout)),
    ),
  );
  const synth = await run(process.execPath, [join(root, 'apps/synth/dist/main.js'), '--help'], { cwd: root });
  help.set('synth', helpFlags(synth.stdout));
  return { commands, help };
}

/** The invocations in `lines` that the CLI or synth would refuse (an unknown command or option). */
export function refused(
  lines: readonly string[],
  help: ReadonlyMap<string, ReadonlySet<string>>,
): {
  refused: string[];
  count: number;
} {
  const out: string[] = [];
  let count = 0;
  for (const line of lines) {
    for (const { program, command, flags, text } of invocations(line)) {
      count++;
      const accepted = program === 'synth' ? help.get('synth') : help.get(command);
      if (accepted === undefined) {
        out.push(`${text}: no command "${command}"`);
        continue;
      }
      for (const flag of flags) if (!accepted.has(flag)) out.push(`${text}: no option ${flag}`);
    }
  }
  return { refused: out, count };
}
