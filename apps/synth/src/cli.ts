import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ImageFactory, ImageFactoryStateError } from '@image-factory/factory';
import {
  formatProblem,
  loadState,
  openStateRoot,
  readStateText,
  type StateProblem,
  sortProblems,
  withoutDefaultWarnings,
  writeFileAtomic,
} from '@image-factory/state-schema';
import { displayPath, resolveStateDir, STATE_DIR_HELP } from '@image-factory/state-schema/state-dir';
import { Command, CommanderError } from 'commander';
import { buildApp, CHART_ID } from './build-app.js';
import { diffManifests, formatDiff } from './check.js';
import { manifestHeader } from './header.js';
import { renderManifest, synthManifests } from './render.js';
import { stateRepoNotice } from './state-repo-notice.js';
import { synthSummary } from './summary.js';

export { DEFAULT_STATE_DIR } from '@image-factory/state-schema/state-dir';

/** What the CLI reads from its environment. */
export interface SynthEnvironment {
  /** Environment variables (`IMAGE_FACTORY_STATE_DIR`, `CDK8S_OUTDIR`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
}

/** What to print and the exit code: 0 ok, 1 invalid state / failed synthesis / out of date, 2 usage. */
export interface SynthResult {
  readonly exitCode: 0 | 1 | 2;
  readonly stdout: string;
  readonly stderr: string;
}

export const USAGE = `Usage: pnpm synth [--state-dir DIR] [--out FILE] [--check]

Synthesizes the Kargo manifests of an Image Factory state repository into one YAML file, and
prints on stderr the number of objects and the estimated registry and git requests per day, by
host, of the generated Warehouses' polling.

Options:
  --state-dir DIR  ${STATE_DIR_HELP}
  --out FILE       where to write (default: <state dir>/<settings output>, i.e. dist/image-factory.k8s.yaml);
                   - writes the manifest to stdout
  --check          write nothing; exit 1 with a summary when the file differs from what would be written
  -h, --help       show this help

Exit codes: 0 ok, 1 invalid state, failed validation or (--check) out of date, 2 usage error.`;

const ok = (stdout: string): SynthResult => ({ exitCode: 0, stdout, stderr: '' });
const fail = (stderr: string, stdout = ''): SynthResult => ({ exitCode: 1, stdout, stderr });
const usageError = (message: string): SynthResult => ({
  exitCode: 2,
  stdout: '',
  stderr: `${message.endsWith('\n') ? message : `${message}\n`}\n${USAGE}\n`,
});

/** `--out -`: the manifest goes to stdout. */
const STDOUT = '-';

/**
 * Names of the process's stdout, written as `-` is (the caller prints it): opening them again would
 * fail when stdout is a socket (as Node's child processes get) and truncate a file it appends to.
 */
const STDOUT_NAMES = new Set([STDOUT, '/dev/stdout', '/dev/fd/1', '/proc/self/fd/1']);

interface SynthOptions {
  readonly stateDir?: string;
  readonly out?: string;
  readonly check?: boolean;
  readonly help?: boolean;
}

/**
 * Parses the options as the `image-factory` CLI does (commander, with its did-you-mean for an
 * unknown option): the options, or the usage error to print.
 */
function parseOptions(argv: readonly string[]): { options: SynthOptions } | { error: string } {
  let errors = '';
  const program = new Command('synth')
    .helpOption(false)
    .option('--state-dir <dir>')
    .option('--out <file>')
    .option('--check')
    .option('-h, --help')
    .allowExcessArguments(false)
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => {
        errors += text;
      },
      writeErr: (text) => {
        errors += text;
      },
    });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return { error: errors || error.message };
    throw error;
  }
  return { options: program.opts<SynthOptions>() };
}

/**
 * The problems as `file:line:col: message` lines, each file shown as {@link displayPath} shows it:
 * problems name files relative to the state directory, the user reads them from `cwd`.
 */
function problemsText(problems: readonly StateProblem[], stateDir: string, cwd: string): string {
  const shown = problems.map((p) =>
    formatProblem({ ...p, file: displayPath(resolve(stateDir, p.file), cwd) }),
  );
  return `${shown.join('\n')}\n`;
}

/**
 * Runs `synth` for `argv` (without node and script). Never throws for bad input, never prints:
 * the caller prints `stdout`/`stderr` and exits with `exitCode`. Writes the manifest to the file
 * chosen (`--out`, else the state's settings), except with `--out -`, where the manifest is `stdout`.
 *
 * Under `cdk8s synth` (`$CDK8S_OUTDIR` set, no `--out`), writes `<CDK8S_OUTDIR>/image-factory.k8s.yaml`.
 */
export async function runSynth(argv: readonly string[], io: SynthEnvironment): Promise<SynthResult> {
  const parsed = parseOptions(argv);
  if ('error' in parsed) return usageError(parsed.error);
  const { options } = parsed;
  if (options.help) return ok(`${USAGE}\n`);
  const toStdout = options.out !== undefined && STDOUT_NAMES.has(options.out);
  if (options.check && toStdout) {
    return usageError(
      `error: --check compares the manifest with a file; --out ${options.out} writes it to stdout`,
    );
  }

  const stateDir = resolveStateDir(options.stateDir, io.env, io.cwd);
  const problems = (list: readonly StateProblem[]) => problemsText(list, stateDir, io.cwd);

  const loaded = loadState(stateDir);
  if (!loaded.ok) {
    const errors = loaded.problems.filter((p) => p.severity === 'error').length;
    // The loader names the missing directory; how to point at another one is this app's to say.
    const shown = loaded.problems.map((p) =>
      p.code === 'missing-directory'
        ? {
            ...p,
            hint: 'pass --state-dir DIR or set IMAGE_FACTORY_STATE_DIR to a checkout of the state repository',
          }
        : p,
    );
    return fail(
      `${problems(shown)}error: the state in ${displayPath(stateDir, io.cwd)} is invalid (${errors} ${errors === 1 ? 'error' : 'errors'}); nothing was written\n`,
    );
  }
  const notice = stateRepoNotice(loaded.state.stateRepoUrlSource);
  let warnings = notice + (loaded.warnings.length > 0 ? problems(loaded.warnings) : '');

  let manifest: string;
  let count: number;
  let summary: string;
  try {
    const app = buildApp(loaded.state);
    const manifests = synthManifests(app);
    manifest = manifestHeader(loaded.state.settings) + renderManifest(manifests);
    count = manifests.length;
    summary = synthSummary(manifests);
    // Warnings of what is generated: rebuilds that cannot be pinned (`unpinned-rebuild`), webhook
    // receivers reaching a sampling Warehouse (`webhook-sampling`).
    const factoryWarnings = generatedWarnings(app.node.findAll());
    if (factoryWarnings.length > 0) warnings += problems(factoryWarnings);
  } catch (error) {
    if (error instanceof ImageFactoryStateError) {
      // As the loader does for a state that does not load: no reminders of defaults beside errors.
      const kept = withoutDefaultWarnings(loaded.warnings);
      return fail(
        `${notice}${kept.length > 0 ? problems(kept) : ''}${problems(error.problems)}error: the state in ${displayPath(stateDir, io.cwd)} cannot be synthesized; nothing was written\n`,
      );
    }
    return fail(
      `${warnings}error: synth-time validation failed; nothing was written\n${(error as Error).message}\n`,
    );
  }

  if (toStdout) return { exitCode: 0, stdout: manifest, stderr: warnings + summary };

  const cdk8sOutdir = io.env.CDK8S_OUTDIR;
  // The settings' output path comes from the state repository, which may be hostile: the file it
  // names must stay inside the state directory (`dist -> /elsewhere` is refused). A path the user
  // gave (--out, $CDK8S_OUTDIR) is the user's choice.
  const fromState = options.out === undefined && (cdk8sOutdir === undefined || cdk8sOutdir === '');
  const outPath =
    options.out !== undefined
      ? resolve(io.cwd, options.out)
      : !fromState
        ? resolve(io.cwd, cdk8sOutdir ?? '', `${CHART_ID}.k8s.yaml`)
        : join(loaded.state.dir, loaded.state.settings.output);
  const shown = displayPath(outPath, io.cwd);

  if (options.check) {
    const onDisk = fromState
      ? readInsideState(loaded.state.dir, loaded.state.settings.output, manifest)
      : await readChosen(outPath);
    if ('error' in onDisk) return fail(`${warnings}error: cannot check ${shown}: ${onDisk.error}\n`);
    if ('tooLarge' in onDisk) {
      return fail(
        `${warnings}${shown} is out of date: it is more than 1 MiB larger than the synthesized manifest\nrun pnpm synth to update it\n`,
      );
    }
    if (onDisk.text === undefined) {
      return fail(`${warnings}${shown} does not exist; run pnpm synth to create it\n`);
    }
    if (onDisk.text === manifest)
      return { exitCode: 0, stdout: `${shown} is up to date (${count} objects)\n`, stderr: warnings };
    const lines = formatDiff(diffManifests(onDisk.text, manifest));
    return fail(`${warnings}${shown} is out of date:\n${lines.join('\n')}\nrun pnpm synth to update it\n`);
  }

  try {
    // The process's other open files (/dev/stderr, /dev/fd/<n>, whatever they lead to), a FIFO or a
    // character device are written as streams: a temporary file renamed over /dev/stderr would
    // replace the link itself, and reading a pipe first to compare (as for a regular file) waits
    // for ever.
    const target = fromState ? undefined : await stat(outPath).catch(() => undefined);
    if (
      !fromState &&
      (isProcessStream(outPath) || (target !== undefined && !target.isFile() && !target.isDirectory()))
    ) {
      await writeFile(outPath, manifest, 'utf8');
      // Not on stdout: it may be the very stream the manifest went to.
      return { exitCode: 0, stdout: '', stderr: `${warnings}${summary}wrote ${shown} (${count} objects)\n` };
    }
    const changed = await writeFileAtomic(outPath, manifest, fromState ? { root: loaded.state.dir } : {});
    return {
      exitCode: 0,
      stdout: changed ? `wrote ${shown} (${count} objects)\n` : `${shown} is unchanged (${count} objects)\n`,
      stderr: warnings + summary,
    };
  } catch (error) {
    return fail(`${warnings}error: cannot write ${shown}: ${(error as Error).message}\n`);
  }
}

/** `/dev/stdout`, `/dev/stderr`, `/dev/fd/<n>`, `/proc/self/fd/<n>`: the process's open files. */
function isProcessStream(path: string): boolean {
  return /^\/(?:dev\/(?:stdout|stderr|fd\/\d+)|proc\/self\/fd\/\d+)$/.test(path);
}

/**
 * The warnings of every {@link ImageFactory} among `constructs` about what it generates — its plan's
 * (`unpinned-rebuild`) and its webhook receivers' (`webhook-sampling`) — sorted by position, each once.
 */
function generatedWarnings(constructs: readonly unknown[]): StateProblem[] {
  const all = constructs.flatMap((c) =>
    c instanceof ImageFactory ? [...c.plan.warnings, ...c.webhooks.warnings] : [],
  );
  const seen = new Set<string>();
  return sortProblems(all).filter((p) => {
    const key = formatProblem(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Reads the file the user chose (`--out`, `$CDK8S_OUTDIR`) for `--check`: a regular file only (a
 * FIFO or a device would be read until it ends, which may be never).
 */
async function readChosen(path: string): Promise<{ text: string | undefined } | { error: string }> {
  const found = await stat(path).catch(() => undefined);
  if (found === undefined) return { text: undefined };
  if (!found.isFile()) return { error: 'not a regular file' };
  return { text: await readFile(path, 'utf8') };
}

/**
 * Reads the manifest written at `rel` of the state directory for `--check`: only a regular file
 * inside the state directory, and only up to a mebibyte more than the manifest it is compared
 * with (a larger file is certainly out of date).
 */
function readInsideState(
  stateDir: string,
  rel: string,
  manifest: string,
): { text: string | undefined } | { error: string } | { tooLarge: true } {
  const root = openStateRoot(stateDir);
  if (root === undefined) return { text: undefined };
  const read = readStateText(root, rel, Buffer.byteLength(manifest, 'utf8') + 1024 * 1024);
  if (read.ok) return { text: read.text };
  const { reason, why } = read.refusal;
  if (reason === 'missing' && why === 'does not exist') return { text: undefined };
  if (reason === 'too-large') return { tooLarge: true };
  return { error: `${rel} ${why}` };
}
