/**
 * `image-factory generate-state`: re-discover the base images of every managed image from its
 * Dockerfile (fetched fresh, shallow and sparse, into a temporary directory), record them in the
 * state, and generate the build workflows. Writes only files whose content changes.
 */
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildWorkflowPath,
  type FactoryState,
  GENERATED_WORKFLOW_MARKER,
  listStateDir,
  loadState,
  type ManagedImage,
  openStateRoot,
  readStateText,
  referenceKey,
  type StateProblem,
  type StateRoot,
  WORKFLOWS_DIR,
  writeFileAtomic,
} from '@image-factory/state-schema';
import { parseDocument } from 'yaml';
import { CliError } from '../errors.js';
import { type Clock, isoTimestamp } from './clock.js';
import { checkNoCredentialsInUrl, credentialRulesFromEnv } from './credentials.js';
import { type DiscoveredImage, discoverBaseImages } from './discover.js';
import { Git } from './git.js';
import { sourceGitUrl } from './git-url.js';
import { readFileInside } from './paths.js';
import type { Progress } from './progress.js';
import { cloneBranch } from './repo.js';
import { loadValidState, recordDiscovery, resolveBaseImageNames } from './state.js';
import { renderStateWorkflow, STATE_WORKFLOW_PATH } from './state-workflow.js';
import { withTempDir } from './temp.js';
import { renderBuildWorkflow } from './workflows.js';

/** Options of {@link generateState}. */
export interface GenerateStateOptions {
  /** The state repository checkout. */
  readonly stateDir: string;
  /** Overrides the source git URL: `{provider}` and `{repo}` are replaced (see {@link sourceGitUrl}). */
  readonly gitUrlTemplate?: string | undefined;
  /** Dockerfiles fetched in parallel. @default 4 */
  readonly concurrency?: number | undefined;
}

/**
 * What generate-state needs from its surroundings. Credentials come from `env`: `GITHUB_TOKEN` for
 * repositories under `GITHUB_URL` (default: the settings' `github.url`), `GITLAB_TOKEN` under
 * `GITLAB_URL` (default: `gitlab.url`); `GIT_USERNAME`/`GIT_PASSWORD` belong to the analysis job's
 * state repository and are not used here.
 */
export interface GenerateStateContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly clock: Clock;
  readonly progress: Progress;
  /** Parent of the temporary directory. @default the system temporary directory */
  readonly tmpRoot?: string | undefined;
}

/** The outcome for one managed image. */
export interface ImageReport {
  readonly name: string;
  readonly status: 'success' | 'failed';
  /** Base images as recorded (the previous ones when the discovery failed). */
  readonly baseImages: readonly string[];
  /** Why the discovery failed. */
  readonly error?: string | undefined;
  readonly warnings: readonly string[];
  /** Files written for this image (state file, new base-image files, workflow), relative. */
  readonly files: readonly string[];
}

/** The outcome of a run. */
export interface GenerateStateReport {
  readonly images: readonly ImageReport[];
  /** Every file written (relative to the state directory), sorted. */
  readonly written: readonly string[];
  /** Generated workflows removed because their image is gone or brings its own workflow. */
  readonly removed: readonly string[];
  /** The state's own warnings, positioned (files relative to the state directory), as validate has them. */
  readonly stateWarnings: readonly StateProblem[];
  /** Problems that are not about one image nor positioned (e.g. a hand-edited workflow left alone). */
  readonly warnings: readonly string[];
  /** Errors of the state as written (it should always load; listed when it does not). */
  readonly problems: readonly StateProblem[];
  /** True when every image was discovered and the written state loads. */
  readonly ok: boolean;
}

type Fetched =
  | {
      readonly ok: true;
      readonly images: readonly DiscoveredImage[];
      readonly warnings: readonly string[];
      /** Normalized reference of the target stage's base image (see `Discovery.finalBase`). */
      readonly finalBase?: string | undefined;
      /** Input names of the team workflow; null: it has one, but it could not be read. */
      readonly workflowInputs?: readonly string[] | null | undefined;
    }
  | { readonly ok: false; readonly error: string };

/** Runs state generation on `options.stateDir`. Throws a {@link CliError} when the state is invalid. */
export async function generateState(
  options: GenerateStateOptions,
  context: GenerateStateContext,
): Promise<GenerateStateReport> {
  const state = await loadValidState(options.stateDir, undefined, context.cwd);
  const now = isoTimestamp(context.clock);
  const managed = state.managedImages;
  const fetched = await withTempDir(
    'image-factory-generate',
    async (tmp) => {
      const credentials = credentialRulesFromEnv(context.env, {
        githubUrl: state.settings.github.url,
        gitlabUrl: state.settings.gitlab.url,
      });
      const git = await Git.create({ env: context.env, credentials, scratchDir: tmp });
      let started = 0;
      return mapLimit(managed, options.concurrency ?? 4, async (image, index) => {
        started++;
        context.progress.step(started, managed.length, image.name);
        return fetchAndDiscover(git, state, image, join(tmp, `source-${index}`), options, context);
      });
    },
    context.tmpRoot,
  );
  context.progress.done();

  // Every image failed (the network is down, a token expired): recording `discoveryStatus: failed`
  // everywhere and regenerating the workflows from nothing discovered would only churn the state.
  if (managed.length > 0 && fetched.every((result) => !result.ok)) {
    return {
      images: managed.map((image, index) => {
        const result = fetched[index];
        const error = result !== undefined && !result.ok ? result.error : 'not analysed';
        return {
          name: image.name,
          status: 'failed',
          baseImages: image.baseImages,
          error,
          warnings: [],
          files: [],
        };
      }),
      written: [],
      removed: [],
      stateWarnings: state.warnings,
      warnings: ['every image failed: nothing was written (the state and the workflows are as they were)'],
      problems: [],
      ok: false,
    };
  }

  const finalBases = new Map<string, string>();
  for (const [index, image] of managed.entries()) {
    const result = fetched[index];
    if (result?.ok && result.finalBase !== undefined) finalBases.set(image.name, result.finalBase);
  }
  const workflows = await writeWorkflows(state, finalBases);
  // Writes happen one image at a time, in name order, so that shared new base images get one file.
  const reports: ImageReport[] = [];
  const written = new Set<string>();
  for (const [index, image] of managed.entries()) {
    const result = fetched[index];
    const files: string[] = [];
    if (workflows.written.includes(buildWorkflowPath(image.name))) files.push(buildWorkflowPath(image.name));
    if (result?.ok) {
      const resolved = await resolveBaseImageNames(
        state,
        image.name,
        result.images.map((found) => found.reference),
        now,
      ).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error: messageOf(error) }),
      );
      if (resolved.ok) {
        files.push(...resolved.value.created);
        const file = await recordDiscovery(
          state,
          image,
          { ok: true, baseImages: resolved.value.names },
          {
            now,
            syncEnrollment: true,
            // Only a team workflow's inputs are recorded; a generated one declares them all.
            workflowInputs: image.source.workflow === undefined ? null : (result.workflowInputs ?? null),
          },
        );
        if (file) files.push(file);
        reports.push({
          name: image.name,
          status: 'success',
          baseImages: resolved.value.names,
          warnings: result.warnings,
          files,
        });
        continue;
      }
      reports.push(await failed(state, image, resolved.error, now, files));
      continue;
    }
    reports.push(await failed(state, image, result?.error ?? 'not analysed', now, files));
  }

  for (const report of reports) for (const file of report.files) written.add(file);
  for (const file of workflows.written) written.add(file);
  // The result must load: anything else is a bug worth stopping on (exit 1), not a silent bad state.
  const after = loadState(options.stateDir);
  const problems = after.ok ? [] : after.problems.filter((p) => p.severity === 'error');
  return {
    images: reports,
    written: [...written].sort(),
    removed: workflows.removed,
    stateWarnings: state.warnings,
    warnings: workflows.warnings,
    problems,
    ok: problems.length === 0 && reports.every((report) => report.status === 'success'),
  };
}

async function failed(
  state: FactoryState,
  image: ManagedImage,
  error: string,
  now: string,
  files: string[],
): Promise<ImageReport> {
  const file = await recordDiscovery(state, image, { ok: false }, { now, syncEnrollment: true });
  if (file) files.push(file);
  return { name: image.name, status: 'failed', baseImages: image.baseImages, error, warnings: [], files };
}

async function fetchAndDiscover(
  git: Git,
  state: FactoryState,
  image: ManagedImage,
  dest: string,
  options: GenerateStateOptions,
  context: GenerateStateContext,
): Promise<Fetched> {
  try {
    let text: string;
    let file: string;
    let workflowInputs: readonly string[] | null | undefined;
    const warnings: string[] = [];
    const localDockerfile = image.local?.dockerfile;
    if (localDockerfile !== undefined) {
      text = await readFileInside(state.dir, localDockerfile, 'local.dockerfile');
      file = localDockerfile;
    } else {
      const source = image.source;
      const url = sourceGitUrl(source, state.settings, options.gitUrlTemplate);
      checkNoCredentialsInUrl(url, `the source of "${image.name}"`);
      // A team workflow is a GitHub Actions workflow of the source repository.
      const workflow =
        source.workflow !== undefined && source.provider === 'github'
          ? `${WORKFLOWS_DIR}/${source.workflow}`
          : undefined;
      await cloneBranch(git, {
        url,
        branch: source.branch,
        dest,
        what: `the source of "${image.name}"`,
        cwd: context.cwd,
        sparsePaths: workflow === undefined ? [source.dockerfile] : [source.dockerfile, workflow],
      });
      text = await readFileInside(dest, source.dockerfile, 'source.dockerfile');
      file = `${source.repo}:${source.dockerfile}`;
      if (workflow !== undefined) {
        workflowInputs = await readWorkflowInputs(dest, workflow, `${source.repo}:${workflow}`, warnings);
      }
    }
    const discovery = discoverBaseImages(text, file);
    return {
      ok: true,
      images: discovery.images,
      warnings: [...discovery.warnings, ...warnings],
      ...(discovery.finalBase === undefined ? {} : { finalBase: referenceKey(discovery.finalBase) }),
      ...(workflowInputs === undefined ? {} : { workflowInputs }),
    };
  } catch (error) {
    return { ok: false, error: messageOf(error) };
  }
}

/** Most `workflow_dispatch` inputs recorded (GitHub allows far fewer). */
const MAX_WORKFLOW_INPUTS = 100;

/**
 * The `workflow_dispatch` input names a team workflow declares, sorted: `[]` when it declares
 * none, null (with a warning) when it cannot be read, parsed or dispatched. The file is read like
 * the Dockerfile (inside the clone, regular, bounded); a YAML problem is a warning, never a crash.
 */
async function readWorkflowInputs(
  dir: string,
  path: string,
  label: string,
  warnings: string[],
): Promise<readonly string[] | null> {
  let text: string;
  try {
    text = await readFileInside(dir, path, 'source.workflow');
  } catch (error) {
    warnings.push(`${label}: ${messageOf(error)}; its inputs are not known, so its rebuilds are not pinned`);
    return null;
  }
  const doc = parseDocument(text);
  const [error] = doc.errors;
  if (error !== undefined) {
    const [line, col] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [0, 0];
    warnings.push(
      `${label}:${line}:${col}: not valid YAML (${error.code}); its inputs are not known, so its rebuilds are not pinned`,
    );
    return null;
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (thrown) {
    warnings.push(`${label}: ${messageOf(thrown)}; its inputs are not known, so its rebuilds are not pinned`);
    return null;
  }
  const on = isRecord(data) ? data.on : undefined;
  const dispatchable =
    on === 'workflow_dispatch' ||
    (Array.isArray(on) && on.includes('workflow_dispatch')) ||
    (isRecord(on) && 'workflow_dispatch' in on);
  if (!dispatchable) {
    warnings.push(
      `${label}: has no workflow_dispatch trigger, so the rebuild Stage cannot dispatch it (add \`on: workflow_dispatch\`)`,
    );
    return null;
  }
  const dispatch = isRecord(on) ? on.workflow_dispatch : undefined;
  const inputs = isRecord(dispatch) && isRecord(dispatch.inputs) ? Object.keys(dispatch.inputs) : [];
  const names = inputs.filter((name) => /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/.test(name));
  if (names.length !== inputs.length) {
    warnings.push(`${label}: workflow_dispatch input names that GitHub does not accept are ignored`);
  }
  return [...new Set(names)].sort().slice(0, MAX_WORKFLOW_INPUTS);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

interface WorkflowChanges {
  readonly written: string[];
  readonly removed: string[];
  readonly warnings: string[];
}

/** Writes the expected generated workflows and removes generated ones nobody needs any more. */
async function writeWorkflows(
  state: FactoryState,
  finalBases: ReadonlyMap<string, string>,
): Promise<WorkflowChanges> {
  const expected = new Map<string, string>();
  for (const image of state.managedImages) {
    if (image.source.workflow === undefined) {
      expected.set(
        buildWorkflowPath(image.name),
        renderBuildWorkflow(image, state.settings, { finalBase: finalBases.get(image.name) }),
      );
    }
  }
  expected.set(STATE_WORKFLOW_PATH, renderStateWorkflow(state.settings));

  const changes: WorkflowChanges = { written: [], removed: [], warnings: [] };
  const dir = join(state.dir, WORKFLOWS_DIR);
  // The state loaded, so its directory exists. Workflows are read like every state file (inside
  // the state directory, regular, bounded) and written by writeFileAtomic, which creates the
  // directories itself only after checking that none of them leads outside.
  const root = openStateRoot(state.dir) as StateRoot;
  for (const [path, content] of [...expected].sort(([a], [b]) => a.localeCompare(b))) {
    const existing = readStateText(root, path);
    if (!existing.ok && existing.refusal.reason !== 'missing') {
      changes.warnings.push(`${path} ${existing.refusal.why}: left alone`);
      continue;
    }
    if (existing.ok && !isGenerated(existing.text)) {
      changes.warnings.push(
        `${path} exists and was not generated (no "${GENERATED_WORKFLOW_MARKER}" line): left alone`,
      );
      continue;
    }
    if (await writeFileAtomic(join(state.dir, path), content, { root: state.dir })) {
      changes.written.push(path);
    }
  }
  const listed = listStateDir(root, WORKFLOWS_DIR);
  for (const entry of listed.ok ? listed.entries : []) {
    const path = `${WORKFLOWS_DIR}/${entry.name}`;
    if (entry.kind !== 'file' || !/\.ya?ml$/.test(entry.name) || expected.has(path)) continue;
    const existing = readStateText(root, path);
    if (existing.ok && isGenerated(existing.text)) {
      await unlink(join(dir, entry.name));
      changes.removed.push(path);
    }
  }
  return changes;
}

function isGenerated(content: string): boolean {
  return content.split(/\r?\n/, 1)[0] === GENERATED_WORKFLOW_MARKER;
}

function messageOf(error: unknown): string {
  if (error instanceof CliError) return error.hint ? `${error.message} (${error.hint})` : error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Maps `items` with at most `limit` calls in flight; results keep the order of `items`. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
