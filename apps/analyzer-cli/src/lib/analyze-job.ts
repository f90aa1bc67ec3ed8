/**
 * The Kargo analysis job (`image-factory analyze`): analyse the Dockerfile of a newly built version
 * and record the result in the state repository with one commit, pushed safely next to concurrent
 * jobs. Every step either completes or the job fails with nothing pushed.
 */
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type FactoryState, type ManagedImage, parsePins } from '@image-factory/state-schema';
import { CliError } from '../errors.js';
import { type Clock, isoTimestamp } from './clock.js';
import { checkNoCredentialsInUrl, credentialRulesFromEnv } from './credentials.js';
import { discoverBaseImages } from './discover.js';
import { Git } from './git.js';
import { checkRelativePath, readFileInside } from './paths.js';
import {
  COMMIT_ID,
  checkBranchName,
  cloneBranch,
  commitPaths,
  FACTORY_IDENTITY,
  type GitIdentity,
  pushBranch,
  resetToRemote,
} from './repo.js';
import { findManagedImage, loadValidState, recordDiscovery, resolveBaseImageNames } from './state.js';
import { withTempDir } from './temp.js';
import { formatTimestamp, orderVersions, parseRfc3339 } from './version-order.js';

/** The job's arguments, exactly as the AnalysisTemplate passes them. */
export interface AnalyzeJobOptions {
  /** Managed image name as enrolled in images.yaml (the state file is `images/<image>.yaml`). */
  readonly image: string;
  /** The tag that was built (becomes `currentVersion`). */
  readonly tag: string;
  /** Its digest (`sha256:<64 lowercase hex>`; becomes `currentDigest`). Required: see {@link checkAnalyzeOptions}. */
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
  /**
   * The commit of `gitRepo` that was built (full hex id); '' or absent: the head of `gitBranch`.
   * With it, an image with `local.dockerfile` reads that file from `gitRepo` (the state repository,
   * as the AnalysisTemplate passes it) at this commit.
   */
  readonly gitCommit?: string | undefined;
  /** When the version was built (RFC 3339); '' or absent: unknown. Orders concurrent jobs. */
  readonly builtAt?: string | undefined;
  /**
   * The pins the build recorded (annotation `io.github.image-factory.pins`: JSON text of an object
   * normalized reference -> digest); '' or absent: an unpinned build. Recorded as `builtOn`.
   */
  readonly builtOn?: string | undefined;
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
  /** The commit of the repository the Dockerfile was read from. */
  readonly sourceCommit: string;
  /**
   * Set when nothing was recorded because the state already records a newer version (why, e.g.
   * `SemVer 3.0.2 is lower than the recorded 3.0.5`).
   */
  readonly superseded?: string | undefined;
  /** Warnings (analysis problems, flags that disagree with the enrollment). */
  readonly warnings: readonly string[];
}

const IMAGE_NAME = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
// OCI image-spec descriptor.md: `algorithm ":" encoded`; the registered algorithms use lowercase hex
// of a fixed length, and the state schema accepts lowercase hex only.
const DIGEST = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-f0-9]{32,})$/;
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };

/** The default backoff: 250 ms doubling per attempt, capped at 4 s, jittered by ±50 %. */
export function defaultBackoffMs(attempt: number): number {
  const base = Math.min(4000, 250 * 2 ** Math.max(0, attempt - 2));
  return Math.round(base * (0.5 + Math.random()));
}

/** The checked job arguments that are not kept as given. */
export interface CheckedAnalyzeOptions {
  /** The Dockerfile path without `./` segments. */
  readonly dockerfile: string;
  /** The commit to analyse (lowercase), or undefined for the branch head. */
  readonly gitCommit: string | undefined;
  /** `--built-at` in milliseconds since the epoch, or undefined when unknown. */
  readonly builtAt: number | undefined;
  /** `--built-on`: digest by normalized base reference, or undefined for an unpinned build. */
  readonly pins: ReadonlyMap<string, string> | undefined;
}

/**
 * Checks the job's arguments before anything is cloned. `--digest` must be given: the AnalysisTemplate
 * always passes the digest of the Freight's image, and a version recorded without its digest would
 * either keep the previous version's digest beside it or leave none for consumers that are updated
 * by digest; a hand-run job can look the digest up (`docker buildx imagetools inspect`).
 */
export function checkAnalyzeOptions(options: AnalyzeJobOptions): CheckedAnalyzeOptions {
  const bad = (flag: string, value: string, why: string, hint?: string): never => {
    throw new CliError(`--${flag} "${value}" ${why}`, 1, hint);
  };
  if (!IMAGE_NAME.test(options.image))
    bad('image', options.image, 'is not an image name ([a-z0-9-], at most 63)');
  if (!TAG.test(options.tag)) bad('tag', options.tag, 'is not a valid image tag');
  checkDigest(options.digest);
  if (options.sourceProvider !== 'github' && options.sourceProvider !== 'gitlab') {
    bad('source-provider', options.sourceProvider, 'must be github or gitlab');
  }
  for (const [flag, url] of [
    ['git-repo', options.gitRepo],
    ['state-repo', options.stateRepo],
  ] as const) {
    if (url.trim() === '') bad(flag, url, 'is empty');
    checkNoCredentialsInUrl(url, `--${flag}`);
  }
  const commit = (options.gitCommit ?? '').toLowerCase();
  if (commit !== '' && !COMMIT_ID.test(commit)) {
    bad(
      'git-commit',
      options.gitCommit ?? '',
      'is not a full commit id (40 hex digits, or 64 in a SHA-256 repository)',
      'pass the whole id, e.g. from `git rev-parse HEAD`; an abbreviated id cannot be fetched',
    );
  }
  const builtAtText = options.builtAt ?? '';
  const builtAt = builtAtText === '' ? undefined : parseRfc3339(builtAtText);
  if (builtAtText !== '' && builtAt === undefined) {
    bad(
      'built-at',
      builtAtText,
      'is not an RFC 3339 date-time between 1970 and 9999',
      'e.g. 2026-01-02T03:04:05Z or 2026-01-02T04:04:05+01:00; leave it empty when unknown',
    );
  }
  return {
    dockerfile: checkRelativePath(options.dockerfile, '--dockerfile'),
    gitCommit: commit === '' ? undefined : commit,
    builtAt,
    pins: parseBuiltOn(options.builtOn ?? ''),
  };
}

/**
 * `--built-on`, the pins annotation of the analysed image, read as strictly as the build workflow
 * writes it (`parsePins`). It comes from the image, so anything else is refused.
 */
function parseBuiltOn(text: string): ReadonlyMap<string, string> | undefined {
  const parsed = parsePins(text);
  if (parsed.ok) return parsed.pins;
  throw new CliError(
    `--built-on ${parsed.reason}`,
    1,
    'pass the io.github.image-factory.pins annotation of the built image (JSON: {"<registry/repository:tag>":"sha256:<64 hex>"}), or nothing for an unpinned build',
  );
}

/**
 * The pins by base name, for the bases of the Dockerfile that were pinned; a pin that matches no
 * base of the analysed Dockerfile is reported and not recorded.
 */
function builtOnByName(
  pins: ReadonlyMap<string, string>,
  byReference: ReadonlyMap<string, string>,
  log: (line: string) => void,
): Record<string, string> {
  const builtOn: Record<string, string> = {};
  for (const [reference, digest] of pins) {
    const name = byReference.get(reference);
    if (name === undefined)
      log(`warning: --built-on pins ${reference}, which is not a base of the analysed Dockerfile`);
    else builtOn[name] = digest;
  }
  return builtOn;
}

function checkDigest(digest: string): void {
  const fail = (why: string): never => {
    throw new CliError(
      `--digest "${digest}" ${why}`,
      1,
      'pass the digest of the built image, e.g. sha256:<64 lowercase hex digits> (docker buildx imagetools inspect <image>:<tag>)',
    );
  };
  if (digest === '') fail('is empty: the version is recorded with the digest that was built');
  const match = DIGEST.exec(digest);
  if (!match) {
    if (DIGEST.test(digest.toLowerCase())) fail('has uppercase hex digits: a digest is lowercase hex');
    fail('is not a digest (algorithm:hex, e.g. sha256:...)');
  }
  const [, algorithm = '', hex = ''] = match ?? [];
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length !== undefined && hex.length !== length)
    fail(`is not a ${algorithm} digest (${length} hex digits)`);
}

/** Runs the analysis job. Throws a {@link CliError} saying what failed and why; nothing is pushed then. */
export async function runAnalyzeJob(
  options: AnalyzeJobOptions,
  context: AnalyzeJobContext,
): Promise<AnalyzeJobResult> {
  const checked = checkAnalyzeOptions(options);
  const { dockerfile } = checked;
  const builtAt = checked.builtAt === undefined ? undefined : formatTimestamp(checked.builtAt);
  const credentials = credentialRulesFromEnv(context.env, { stateRepo: options.stateRepo });
  const now = isoTimestamp(context.clock);
  return withTempDir(
    'image-factory-analyze',
    async (tmp) => {
      const git = await Git.create({ env: context.env, credentials, scratchDir: tmp });
      const stateLabel = `the state repository ${git.redact(options.stateRepo)}`;
      await checkBranchName(git, options.gitBranch, '--git-branch', tmp);
      await checkBranchName(git, options.stateBranch, '--state-branch', tmp);
      const stateDir = join(tmp, 'state');
      const stateCommit = await cloneBranch(git, {
        url: options.stateRepo,
        branch: options.stateBranch,
        dest: stateDir,
        what: 'the state repository',
        cwd: context.cwd,
      });
      let state = await loadValidState(stateDir);
      let image = findManagedImage(state, options.image);
      const warnings = enrollmentWarnings(image, options, dockerfile);

      // The Dockerfile: the state repository's own (local.dockerfile), else the source's. With
      // --git-commit both are read from --git-repo at that commit (for local.dockerfile the
      // AnalysisTemplate points --git-repo at the state repository), so that the analysis describes
      // the commit that was built, not whatever the branch holds by the time the job runs.
      const localDockerfile = image.local?.dockerfile;
      let text: string;
      let sourceCommit: string;
      let described: string;
      if (localDockerfile !== undefined && checked.gitCommit === undefined) {
        text = await readFileInside(stateDir, localDockerfile, 'local.dockerfile');
        sourceCommit = stateCommit;
        described = `${localDockerfile} in the state repository@${stateCommit} (branch ${options.stateBranch})`;
      } else {
        const path = localDockerfile ?? dockerfile;
        const what =
          localDockerfile === undefined ? 'the source repository' : 'the repository of local.dockerfile';
        const sourceDir = join(tmp, 'source');
        sourceCommit = await cloneBranch(git, {
          url: options.gitRepo,
          branch: options.gitBranch,
          dest: sourceDir,
          what,
          cwd: context.cwd,
          sparsePaths: [path],
          commit: checked.gitCommit,
        });
        text = await readFileInside(
          sourceDir,
          path,
          localDockerfile === undefined ? '--dockerfile' : 'local.dockerfile',
        );
        const where = localDockerfile === undefined ? options.sourceRepo : 'the state repository';
        described = `${path} in ${where}@${sourceCommit} (branch ${options.gitBranch})`;
      }
      const discovery = discoverBaseImages(text, localDockerfile ?? dockerfile);
      warnings.push(...discovery.warnings);
      for (const warning of warnings) context.log(`warning: ${warning}`);
      const references = discovery.images.map((found) => found.reference);
      const version = { tag: options.tag, digest: options.digest, builtAt };

      const maxAttempts = context.maxPushAttempts ?? 5;
      const backoff = context.backoffMs ?? defaultBackoffMs;
      const unchanged = (attempts: number, baseImages: readonly string[], superseded?: string) => ({
        image: image.name,
        files: [],
        baseImages,
        attempts,
        warnings,
        sourceCommit,
        ...(superseded === undefined ? {} : { superseded }),
      });
      let lastReason = '';
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        if (attempt > 1) {
          await delay(backoff(attempt));
          // Replay the update on top of whatever the others pushed (a rebase that cannot conflict).
          await resetToRemote(git, stateDir, options.stateBranch, stateLabel);
          state = await loadValidState(stateDir, 'the state repository (after fetching)');
          image = findManagedImage(state, options.image);
        }
        // Never move the recorded version backwards: another job may have recorded a newer one.
        const order = orderVersions(
          { tag: options.tag, builtAt: checked.builtAt },
          { currentVersion: image.state?.currentVersion, lastBuilt: image.state?.lastBuilt },
        );
        if (!order.record) return unchanged(attempt - 1, image.state?.baseImages ?? [], order.reason);
        if (order.warning && !warnings.includes(order.warning)) {
          warnings.push(order.warning);
          context.log(`warning: ${order.warning}`);
        }
        const applied = await applyAnalysis(
          state,
          image,
          references,
          version,
          checked.pins,
          now,
          context.log,
        );
        if (applied.files.length === 0) return unchanged(attempt - 1, applied.baseImages);
        await loadValidState(stateDir, 'the updated state (nothing was pushed)');
        const message = commitMessage(image.name, options, applied, described, builtAt);
        const commit = await commitPaths(
          git,
          stateDir,
          applied.files,
          message,
          context.identity ?? FACTORY_IDENTITY,
        );
        if (commit === undefined) return unchanged(attempt - 1, applied.baseImages);
        const pushed = await pushBranch(git, stateDir, options.stateBranch, stateLabel);
        if (pushed.ok) {
          return {
            image: image.name,
            commit,
            files: applied.files,
            baseImages: applied.baseImages,
            attempts: attempt,
            warnings,
            sourceCommit,
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
  version: { tag: string; digest: string; builtAt: string | undefined },
  pins: ReadonlyMap<string, string> | undefined,
  now: string,
  log: (line: string) => void,
): Promise<AppliedAnalysis> {
  const resolved = await resolveBaseImageNames(state, image.name, references, now);
  const builtOn = pins === undefined ? undefined : builtOnByName(pins, resolved.byReference, log);
  const written = await recordDiscovery(
    state,
    image,
    { ok: true, baseImages: resolved.names },
    { now, version: { ...version, builtOn } },
  );
  const files = [...resolved.created, ...(written ? [written] : [])];
  return { files, baseImages: resolved.names, created: resolved.created };
}

function commitMessage(
  name: string,
  options: AnalyzeJobOptions,
  applied: AppliedAnalysis,
  described: string,
  builtAt: string | undefined,
): string {
  const lines = [
    `image-factory: analyze ${name} ${options.tag}`,
    '',
    `Base images: ${applied.baseImages.length > 0 ? applied.baseImages.join(', ') : '(none)'}`,
    `Version: ${options.tag} (${options.digest})`,
  ];
  if (builtAt !== undefined) lines.push(`Built at: ${builtAt}`);
  lines.push(`Dockerfile: ${described}`);
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
