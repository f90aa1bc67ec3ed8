// A small local executor for the generated GitHub Actions workflows: `run:` steps execute for real
// (bash, like GitHub's default shell), `actions/checkout` clones local bare repositories (leaving
// the token in .git/config as actions/checkout v4 does unless `persist-credentials: false`), and the
// docker actions are recorded with their inputs resolved, the build with a snapshot of its context.
// Enough to prove that the scripts, the expressions, the job and step wiring of a generated
// workflow do what they claim, and that no token reaches the build context.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { git, TEST_GIT_ENV } from './git-repos.js';

interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
  readonly 'working-directory'?: string;
}

interface Job {
  readonly if?: string;
  readonly needs?: string | string[];
  readonly env?: Record<string, string>;
  readonly outputs?: Record<string, string>;
  readonly steps: Step[];
}

interface Workflow {
  readonly env?: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

/** What the run needs: where repositories live, the dispatch inputs, and the GitHub context. */
export interface RunOptions {
  /** Workspace directory (created; each job after the first gets its own, `<workspace>-<job>`). */
  readonly workspace: string;
  /** The repository the workflow belongs to (checked out without `repository:`). */
  readonly selfRepo: string;
  /** Other repositories by `owner/name`. */
  readonly repos?: Readonly<Record<string, string>>;
  readonly inputs?: Readonly<Record<string, string>>;
  readonly refName?: string;
  readonly runNumber?: number;
  readonly eventName?: string;
  /** `github.server_url` and `$GITHUB_SERVER_URL`. @default 'https://github.com' */
  readonly serverUrl?: string;
  /** Repository secrets (`GITHUB_TOKEN` is always there). */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Extra environment for `run:` steps (e.g. PATH with fakes). */
  readonly env?: Readonly<Record<string, string>>;
  /** Step names to skip. */
  readonly skip?: readonly string[];
  /** Called with the workspace before the named step runs (to fake what a skipped step did). */
  readonly before?: Readonly<Record<string, (workspace: string) => void>>;
}

/** A recorded `uses:` step. */
export interface UsedAction {
  readonly uses: string;
  readonly with: Record<string, string>;
  /**
   * `docker/build-push-action` only: every file of the build context as BuildKit receives it
   * (path relative to the context -> content; a symbolic link as its target), without applying a
   * `.dockerignore`, which the source repository controls.
   */
  readonly context?: ReadonlyMap<string, Buffer>;
}

/** The outcome of a run. */
export interface RunResult {
  readonly actions: UsedAction[];
  /** Step outputs by step id, over all jobs. */
  readonly outputs: Record<string, Record<string, string>>;
  /** Names of the steps that ran. */
  readonly ran: string[];
  /** Ids of the jobs that ran. */
  readonly jobs: string[];
  /** The failing step and its stderr, when one failed. */
  readonly failure?: { job: string; step: string; stderr: string; stdout: string } | undefined;
}

/** The token `github.token` and `secrets.GITHUB_TOKEN` stand for. */
export const WORKFLOW_TOKEN = 'gh-token';

/**
 * Parses a generated workflow and runs its jobs in order: a job runs when every job it `needs` ran
 * and its `if` holds (GitHub skips a job whose need was skipped); job outputs feed `needs`.
 */
export async function runWorkflow(text: string, options: RunOptions): Promise<RunResult> {
  const workflow = parse(text) as Workflow;
  if (Object.keys(workflow.jobs ?? {}).length === 0) throw new Error('workflow without a job');
  const outputs: Record<string, Record<string, string>> = {};
  const actions: UsedAction[] = [];
  const ran: string[] = [];
  const jobs: string[] = [];
  const serverUrl = options.serverUrl ?? 'https://github.com';
  const needs: Record<string, { outputs: Record<string, string> }> = {};
  const base = {
    inputs: { ...options.inputs },
    github: {
      token: WORKFLOW_TOKEN,
      actor: 'octocat',
      event_name: options.eventName ?? 'workflow_dispatch',
      ref_name: options.refName ?? 'main',
      server_url: serverUrl,
    },
    secrets: { GITHUB_TOKEN: WORKFLOW_TOKEN, ...options.secrets } as Record<string, string>,
    needs,
  };
  const workflowEnv = evaluateEnv(workflow.env, { ...base, env: {} });
  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    const jobNeeds = typeof job.needs === 'string' ? [job.needs] : (job.needs ?? []);
    if (!jobNeeds.every((need) => jobs.includes(need))) continue;
    if (job.if !== undefined && !evaluateCondition(job.if, { ...base, env: workflowEnv })) continue;
    jobs.push(jobId);
    const workspace = jobs.length === 1 ? options.workspace : `${options.workspace}-${jobId}`;
    mkdirSync(workspace, { recursive: true });
    const jobEnv = { ...workflowEnv, ...evaluateEnv(job.env, { ...base, env: workflowEnv }) };
    const stepsContext: Record<string, { outputs: Record<string, string> }> = {};
    for (const step of job.steps) {
      const name = step.name ?? step.uses ?? 'step';
      if (options.skip?.includes(name)) continue;
      const before = { ...base, steps: stepsContext, env: jobEnv };
      if (step.if !== undefined && !evaluateCondition(step.if, before)) continue;
      options.before?.[name]?.(workspace);
      ran.push(name);
      const env = { ...jobEnv, ...evaluateEnv(step.env, before) };
      const context = { ...before, env };
      const withs = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([k, v]) => [k, evaluateTemplate(String(v), context)]),
      );
      const stepOutputs: Record<string, string> = {};
      if (step.uses?.startsWith('actions/checkout@')) {
        stepOutputs.commit = await emulateCheckout(withs, workspace, options, context.github.token);
        actions.push({ uses: step.uses, with: withs });
      } else if (step.uses?.startsWith('docker/build-push-action@')) {
        actions.push({
          uses: step.uses,
          with: withs,
          context: snapshot(join(workspace, withs.context ?? '.')),
        });
      } else if (step.uses) {
        actions.push({ uses: step.uses, with: withs });
      } else if (step.run !== undefined) {
        const outputFile = join(workspace, `.output-${ran.length}`);
        writeFileSync(outputFile, '');
        const runnerTemp = join(workspace, '.runner-temp');
        mkdirSync(runnerTemp, { recursive: true });
        const result = await exec('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], {
          cwd: join(workspace, step['working-directory'] ?? '.'),
          env: {
            ...TEST_GIT_ENV,
            // Defaults a test may replace through options.env.
            RUNNER_TEMP: runnerTemp,
            GITHUB_STEP_SUMMARY: join(workspace, '.step-summary'),
            ...options.env,
            GITHUB_WORKSPACE: workspace,
            GITHUB_OUTPUT: outputFile,
            GITHUB_RUN_NUMBER: String(options.runNumber ?? 7),
            GITHUB_REF_NAME: options.refName ?? 'main',
            GITHUB_SERVER_URL: serverUrl,
            GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
            ...env,
          },
        });
        rmSync(outputFile);
        if (result.status !== 0) {
          return {
            actions,
            outputs,
            ran,
            jobs,
            failure: { job: jobId, step: name, stderr: result.stderr, stdout: result.stdout },
          };
        }
        for (const line of result.output.split('\n')) {
          const eq = line.indexOf('=');
          if (eq > 0) stepOutputs[line.slice(0, eq)] = line.slice(eq + 1);
        }
      }
      if (step.id) {
        stepsContext[step.id] = { outputs: stepOutputs };
        outputs[step.id] = { outputs: stepOutputs } as never;
      }
    }
    const context = { ...base, steps: stepsContext, env: jobEnv };
    needs[jobId] = {
      outputs: Object.fromEntries(
        Object.entries(job.outputs ?? {}).map(([key, value]) => [key, evaluateTemplate(value, context)]),
      ),
    };
  }
  return { actions, outputs, ran, jobs };
}

/**
 * actions/checkout v4: clones with the token (an `http.extraheader`), and unless
 * `persist-credentials: false`, leaves it in `<path>/.git/config` as
 * `http.<server origin>/.extraheader = AUTHORIZATION: basic base64(x-access-token:<token>)`
 * (src/git-auth-helper.ts `configureToken`). Returns the checked-out commit.
 */
async function emulateCheckout(
  withs: Record<string, string>,
  workspace: string,
  options: RunOptions,
  defaultToken: string,
): Promise<string> {
  const repository = withs.repository;
  const url = repository ? options.repos?.[repository] : options.selfRepo;
  if (!url) throw new Error(`no local repository for ${repository}`);
  const dest = join(workspace, withs.path ?? '.');
  // actions/checkout writes the scheme as `basic`; schemes are case-insensitive (RFC 9110 §11.1)
  // and the test server expects `Basic`.
  const header = `AUTHORIZATION: Basic ${Buffer.from(`x-access-token:${withs.token || defaultToken}`).toString('base64')}`;
  const ref = withs.ref || (options.refName ?? 'main');
  const clone = await exec(
    'git',
    ['-c', `http.extraheader=${header}`, 'clone', '--quiet', '--branch', ref, url, dest],
    { cwd: workspace, env: TEST_GIT_ENV },
  );
  if (clone.status !== 0) throw new Error(`checkout of ${url} failed: ${clone.stderr}`);
  if (withs['persist-credentials'] !== 'false') {
    const server = new URL(withs['github-server-url'] || (options.serverUrl ?? 'https://github.com')).origin;
    git(dest, 'config', '--local', `http.${server}/.extraheader`, header);
  }
  return git(dest, 'rev-parse', 'HEAD').trim();
}

/** Every file under `dir` (not following symbolic links), as BuildKit's context transfer would send it. */
export function snapshot(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(dir, relative), { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isSymbolicLink()) files.set(path, Buffer.from(readlinkSync(join(dir, path))));
      else files.set(path, readFileSync(join(dir, path)));
    }
  };
  walk('');
  return files;
}

/** Runs a command asynchronously (so that servers in this process, like the HTTP git server, can answer). */
function exec(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string | undefined> },
): Promise<{ status: number; stdout: string; stderr: string; output: string }> {
  const outputFile = options.env.GITHUB_OUTPUT;
  return new Promise((resolve) => {
    execFile(command, [...args], { ...options, encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({
        status: error ? (typeof error.code === 'number' ? error.code : 99) : 0,
        stdout,
        stderr,
        output: outputFile === undefined ? '' : readFileSync(outputFile, 'utf8'),
      }),
    );
  });
}

function evaluateEnv(env: Record<string, string> | undefined, context: Context): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env ?? {}).map(([k, v]) => [k, evaluateTemplate(String(v), context)]),
  );
}

type Context = Record<string, unknown>;

function lookup(path: string, context: Context): unknown {
  let current: unknown = context;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Evaluates the expression subset the generated workflows use: paths, 'literals', ==, !=, ||. */
function evaluateExpression(expression: string, context: Context): string {
  const alternatives = expression.split('||').map((part) => part.trim());
  for (const alternative of alternatives) {
    const value = evaluateOperand(alternative, context);
    if (value !== '' && value !== 'false') return value;
  }
  return '';
}

function evaluateOperand(text: string, context: Context): string {
  const comparison = /^(.+?)\s*(==|!=)\s*(.+)$/.exec(text);
  if (comparison) {
    const left = evaluateOperand(comparison[1] as string, context);
    const right = evaluateOperand(comparison[3] as string, context);
    return String(comparison[2] === '==' ? left === right : left !== right);
  }
  const literal = /^'(.*)'$/.exec(text);
  if (literal) return literal[1] as string;
  const value = lookup(text, context);
  return value === undefined || value === null ? '' : String(value);
}

function evaluateTemplate(text: string, context: Context): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expression: string) =>
    evaluateExpression(expression, context),
  );
}

function evaluateCondition(condition: string, context: Context): boolean {
  return evaluateExpression(condition, context) === 'true';
}

/** The scripts must only read user data from env: any `${{` in a run script is a finding (all jobs). */
export function runScriptsWithExpressions(text: string): string[] {
  const workflow = parse(text) as { jobs: Record<string, { steps: Step[] }> };
  return Object.values(workflow.jobs)
    .flatMap((job) => job.steps)
    .filter((step) => step.run?.includes('${{'))
    .map((step) => step.name ?? '?');
}

/**
 * A fake `docker` in `<dir>/bin` for the build step: it records its arguments (NUL-separated) in
 * `<dir>/args`, copies the build context (its last argument) to `<dir>/context` as BuildKit would
 * receive it, and writes a pushed digest to the `--metadata-file`. Put `<dir>/bin` first in PATH.
 */
export function fakeDocker(dir: string): { bin: string; args: () => string[]; context: string } {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(
    join(dir, 'bin', 'docker'),
    `#!/bin/bash
set -euo pipefail
printf '%s\\0' "$@" > ${JSON.stringify(join(dir, 'args'))}
cp -a -- "\${@: -1}" ${JSON.stringify(join(dir, 'context'))}
while (( $# )); do
  if [[ $1 == --metadata-file ]]; then printf '{"containerimage.digest":"sha256:%064d"}' 0 > "$2"; fi
  shift
done
`,
    { mode: 0o755 },
  );
  return {
    bin: join(dir, 'bin'),
    args: () => readFileSync(join(dir, 'args'), 'utf8').split('\0').slice(0, -1),
    context: join(dir, 'context'),
  };
}

/** The real git binary (for fakes that wrap it). */
export function realGit(): string {
  return execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
}
