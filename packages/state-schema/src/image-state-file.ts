/**
 * Reading `images/<name>.yaml`, the state of a managed image: the base-image list and the name are
 * checked strictly (they change what is generated), everything else leniently (runtime-fields.ts),
 * including the files the old tool wrote (an `enrollment` copy without `name`,
 * `discoveryStatus: external`, placeholder digests, unquoted versions, `rebuildState`).
 */

import { compareStrings } from './compare.js';
import type { DiscoveryStatus, ImageEntry, ManagedImageState, StateProblem } from './model.js';
import { defined, sortRecord } from './model-helpers.js';
import { problem } from './problems.js';
import { type FieldRule, isNoInformation, readFields, readVersion } from './runtime-fields.js';
import { ImageStateSchema } from './schema/image-state.js';
import { describeValue } from './validate-document.js';
import type { YamlSource } from './yaml-source.js';

const SHAPE = ImageStateSchema.shape;

const IMAGE_STATE_RULES: Readonly<Record<string, FieldRule>> = {
  name: { schema: SHAPE.name, severity: 'error', required: true },
  enrolledAt: { schema: SHAPE.enrolledAt, severity: 'warning' },
  lastDiscovery: { schema: SHAPE.lastDiscovery, severity: 'warning' },
  discoveryStatus: { schema: SHAPE.discoveryStatus, severity: 'warning' },
  baseImages: { schema: SHAPE.baseImages, severity: 'error' },
  workflowInputs: { schema: SHAPE.workflowInputs, severity: 'warning' },
  currentDigest: { schema: SHAPE.currentDigest, severity: 'warning' },
  builtOn: { schema: SHAPE.builtOn, severity: 'warning' },
  lastBuilt: { schema: SHAPE.lastBuilt, severity: 'warning' },
};

/**
 * What the old tool wrote as `discoveryStatus` for images enrolled without a source: on the state of
 * a managed image it is left over from before the image got one, and says nothing.
 */
export const OLD_EXTERNAL_STATUS = 'external';

/** An `images/<name>.yaml` file, read. */
export interface ImageStateFile {
  /** The state (the name is the file name's, even when the `name` field is wrong). */
  readonly state: ManagedImageState;
  /** The `enrollment` copy as written, when it is a map (compared with images.yaml by the caller). */
  readonly enrollmentCopy?: Readonly<Record<string, unknown>> | undefined;
  /** The `name` field as written, when it is a valid name. */
  readonly writtenName?: string | undefined;
}

/** Reads a managed image's state file; every problem of every field goes to `problems`. */
export function readImageStateFile(
  name: string,
  source: YamlSource,
  problems: StateProblem[],
): ImageStateFile | undefined {
  const data = source.data ?? {};
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    problems.push(
      problem(
        'error',
        'not-a-map',
        source.locate([]),
        [],
        `an image state file must be a map of fields (got ${describeValue(data)})`,
        'see images/*.yaml in examples/state',
      ),
    );
    return undefined;
  }
  const record = data as Record<string, unknown>;
  const own: StateProblem[] = [];
  // `discoveryStatus: external` is known and says nothing on a managed image: read as unknown.
  const fields =
    record.discoveryStatus === OLD_EXTERNAL_STATUS ? { ...record, discoveryStatus: null } : record;
  const doc = readFields(source, fields, IMAGE_STATE_RULES, own, {
    handled: ['currentVersion', 'enrollment', 'rebuildState'],
  });
  const currentVersion =
    'currentVersion' in record
      ? readVersion(source, 'currentVersion', record.currentVersion, own)
      : undefined;
  const enrollmentCopy = readEnrollmentCopy(source, record.enrollment, own);
  readRebuildState(source, record, own);
  problems.push(...own);
  const writtenName = typeof doc.name === 'string' ? doc.name : undefined;
  const state: ManagedImageState = {
    name,
    ...defined('enrolledAt', doc.enrolledAt as string | undefined),
    ...defined('lastDiscovery', doc.lastDiscovery as string | undefined),
    ...defined('discoveryStatus', doc.discoveryStatus as DiscoveryStatus | undefined),
    ...(enrollmentCopy ? { enrollment: { ...enrollmentCopy, name } as ImageEntry } : {}),
    baseImages: [...new Set((doc.baseImages as string[] | undefined) ?? [])].sort(compareStrings),
    ...defined('workflowInputs', sortedNames(doc.workflowInputs as string[] | null | undefined)),
    ...defined('currentVersion', currentVersion),
    ...defined('currentDigest', doc.currentDigest as string | undefined),
    ...defined('builtOn', sortedRecord(doc.builtOn as Record<string, string> | null | undefined)),
    ...defined('lastBuilt', doc.lastBuilt as string | undefined),
  };
  return {
    state,
    ...defined('enrollmentCopy', enrollmentCopy),
    ...defined('writtenName', writtenName),
  };
}

function readEnrollmentCopy(
  source: YamlSource,
  value: unknown,
  problems: StateProblem[],
): Record<string, unknown> | undefined {
  if (isNoInformation(value)) return undefined;
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return value as Record<string, unknown>;
  problems.push(
    problem(
      'warning',
      'invalid-type',
      source.locate(['enrollment']),
      ['enrollment'],
      `enrollment must be a map (a copy of the images.yaml entry), got ${describeValue(value)}; it is ignored`,
      '`image-factory migrate` and `image-factory generate-state` write it again from images.yaml',
    ),
  );
  return undefined;
}

/**
 * `rebuildState` is the old tool's rebuild bookkeeping; Kargo's Stages schedule rebuilds now. What
 * it wrote while nothing was pending (`{status: monitoring, pendingRebuild: false}`) says nothing;
 * anything else is worth a warning, since that rebuild will not happen through this field.
 */
function readRebuildState(source: YamlSource, record: Record<string, unknown>, problems: StateProblem[]) {
  if (!('rebuildState' in record)) return;
  const value = record.rebuildState;
  if (isNoInformation(value) || isIdleRebuildState(value)) return;
  problems.push(
    problem(
      'warning',
      'invalid-value',
      source.locate(['rebuildState']),
      ['rebuildState'],
      `rebuildState ${describeValue(value)} is the old tool's rebuild bookkeeping: it is ignored (the rebuild Stage of the image schedules rebuilds)`,
      '`image-factory migrate` removes it; promote the image in its rebuild Stage to rebuild it now',
    ),
  );
}

/** The `rebuildState` the old tool wrote while no rebuild was pending. */
export function isIdleRebuildState(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.entries(value).every(
    ([key, v]) =>
      (key === 'status' && v === 'monitoring') ||
      (key === 'pendingRebuild' && v === false) ||
      isNoInformation(v),
  );
}

function sortedNames(names: readonly string[] | null | undefined): string[] | undefined {
  return names === null || names === undefined ? undefined : [...new Set(names)].sort(compareStrings);
}

function sortedRecord(record: Record<string, string> | null | undefined): Record<string, string> | undefined {
  return record === null || record === undefined ? undefined : sortRecord(record);
}
