import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ImageFactory, ImageFactoryStateError } from '@image-factory/kargo-constructs';
import {
  formatProblem,
  loadState,
  openStateRoot,
  readStateText,
  type StateProblem,
  withoutDefaultWarnings,
  writeFileAtomic,
} from '@image-factory/state-schema';
import { resolveStateDir, STATE_DIR_HELP } from '@image-factory/state-schema/state-dir';
import { buildApp, CHART_ID } from './build-app.js';
import { diffManifests, formatDiff } from './check.js';
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
  --out FILE       where to write (default: <state dir>/<settings output>, i.e. dist/image-factory.k8s.yaml)
  --check          write nothing; exit 1 with a summary when the file differs from what would be written
  -h, --help       show this help

Exit codes: 0 ok, 1 invalid state, failed validation or (--check) out of date, 2 usage error.`;

const ok = (stdout: string): SynthResult => ({ exitCode: 0, stdout, stderr: '' });
const fail = (stderr: string, stdout = ''): SynthResult => ({ exitCode: 1, stdout, stderr });

function problemsText(problems: readonly StateProblem[]): string {
  return `${problems.map(formatProblem).join('\n')}\n`;
}

/**
 * Runs `synth` for `argv` (without node and script). Never throws for bad input, never prints:
 * the caller prints `stdout`/`stderr` and exits with `exitCode`.
 *
 * Under `cdk8s synth` (`$CDK8S_OUTDIR` set, no `--out`), writes `<CDK8S_OUTDIR>/image-factory.k8s.yaml`.
 */
export async function runSynth(argv: readonly string[], io: SynthEnvironment): Promise<SynthResult> {
  let values: { 'state-dir'?: string; out?: string; check?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        'state-dir': { type: 'string' },
        out: { type: 'string' },
        check: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { exitCode: 2, stdout: '', stderr: `error: ${(error as Error).message}\n\n${USAGE}\n` };
  }
  if (values.help) return ok(`${USAGE}\n`);

  const stateDir = resolveStateDir(values['state-dir'], io.env, io.cwd);

  const loaded = loadState(stateDir);
  if (!loaded.ok) {
    const errors = loaded.problems.filter((p) => p.severity === 'error').length;
    // The loader names the missing directory; how to point at another one is this app's to say.
    const problems = loaded.problems.map((p) =>
      p.code === 'missing-directory'
        ? {
            ...p,
            hint: 'pass --state-dir DIR or set IMAGE_FACTORY_STATE_DIR to a checkout of the state repository',
          }
        : p,
    );
    return fail(
      `${problemsText(problems)}error: the state in ${stateDir} is invalid (${errors} ${errors === 1 ? 'error' : 'errors'}); nothing was written\n`,
    );
  }
  const notice = stateRepoNotice(loaded.state.stateRepoUrlSource);
  let warnings = notice + (loaded.warnings.length > 0 ? problemsText(loaded.warnings) : '');

  let manifest: string;
  let count: number;
  let summary: string;
  try {
    const app = buildApp(loaded.state);
    const manifests = synthManifests(app);
    manifest = renderManifest(manifests);
    count = manifests.length;
    summary = synthSummary(manifests);
    // Warnings of the generated objects themselves (a webhook receiver reaching a sampling Warehouse).
    const factoryWarnings = app.node
      .findAll()
      .flatMap((c) => (c instanceof ImageFactory ? c.webhooks.warnings : []));
    if (factoryWarnings.length > 0) warnings += problemsText(factoryWarnings);
  } catch (error) {
    if (error instanceof ImageFactoryStateError) {
      // As the loader does for a state that does not load: no reminders of defaults beside errors.
      const kept = withoutDefaultWarnings(loaded.warnings);
      return fail(
        `${notice}${kept.length > 0 ? problemsText(kept) : ''}${problemsText(error.problems)}error: the state in ${stateDir} cannot be synthesized; nothing was written\n`,
      );
    }
    return fail(
      `${warnings}error: synth-time validation failed; nothing was written\n${(error as Error).message}\n`,
    );
  }

  const cdk8sOutdir = io.env.CDK8S_OUTDIR;
  // The settings' output path comes from the state repository, which may be hostile: the file it
  // names must stay inside the state directory (`dist -> /elsewhere` is refused). A path the user
  // gave (--out, $CDK8S_OUTDIR) is the user's choice.
  const fromState = values.out === undefined && (cdk8sOutdir === undefined || cdk8sOutdir === '');
  const outPath =
    values.out !== undefined
      ? resolve(io.cwd, values.out)
      : !fromState
        ? resolve(io.cwd, cdk8sOutdir ?? '', `${CHART_ID}.k8s.yaml`)
        : join(loaded.state.dir, loaded.state.settings.output);
  const shown = displayPath(outPath, io.cwd);

  if (values.check) {
    const onDisk = fromState
      ? readInsideState(loaded.state.dir, loaded.state.settings.output, manifest)
      : { text: await readFile(outPath, 'utf8').catch(() => undefined) };
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

function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') ? rel : path;
}
