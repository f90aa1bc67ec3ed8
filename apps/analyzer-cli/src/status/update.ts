/**
 * `status --update`: records what the registry said in `base-images/<name>.yaml` with the state's
 * byte-preserving writer (`recordBaseImageDigest`): atomic, and only when the digest changed or is
 * seen for the first time, so that a scheduled run commits only when a base image moved.
 */
import { type BaseImage, recordBaseImageDigest } from '@image-factory/state-schema';
import type { BaseStatus } from './compute.js';

export type UpdateOutcome =
  | {
      readonly base: string;
      readonly file: string;
      readonly change: 'first-seen' | 'updated';
      readonly digest: string;
      readonly previousDigest?: string | undefined;
    }
  | { readonly base: string; readonly file?: string | undefined; readonly error: string };

/**
 * Records every base the registry answered for whose digest is not the recorded one. Bases without
 * a state file (enrolled in images.yaml only) are reported, not created.
 */
export async function recordObservations(
  dir: string,
  bases: readonly BaseStatus[],
  models: readonly BaseImage[],
  checkedAt: string,
): Promise<UpdateOutcome[]> {
  const files = new Map(models.map((model) => [model.name, model.stateFile]));
  const outcomes: UpdateOutcome[] = [];
  for (const base of bases) {
    if (base.check !== 'registry' || base.currentDigest === undefined || !base.changed) continue;
    const file = files.get(base.name);
    if (file === undefined) {
      outcomes.push({ base: base.name, error: 'no base-images file to record it in' });
      continue;
    }
    try {
      const result = await recordBaseImageDigest(dir, file, {
        digest: base.currentDigest,
        checkedAt,
        ...(base.tag === undefined ? {} : { tag: base.tag }),
      });
      if (result.change === 'unchanged' || !result.changed) continue;
      outcomes.push({
        base: base.name,
        file,
        change: result.change,
        digest: base.currentDigest,
        ...(result.change === 'updated' && base.recordedDigest !== undefined
          ? { previousDigest: base.recordedDigest }
          : {}),
      });
    } catch (error) {
      // StateWriteError messages name the file and what is wrong with it.
      outcomes.push({ base: base.name, file, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return outcomes;
}
