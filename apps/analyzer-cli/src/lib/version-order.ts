/**
 * Whether an analysis job's version may replace the version recorded in `images/<name>.yaml`.
 * Jobs for several versions of one image run concurrently (Kargo verifies each new Freight on its
 * own) and push in any order; the recorded `currentVersion`/`currentDigest` must never move
 * backwards.
 */

/** A SemVer 2.0.0 version (an optional leading `v`, as image tags often have). */
export interface SemVer {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  /** Pre-release identifiers (`1.0.0-rc.1` → `['rc', '1']`); empty for a release. */
  readonly prerelease: readonly string[];
}

// semver.org's grammar (build metadata is parsed and ignored: it has no precedence).
const NUMBER = '0|[1-9]\\d*';
const PRERELEASE_ID = `${NUMBER}|\\d*[a-zA-Z-][0-9a-zA-Z-]*`;
const SEMVER = new RegExp(
  `^v?(${NUMBER})\\.(${NUMBER})\\.(${NUMBER})` +
    `(?:-((?:${PRERELEASE_ID})(?:\\.(?:${PRERELEASE_ID}))*))?` +
    '(?:\\+[0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*)?$',
);

/** Parses a SemVer 2.0.0 version (with an optional `v`), or undefined. */
export function parseSemVer(text: string): SemVer | undefined {
  const match = SEMVER.exec(text);
  if (!match) return undefined;
  const [, major = '0', minor = '0', patch = '0', prerelease] = match;
  return {
    major: BigInt(major),
    minor: BigInt(minor),
    patch: BigInt(patch),
    prerelease: prerelease === undefined ? [] : prerelease.split('.'),
  };
}

/** SemVer precedence (semver.org §11): negative when `a` < `b`, 0 when equal, positive when `a` > `b`. */
export function compareSemVer(a: SemVer, b: SemVer): number {
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  // A release ranks above its pre-releases.
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return (a.prerelease.length === 0 ? 1 : 0) - (b.prerelease.length === 0 ? 1 : 0);
  }
  const length = Math.max(a.prerelease.length, b.prerelease.length);
  for (let i = 0; i < length; i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const xNumeric = /^\d+$/.test(x);
    const yNumeric = /^\d+$/.test(y);
    // Numeric identifiers compare as numbers and rank below alphanumeric ones.
    if (xNumeric && yNumeric) return BigInt(x) < BigInt(y) ? -1 : 1;
    if (xNumeric !== yNumeric) return xNumeric ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an RFC 3339 date-time (`2026-01-02T03:04:05Z`, `2026-01-02T04:04:05.5+01:00`) between
 * 1970 and 9999 into milliseconds since the epoch, or undefined. A leap second (`:60`) counts as
 * the last millisecond of its minute.
 */
export function parseRfc3339(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction = '', zulu, sign, offH = '0', offM = '0'] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Day 0 of the next month is the last day of this one (years from 1970 on: no two-digit quirk).
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  if (hour > 23 || minute > 59 || second > 60 || Number(offH) > 23 || Number(offM) > 59) return undefined;
  const millis = second === 60 ? 999 : Number(fraction.padEnd(3, '0').slice(0, 3));
  const local = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), millis);
  const offset = zulu ? 0 : (sign === '-' ? -1 : 1) * (Number(offH) * 60 + Number(offM)) * 60_000;
  return local - offset;
}

/** `ms` as the state's timestamp form: UTC, `Z`, milliseconds only when not zero. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

/** What the job carries. */
export interface JobVersion {
  readonly tag: string;
  /** `--built-at` in milliseconds since the epoch; undefined when unknown. */
  readonly builtAt?: number | undefined;
}

/** What the state records. */
export interface RecordedVersion {
  readonly currentVersion?: string | undefined;
  readonly lastBuilt?: string | undefined;
}

/** The outcome of {@link orderVersions}. */
export interface VersionOrder {
  /** True: record the job's version. False: the recorded one is newer; leave it. */
  readonly record: boolean;
  /** How the order was decided, for messages. */
  readonly reason: string;
  /** Set when the order could not be decided and the job's version is recorded anyway. */
  readonly warning?: string | undefined;
}

/**
 * Decides whether the job's version may replace the recorded one:
 * 1. nothing recorded yet: record;
 * 2. both versions SemVer: the higher precedence wins; on equal precedence (a rebuild of the same
 *    version) the build times decide when both are known, else the job records (same version);
 * 3. otherwise the build times decide: the job's `--built-at` against the recorded `lastBuilt`;
 *    equal times record (a re-run changes nothing else);
 * 4. neither known (versions not both SemVer, and a build time missing): the job records — the last
 *    analysis to push wins, as there is no order to keep — and says so in a warning. Kargo's
 *    AnalysisTemplate always passes `--built-at`, so this happens only for hand-run jobs or states
 *    written before `lastBuilt` held build times.
 */
export function orderVersions(job: JobVersion, recorded: RecordedVersion): VersionOrder {
  const current = recorded.currentVersion;
  if (current === undefined || current === null || current === '') {
    return { record: true, reason: 'no version is recorded yet' };
  }
  const recordedBuilt = recorded.lastBuilt ? parseRfc3339(recorded.lastBuilt) : undefined;
  const byTime = (): VersionOrder | undefined => {
    if (job.builtAt === undefined || recordedBuilt === undefined) return undefined;
    const built = formatTimestamp(job.builtAt);
    if (job.builtAt < recordedBuilt) {
      return {
        record: false,
        reason: `it was built at ${built}, before the recorded ${current} (lastBuilt ${recorded.lastBuilt})`,
      };
    }
    return { record: true, reason: `it was built at ${built}, not before the recorded ${current}` };
  };
  const ours = parseSemVer(job.tag);
  const theirs = parseSemVer(current);
  if (ours && theirs) {
    const order = compareSemVer(ours, theirs);
    if (order < 0)
      return { record: false, reason: `SemVer ${job.tag} is lower than the recorded ${current}` };
    if (order > 0)
      return { record: true, reason: `SemVer ${job.tag} is higher than the recorded ${current}` };
    return byTime() ?? { record: true, reason: `SemVer ${job.tag} equals the recorded ${current}` };
  }
  const timed = byTime();
  if (timed) return timed;
  return {
    record: true,
    reason: 'the order is unknown',
    warning: `cannot tell whether ${job.tag} is newer than the recorded ${current}: they are not both SemVer and ${
      job.builtAt === undefined ? '--built-at was not given' : 'the state records no valid lastBuilt'
    }; recording ${job.tag} (the last analysis to push wins)`,
  };
}
