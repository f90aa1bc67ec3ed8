import { createHash } from 'node:crypto';
import type { GitSubscription, ImageSubscription } from './manifests.js';

/** One tag of an image repository as the registry serves it now. */
export interface TagRecord {
  readonly tag: string;
  readonly digest: string;
  /** When this digest was pushed under this tag (milliseconds of simulated time). */
  readonly pushedAt: number;
  readonly annotations: Readonly<Record<string, string>>;
}

/** An image a Warehouse discovered (a Freight's `images[]` entry). */
export interface DiscoveredImage {
  readonly repoURL: string;
  readonly tag: string;
  readonly digest: string;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A commit a Warehouse discovered (a Freight's `commits[]` entry). */
export interface DiscoveredCommit {
  readonly repoURL: string;
  readonly id: string;
  readonly branch?: string | undefined;
}

/** A deterministic fake digest: `sha256:` and 64 hex digits derived from `seed`. */
export function fakeDigest(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

/** A deterministic fake commit id (40 hex digits). */
export function fakeCommit(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly pre: string;
}

const STRICT_SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const LOOSE_SEMVER = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parseSemver(tag: string, strict: boolean): SemVer | undefined {
  const m = (strict ? STRICT_SEMVER : LOOSE_SEMVER).exec(tag);
  if (m === null) return undefined;
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0), pre: m[4] ?? '' };
}

function compareSemver(a: SemVer, b: SemVer): number {
  return (
    a.major - b.major ||
    a.minor - b.minor ||
    a.patch - b.patch ||
    // A pre-release sorts before its release.
    (a.pre === b.pre ? 0 : a.pre === '' ? 1 : b.pre === '' ? -1 : a.pre < b.pre ? -1 : 1)
  );
}

/**
 * A semver constraint of comparators (`>=3.0.0`, `>=1.2.0 <2.0.0`, `=1.0.0`, a bare version), the forms
 * the factory generates; Kargo uses Masterminds/semver (pkg/image/semver_selector.go).
 */
function satisfies(version: SemVer, constraint: string | undefined): boolean {
  if (constraint === undefined || constraint.trim() === '') return version.pre === '';
  for (const part of constraint.split(/[\s,]+/).filter((p) => p !== '')) {
    const m = /^(>=|<=|>|<|=)?(.+)$/.exec(part);
    const bound = m === null ? undefined : parseSemver(m[2] ?? '', false);
    if (m === null || bound === undefined) throw new Error(`semver constraint ${constraint} is not modelled`);
    const c = compareSemver(version, bound);
    const op = m[1] ?? '=';
    const ok =
      op === '>=' ? c >= 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : op === '<' ? c < 0 : c === 0;
    if (!ok) return false;
  }
  return version.pre === '';
}

/** The next patch release after the highest semver tag (`1.2.3` → `1.2.4`), keeping a `v` prefix. */
export function nextSemverTag(tags: readonly string[]): string | undefined {
  let best: { tag: string; version: SemVer } | undefined;
  for (const tag of tags) {
    const version = parseSemver(tag, true);
    if (version !== undefined && (best === undefined || compareSemver(version, best.version) > 0)) {
      best = { tag, version };
    }
  }
  if (best === undefined) return undefined;
  const { major, minor, patch } = best.version;
  return `${best.tag.startsWith('v') ? 'v' : ''}${major}.${minor}.${patch + 1}`;
}

/** Image repositories and git branches, changed by the scenario and by the CI model. */
export class World {
  private readonly repos = new Map<string, Map<string, TagRecord>>();
  private readonly pushedAt = new Map<string, number>();
  private readonly commits = new Map<string, { id: string; at: number }[]>();

  /** Pushes `digest` under `tag` (replacing what the tag pointed to). */
  push(
    repoURL: string,
    tag: string,
    digest: string,
    at: number,
    annotations: Record<string, string> = {},
  ): void {
    let tags = this.repos.get(repoURL);
    if (tags === undefined) {
      tags = new Map();
      this.repos.set(repoURL, tags);
    }
    tags.set(tag, { tag, digest, pushedAt: at, annotations });
    if (!this.pushedAt.has(digest)) this.pushedAt.set(digest, at);
  }

  /** Adds a commit to a git repository's branch. */
  commit(repoURL: string, id: string, at: number): void {
    const list = this.commits.get(repoURL) ?? [];
    list.push({ id, at });
    this.commits.set(repoURL, list);
  }

  /** When a digest was first pushed (undefined if never). */
  digestPushedAt(digest: string): number | undefined {
    return this.pushedAt.get(digest);
  }

  tags(repoURL: string): readonly TagRecord[] {
    return [...(this.repos.get(repoURL)?.values() ?? [])];
  }

  /**
   * What an image subscription selects now (pkg/image: digest_selector.go — the digest the mutable tag
   * `constraint` points to; newest_build_selector.go — the most recently built allowed tag, build time
   * modelled by push time; semver_selector.go — the highest version satisfying the constraint), or
   * `undefined` when nothing matches.
   */
  selectImage(sub: ImageSubscription): DiscoveredImage | undefined {
    const allowed = this.tags(sub.repoURL).filter(
      (t) =>
        (sub.allowTags.length === 0 || sub.allowTags.some((r) => r.test(t.tag))) &&
        !sub.ignoreTags.some((r) => r.test(t.tag)),
    );
    let chosen: TagRecord | undefined;
    if (sub.strategy === 'Digest') {
      chosen = allowed.find((t) => t.tag === sub.constraint);
    } else if (sub.strategy === 'NewestBuild') {
      for (const t of allowed) {
        if (
          chosen === undefined ||
          t.pushedAt > chosen.pushedAt ||
          (t.pushedAt === chosen.pushedAt && t.tag > chosen.tag)
        ) {
          chosen = t;
        }
      }
    } else {
      let best: SemVer | undefined;
      for (const t of allowed) {
        const v = parseSemver(t.tag, sub.strictSemvers);
        if (v === undefined || !satisfies(v, sub.constraint)) continue;
        if (best === undefined || compareSemver(v, best) > 0) {
          best = v;
          chosen = t;
        }
      }
    }
    if (chosen === undefined) return undefined;
    return { repoURL: sub.repoURL, tag: chosen.tag, digest: chosen.digest, annotations: chosen.annotations };
  }

  /**
   * The newest commit of the subscribed branch (pkg/controller/git/commit/newest_from_branch_selector.go); a
   * repository nobody committed to has one initial commit.
   */
  selectCommit(sub: GitSubscription): DiscoveredCommit {
    let list = this.commits.get(sub.repoURL);
    if (list === undefined || list.length === 0) {
      list = [{ id: fakeCommit(`initial ${sub.repoURL}`), at: 0 }];
      this.commits.set(sub.repoURL, list);
    }
    const last = list[list.length - 1] ?? { id: fakeCommit(sub.repoURL), at: 0 };
    return { repoURL: sub.repoURL, id: last.id, branch: sub.branch };
  }
}
