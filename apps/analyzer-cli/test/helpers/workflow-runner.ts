// A small local executor for the generated GitHub Actions workflows: `run:` steps execute for real
// (bash, like GitHub's default shell), `actions/checkout` clones local bare repositories, and the
// docker actions are recorded with their inputs resolved. Enough to prove that the scripts, the
// expressions and the step wiring of a generated workflow do what they claim.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** What the run needs: where repositories live, the dispatch inputs, and the GitHub context. */
export interface RunOptions {
  /** Workspace directory (created). */
  readonly workspace: string;
  /** The repository the workflow belongs to (checked out without `repository:`). */
  readonly selfRepo: string;
  /** Other repositories by `owner/name`. */
  readonly repos?: Readonly<Record<string, string>>;
  readonly inputs?: Readonly<Record<string, string>>;
  readonly refName?: string;
  readonly runNumber?: number;
  readonly eventName?: string;
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
}

/** The outcome of a run. */
export interface RunResult {
  readonly actions: UsedAction[];
  readonly outputs: Record<string, Record<string, string>>;
  /** Names of the steps that ran. */
  readonly ran: string[];
  /** The failing step and its stderr, when one failed. */
  readonly failure?: { step: string; stderr: string; stdout: string } | undefined;
}

/** Parses a generated workflow and runs its only job. */
export async function runWorkflow(text: string, options: RunOptions): Promise<RunResult> {
  const workflow = parse(text) as { jobs: Record<string, { steps: Step[] }> };
  const job = Object.values(workflow.jobs)[0];
  if (!job) throw new Error('workflow without a job');
  mkdirSync(options.workspace, { recursive: true });
  const outputs: Record<string, Record<string, string>> = {};
  const actions: UsedAction[] = [];
  const ran: string[] = [];
  const context = {
    inputs: { ...options.inputs },
    github: {
      token: 'gh-token',
      actor: 'octocat',
      event_name: options.eventName ?? 'workflow_dispatch',
      ref_name: options.refName ?? 'main',
    },
    secrets: { GITHUB_TOKEN: 'gh-token', ...options.secrets } as Record<string, string>,
    steps: outputs,
    env: {} as Record<string, string>,
  };
  const evaluate = (text: string) => evaluateTemplate(text, context);
  for (const step of job.steps) {
    const name = step.name ?? step.uses ?? 'step';
    if (options.skip?.includes(name)) continue;
    if (step.if !== undefined && !evaluateCondition(step.if, context)) continue;
    options.before?.[name]?.(options.workspace);
    ran.push(name);
    const withs = Object.fromEntries(
      Object.entries(step.with ?? {}).map(([k, v]) => [k, evaluate(String(v))]),
    );
    const stepOutputs: Record<string, string> = {};
    if (step.uses?.startsWith('actions/checkout@')) {
      const repository = withs.repository;
      const url = repository ? options.repos?.[repository] : options.selfRepo;
      if (!url) throw new Error(`no local repository for ${repository}`);
      const dest = join(options.workspace, withs.path ?? '.');
      git(
        options.workspace,
        'clone',
        '--quiet',
        '--branch',
        withs.ref ?? options.refName ?? 'main',
        url,
        dest,
      );
      stepOutputs.commit = git(dest, 'rev-parse', 'HEAD').trim();
      actions.push({ uses: step.uses, with: withs });
    } else if (step.uses) {
      actions.push({ uses: step.uses, with: withs });
    } else if (step.run !== undefined) {
      const outputFile = join(options.workspace, `.output-${ran.length}`);
      writeFileSync(outputFile, '');
      const env = {
        ...TEST_GIT_ENV,
        ...options.env,
        GITHUB_WORKSPACE: options.workspace,
        GITHUB_OUTPUT: outputFile,
        GITHUB_RUN_NUMBER: String(options.runNumber ?? 7),
        GITHUB_REF_NAME: options.refName ?? 'main',
        GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
        ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(String(v))])),
      };
      const cwd = join(options.workspace, step['working-directory'] ?? '.');
      // Asynchronous, so that servers running in this process (the HTTP git server) can answer.
      const result = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          'bash',
          ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run ?? ''],
          { cwd, env, encoding: 'utf8', timeout: 30_000 },
          (error, stdout, stderr) =>
            resolve({
              status: error ? (typeof error.code === 'number' ? error.code : 99) : 0,
              stdout,
              stderr,
            }),
        );
      });
      if (result.status !== 0) {
        return {
          actions,
          outputs,
          ran,
          failure: { step: name, stderr: result.stderr, stdout: result.stdout },
        };
      }
      for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) stepOutputs[line.slice(0, eq)] = line.slice(eq + 1);
      }
    }
    if (step.id) outputs[step.id] = { outputs: stepOutputs } as never;
  }
  return { actions, outputs, ran };
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

/** The scripts must only read user data from env: any `${{` in a run script is a finding. */
export function runScriptsWithExpressions(text: string): string[] {
  const workflow = parse(text) as { jobs: Record<string, { steps: Step[] }> };
  return Object.values(workflow.jobs)
    .flatMap((job) => job.steps)
    .filter((step) => step.run?.includes('${{'))
    .map((step) => step.name ?? '?');
}

/** The real git binary (for fakes that wrap it). */
export function realGit(): string {
  return execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
}
