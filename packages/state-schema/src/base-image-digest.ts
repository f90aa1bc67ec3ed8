/**
 * Records what a registry said about a base image in its `base-images/<name>.yaml` (either format,
 * the old tool's included): `currentDigest`, `previousDigest`, `lastChecked`, `lastUpdated` and
 * `updateHistory` (the last {@link UPDATE_HISTORY_LIMIT} changes, oldest first).
 *
 * The file changes only when the digest does (or is seen for the first time): a check that finds
 * the same digest writes nothing, not even `lastChecked`, so that a scheduled `status --update`
 * commits to the state repository only when a base image moved. `lastChecked` is therefore "when
 * this tool last recorded a digest", the moment the recorded digest was confirmed.
 *
 * Edits go through the byte-preserving field writer: every other field, comment and blank line
 * stays as it was; `updateHistory` is written anew as a block list when it grows.
 */
import { join } from 'node:path';
import { isNoInformation } from './runtime-fields.js';
import { openStateRoot, readStateText } from './safe-fs.js';
import { BASE_STATE_FIELD_ORDER, verifyLoadsAsMap, type WriteResult, writeFileAtomic } from './writer.js';
import { applyFieldUpdates, StateWriteError } from './yaml-edit.js';
import { parseYamlChecked } from './yaml-source.js';

/** How many digest changes `updateHistory` keeps (the old tool's "last 10 digest changes"). */
export const UPDATE_HISTORY_LIMIT = 10;

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** What a registry check saw. */
export interface BaseImageDigestObservation {
  /** The digest the watched tag points to now (`sha256:<64 hex>`). */
  readonly digest: string;
  /** When it was seen (ISO 8601); the writer never reads the clock. */
  readonly checkedAt: string;
  /** The tag that was checked, recorded in a new history record. */
  readonly tag?: string | undefined;
}

/** What {@link applyBaseImageDigest} decided. */
export type BaseImageDigestChange =
  /** The recorded digest is the one seen: nothing to write. */
  | 'unchanged'
  /** No digest was recorded yet (or only the old tool's `None`/placeholder): recorded, no history. */
  | 'first-seen'
  /** The tag moved: previous digest, `lastUpdated` and a history record written. */
  | 'updated';

/**
 * The text of a base-image state file after recording `observation`. Pure.
 * @throws StateWriteError when the text is not a YAML map, or the digest is not `sha256:<64 hex>`.
 */
export function applyBaseImageDigest(
  text: string,
  observation: BaseImageDigestObservation,
): { readonly text: string; readonly change: BaseImageDigestChange } {
  const { digest, checkedAt, tag } = observation;
  if (!DIGEST.test(digest))
    throw new StateWriteError(`refusing to record "${digest.slice(0, 80)}" as a digest`);
  const parsed = parseYamlChecked('', text);
  const data = parsed.ok ? parsed.data : undefined;
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new StateWriteError('cannot record a digest in a file that is not a YAML map');
  const record = data as Record<string, unknown>;
  const recorded = isNoInformation(record.currentDigest) ? undefined : record.currentDigest;
  if (recorded === digest) return { text, change: 'unchanged' };
  if (recorded === undefined) {
    const next = applyFieldUpdates(
      text,
      { currentDigest: digest, lastChecked: checkedAt },
      BASE_STATE_FIELD_ORDER,
    );
    return { text: next, change: 'first-seen' };
  }
  // The old tool wrote `updateHistory: []`, `None` or nothing: all mean no recorded changes.
  const history = Array.isArray(record.updateHistory) ? record.updateHistory : [];
  const change = {
    digest,
    previousDigest: recorded,
    ...(tag === undefined ? {} : { tag }),
    detectedAt: checkedAt,
  };
  const next = applyFieldUpdates(
    text,
    {
      currentDigest: digest,
      previousDigest: recorded,
      lastChecked: checkedAt,
      lastUpdated: checkedAt,
      updateHistory: [...history, change].slice(-UPDATE_HISTORY_LIMIT),
    },
    BASE_STATE_FIELD_ORDER,
  );
  return { text: next, change: 'updated' };
}

/**
 * Records `observation` in the base-image state file `file` (relative to the state directory
 * `dir`, e.g. `base-images/python-3.12-slim.yaml`; `BaseImage.stateFile`), atomically, and only
 * when the digest changed or is seen for the first time. The file is read through the state
 * reader's guards (no symbolic links out, bounded size) and re-read right before replacing.
 * @throws StateWriteError when the file is missing, refused, or not a YAML map.
 */
export async function recordBaseImageDigest(
  dir: string,
  file: string,
  observation: BaseImageDigestObservation,
): Promise<WriteResult & { readonly change: BaseImageDigestChange }> {
  const root = openStateRoot(dir);
  if (root === undefined)
    throw new StateWriteError(`state directory ${dir} does not exist or is not a directory`);
  const read = readStateText(root, file);
  if (!read.ok) {
    const where = read.refusal.line === undefined ? '' : `:${read.refusal.line}:${read.refusal.col ?? 0}`;
    throw new StateWriteError(`${file}${where}: ${file} ${read.refusal.why}`);
  }
  let result: ReturnType<typeof applyBaseImageDigest>;
  try {
    result = applyBaseImageDigest(read.text, observation);
  } catch (error) {
    if (error instanceof StateWriteError)
      throw new StateWriteError(`${file}: ${error.message}`, { cause: error });
    throw error;
  }
  if (result.change === 'unchanged') return { file, changed: false, change: 'unchanged' };
  const changed = await writeFileAtomic(join(root.dir, file), result.text, {
    root: root.dir,
    verify: verifyLoadsAsMap(file),
  });
  return { file, changed, change: result.change };
}
