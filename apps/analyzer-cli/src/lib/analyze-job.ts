/**
 * The Kargo analysis job (`image-factory analyze`): analyse the Dockerfile of a newly built version
 * and record the result in the state repository with one commit, pushed safely next to concurrent
 * jobs. Every step either completes or the job fails with nothing pushed.
 */
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { FactoryState, ManagedImage } from '@image-factory/state-schema';
import { CliError } from '../errors.js';
import { type Clock, isoTimestamp } from './clock.js';
import { discoverBaseImages } from './discover.js';
import { Git, type GitCredentials } from './git.js';
import { checkRelativePath, readFileInside } from './paths.js';
import {
  checkBranchName,
  cloneBranch,
  commitPaths,
  FACTORY_IDENTITY,
  type GitIdentity,
  headCommit,
  pushBranch,
  resetToRemote,
} from './repo.js';
import { findManagedImage, loadValidState, recordDiscovery, resolveBaseImageNames } from './state.js';
import { withTempDir } from './temp.js';

/** The job's arguments, exactly as the AnalysisTemplate passes them. */
export interface AnalyzeJobOptions {
  /** Managed image name as enrolled in images.yaml (the state file is `images/<image>.yaml`). */
  readonly image: string;
  /** The tag that was built (becomes `currentVersion`). */
  readonly tag: string;
  /** Its digest (`sha256:...`; becomes `currentDigest`); empty: unknown, left as is. */
  readonly digest: string;
  /** Dockerfile path in the source repository (relative; must stay inside it). */
  readonly dockerfile: string;
  /** `owner/name` of the source repository (checked against the enrollment). */
  readonly sourceRepo: string;
  /** `github` or `gitlab`. */
  readonly sourceProvider: string;
  /** Git URL of the source repository: anything git accepts, including local paths. */
  readonly gitRepo: string;
  /** Branch of the source repository to analyse. */
  readonly gitBranch: string;
  /** Git URL of the state repository. */
  readonly stateRepo: string;
  /** Branch of the state repository. @default 'main' */
  readonly stateBranch: string;
}

/** What the job needs from its surroundings (all injectable for tests). */
export interface AnalyzeJobContext {
  /** Environment of the git processes. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory that relative git URLs are resolved against. */
  readonly cwd: string;
  readonly clock: Clock;
  /** HTTPS credentials for both repositories; absent: git's own configuration. */
  readonly credentials?: GitCredentials | undefined;
  /** Diagnostics (warnings, retries), one line each, without a trailing newline. */
  readonly log: (line: string) => void;
  /** Push attempts before giving up. @default 5 */
  readonly maxPushAttempts?: number | undefined;
  /** Milliseconds to wait before attempt `n` (2, 3, ...). @default jittered exponential from 250 ms */
  readonly backoffMs?: ((attempt: number) => number) | undefined;
  /** Commit identity. @default FACTORY_IDENTITY */
  readonly identity?: GitIdentity | undefined;
  /** Parent of the temporary directory. @default the system temporary directory */
  readonly tmpRoot?: string | undefined;
}

/** What the job did. */
export interface AnalyzeJobResult {
  readonly image: string;
  /** The pushed commit; undefined when nothing changed (no commit). */
  readonly commit?: string | undefined;
  /** Files changed by the commit (relative to the state repository). */
  readonly files: readonly string[];
  /** The image's base images as recorded. */
  readonly baseImages: readonly string[];
  /** Push attempts made (0 when nothing changed). */
  readonly attempts: number;
  /** Warnings (analysis problems, flags that disagree with the enrollment). */
  readonly warnings: readonly string[];
}

const IMAGE_NAME = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

/** The default backoff: 250 ms doubling per attempt, capped at 4 s, jittered by ±50 %. */
export function defaultBackoffMs(attempt: number): number {
  const base = Math.min(4000, 250 * 2 ** Math.max(0, attempt - 2));
  return Math.round(base * (0.5 + Math.random()));
}

/** Checks the job's arguments before anything is cloned. */
export function checkAnalyzeOptions(options: AnalyzeJobOptions): void {
  const bad = (flag: string, value: string, why: string): never => {
    throw new CliError(`--${flag} "${value}" ${why}`);
  };
  if (!IMAGE_NAME.test(options.image))
    bad('image', options.image, 'is not an image name ([a-z0-9-], at most 63)');
  if (!TAG.test(options.tag)) bad('tag', options.tag, 'is not a valid image tag');
  if (options.digest !== '' && !DIGEST.test(options.digest)) {
    bad('digest', options.digest, 'is not a digest (algorithm:hex, e.g. sha256:...)');
  }
  if (options.sourceProvider !== 'github' && options.sourceProvider !== 'gitlab') {
    bad('source-provider', options.sourceProvider, 'must be github or gitlab');
  }
  if (options.gitRepo.trim() === '') bad('git-repo', options.gitRepo, 'is empty');
  if (options.stateRepo.trim() === '') bad('state-repo', options.stateRepo, 'is empty');
  checkRelativePath(options.dockerfile, '--dockerfile');
}

/** Runs the analysis job. Throws a {@link CliError} saying what failed and why; nothing is pushed then. */
export async function runAnalyzeJob(
  options: AnalyzeJobOptions,
  context: AnalyzeJobContext,
): Promise<AnalyzeJobResult> {
  checkAnalyzeOptions(options);
  const dockerfile = checkRelativePath(options.dockerfile, '--dockerfile');
  const now = isoTimestamp(context.clock);
  return withTempDir(
    'image-factory-analyze',
    async (tmp) => {
      const git = await Git.create({ env: context.env, credentials: context.credentials, scratchDir: tmp });
      await checkBranchName(git, options.gitBranch, '--git-branch', tmp);
      await checkBranchName(git, options.stateBranch, '--state-branch', tmp);
      const stateDir = join(tmp, 'state');
      await cloneBranch(git, {
        url: options.stateRepo,
        branch: options.stateBranch,
        dest: stateDir,
        what: 'the state repository',
        cwd: context.cwd,
      });
      let state = await loadValidState(stateDir);
      let image = findManagedImage(state, options.image);
      const warnings = enrollmentWarnings(image, options, dockerfile);

      // The Dockerfile: the state repository's own (local.dockerfile), else the source's.
      let text: string;
      let described: string;
      if (image.local?.dockerfile !== undefined) {
        text = await readFileInside(stateDir, image.local.dockerfile, 'local.dockerfile');
        described = `${image.local.dockerfile} in the state repository`;
      } else {
        const sourceDir = join(tmp, 'source');
        await cloneBranch(git, {
          url: options.gitRepo,
          branch: options.gitBranch,
          dest: sourceDir,
          what: 'the source repository',
          cwd: context.cwd,
          sparsePaths: [dockerfile],
        });
        text = await readFileInside(sourceDir, dockerfile, '--dockerfile');
        const sourceCommit = (await headCommit(git, sourceDir)).slice(0, 12);
        described = `${dockerfile} in ${options.sourceRepo}@${sourceCommit} (branch ${options.gitBranch})`;
      }
      const discovery = discoverBaseImages(text, dockerfile);
      warnings.push(...discovery.warnings);
      for (const warning of warnings) context.log(`warning: ${warning}`);
      const references = discovery.images.map((found) => found.reference);
      const version = { tag: options.tag, digest: options.digest === '' ? undefined : options.digest };

      const maxAttempts = context.maxPushAttempts ?? 5;
      const backoff = context.backoffMs ?? defaultBackoffMs;
      let lastReason = '';
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        if (attempt > 1) {
          await delay(backoff(attempt));
          // Replay the update on top of whatever the others pushed (a rebase that cannot conflict).
          await resetToRemote(git, stateDir, options.stateBranch);
          state = await loadValidState(stateDir, 'the state repository (after fetching)');
          image = findManagedImage(state, options.image);
        }
        const applied = await applyAnalysis(state, image, references, version, now);
        if (applied.files.length === 0) {
          return {
            image: image.name,
            files: [],
            baseImages: applied.baseImages,
            attempts: attempt - 1,
            warnings,
          };
        }
        await loadValidState(stateDir, 'the updated state (nothing was pushed)');
        const message = commitMessage(image.name, options, applied, described);
        const commit = await commitPaths(
          git,
          stateDir,
          applied.files,
          message,
          context.identity ?? FACTORY_IDENTITY,
        );
        if (commit === undefined) {
          return {
            image: image.name,
            files: [],
            baseImages: applied.baseImages,
            attempts: attempt - 1,
            warnings,
          };
        }
        const pushed = await pushBranch(git, stateDir, options.stateBranch);
        if (pushed.ok) {
          return {
            image: image.name,
            commit,
            files: applied.files,
            baseImages: applied.baseImages,
            attempts: attempt,
            warnings,
          };
        }
        lastReason = pushed.reason;
        if (attempt < maxAttempts) {
          context.log(
            `push attempt ${attempt} of ${maxAttempts} to ${git.redact(options.stateRepo)} was ${pushed.rejected ? 'rejected (the branch moved on)' : 'refused'}: ${pushed.reason}; fetching and retrying`,
          );
        }
      }
      throw new CliError(
        `pushing the state update for "${options.image}" to ${git.redact(options.stateRepo)} (branch ${options.stateBranch}) failed after ${maxAttempts} attempts: ${lastReason}`,
        1,
        'nothing was pushed; check that the credentials may push to the branch and that no hook or branch protection refuses the commit',
      );
    },
    context.tmpRoot,
  );
}

interface AppliedAnalysis {
  readonly files: readonly string[];
  readonly baseImages: readonly string[];
  readonly created: readonly string[];
}

/** Applies the analysis to the checkout: base-image files, then `images/<name>.yaml`. */
async function applyAnalysis(
  state: FactoryState,
  image: ManagedImage,
  references: Parameters<typeof resolveBaseImageNames>[2],
  version: { tag: string; digest: string | undefined },
  now: string,
): Promise<AppliedAnalysis> {
  const resolved = await resolveBaseImageNames(state, image.name, references, now);
  const written = await recordDiscovery(
    state,
    image,
    { ok: true, baseImages: resolved.names },
    { now, version },
  );
  const files = [...resolved.created, ...(written ? [written] : [])];
  return { files, baseImages: resolved.names, created: resolved.created };
}

function commitMessage(
  name: string,
  options: AnalyzeJobOptions,
  applied: AppliedAnalysis,
  described: string,
): string {
  const lines = [
    `image-factory: analyze ${name} ${options.tag}`,
    '',
    `Base images: ${applied.baseImages.length > 0 ? applied.baseImages.join(', ') : '(none)'}`,
    `Version: ${options.tag}${options.digest ? ` (${options.digest})` : ''}`,
    `Dockerfile: ${described}`,
  ];
  if (applied.created.length > 0) lines.push(`New base images: ${applied.created.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function enrollmentWarnings(image: ManagedImage, options: AnalyzeJobOptions, dockerfile: string): string[] {
  const warnings: string[] = [];
  const source = image.source;
  const differ = (flag: string, given: string, enrolled: string) =>
    warnings.push(`--${flag} "${given}" differs from the enrollment of "${image.name}" ("${enrolled}")`);
  if (options.sourceRepo !== source.repo) differ('source-repo', options.sourceRepo, source.repo);
  if (options.sourceProvider !== source.provider)
    differ('source-provider', options.sourceProvider, source.provider);
  // With local.dockerfile the job is pointed at the state repository (its branch and path).
  if (image.local?.dockerfile === undefined) {
    if (options.gitBranch !== source.branch) differ('git-branch', options.gitBranch, source.branch);
    if (dockerfile !== source.dockerfile) differ('dockerfile', dockerfile, source.dockerfile);
  }
  return warnings;
}
