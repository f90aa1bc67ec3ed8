import type { ReadStateFile } from './build-model.js';
import { compareStrings } from './compare.js';
import type { BaseImage, BaseImageState, ImageSelectionStrategy, Origin, StateProblem } from './model.js';
import { type BaseFileInfo, defined, doubledWarning, type EntryInfo, nameMismatch } from './model-helpers.js';
import { checkOldBaseEntryFields, describedBy } from './old-base-entry-fields.js';
import { problem } from './problems.js';
import { type ImageReference, referenceKey, tryParseImageReference, withDefaultTag } from './reference.js';
import { allowTagsProblem, looksDoubled, undoubleBackslashes } from './rules.js';
import { type FieldRule, isNoInformation, readFields } from './runtime-fields.js';
import { BaseImageStateSchema, LegacyBaseImageStateSchema } from './schema/base-image-state.js';
import type { BaseEntry } from './schema/images-file.js';
import { describeValue } from './validate-document.js';
import type { YamlSource } from './yaml-source.js';

/** How each field of a base-image file is read (see runtime-fields.ts): what changes the Warehouse is strict. */
const COMMON_BASE_RULES = {
  name: { schema: BaseImageStateSchema.shape.name, severity: 'error', required: true },
  allowTags: { schema: BaseImageStateSchema.shape.allowTags, severity: 'error' },
  imageSelectionStrategy: { schema: BaseImageStateSchema.shape.imageSelectionStrategy, severity: 'error' },
  firstDiscovered: { schema: BaseImageStateSchema.shape.firstDiscovered, severity: 'warning' },
  lastChecked: { schema: BaseImageStateSchema.shape.lastChecked, severity: 'warning' },
  currentDigest: { schema: BaseImageStateSchema.shape.currentDigest, severity: 'warning' },
  previousDigest: { schema: BaseImageStateSchema.shape.previousDigest, severity: 'warning' },
  lastUpdated: { schema: BaseImageStateSchema.shape.lastUpdated, severity: 'warning' },
  metadata: { schema: BaseImageStateSchema.shape.metadata, severity: 'warning' },
} as const satisfies Record<string, FieldRule>;

const BASE_RULES: Readonly<Record<string, FieldRule>> = {
  ...COMMON_BASE_RULES,
  image: { schema: BaseImageStateSchema.shape.image, severity: 'error' },
  updateHistory: { schema: BaseImageStateSchema.shape.updateHistory, severity: 'warning' },
};

const LEGACY = LegacyBaseImageStateSchema.shape;
const LEGACY_BASE_RULES: Readonly<Record<string, FieldRule>> = {
  ...COMMON_BASE_RULES,
  fullImage: { schema: LEGACY.fullImage, severity: 'error' },
  // The old tool's copies of parts of fullImage: compared with it (reference-mismatch warnings).
  registry: { schema: LEGACY.registry, severity: 'warning' },
  repository: { schema: LEGACY.repository, severity: 'warning' },
  tag: { schema: LEGACY.tag, severity: 'warning' },
  digest: { schema: LEGACY.digest, severity: 'warning' },
  repoURL: { schema: LEGACY.repoURL, severity: 'warning' },
  updateHistory: { schema: LEGACY.updateHistory, severity: 'warning' },
  // Written by some versions of the old tool, never used for base images.
  lastDiscovery: { schema: LEGACY.firstDiscovered, severity: 'warning' },
};

export function loadBaseFile(
  found: ReadStateFile,
  source: YamlSource,
  problems: StateProblem[],
): BaseFileInfo | undefined {
  const data = source.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    problems.push(
      problem(
        'error',
        'not-a-map',
        source.locate([]),
        [],
        `a base image file must be a map of fields (got ${describeValue(data)})`,
        'see base-images/*.yaml in examples/state',
      ),
    );
    return undefined;
  }
  const record = data as Record<string, unknown>;
  const legacy = !('image' in record) && 'fullImage' in record;
  const own: StateProblem[] = [];
  // History records of the old tool carry `None` too (`previousDigest: None`): no information.
  const fields = Array.isArray(record.updateHistory)
    ? { ...record, updateHistory: record.updateHistory.map(withoutNoInformation) }
    : record;
  const doc = readFields(source, fields, legacy ? LEGACY_BASE_RULES : BASE_RULES, own, {
    handled: legacy ? ['rebuildEligibleAt'] : [],
  });
  const rebuildEligibleAt = legacy ? readEligibility(source, record.rebuildEligibleAt, own) : undefined;
  problems.push(...own);
  const imageField = legacy ? 'fullImage' : 'image';
  if (!(imageField in record)) {
    problems.push(
      problem(
        'error',
        'missing-field',
        source.locate([]),
        ['image'],
        'image is required (the image reference, e.g. docker.io/library/python:3.12-slim)',
        'files written by the old tool have fullImage instead; one of the two is needed',
      ),
    );
    return undefined;
  }
  if (own.some((p) => p.severity === 'error') || typeof doc[imageField] !== 'string') return undefined;
  const written = String(doc[imageField]);
  const parsed = tryParseImageReference(written);
  if (!parsed.ok) {
    problems.push(
      problem(
        'error',
        'invalid-reference',
        source.locate([imageField]),
        [imageField],
        `${imageField} "${written}" is not a valid image reference: ${parsed.error}`,
        'write a reference like python:3.12-slim or ghcr.io/acme/base:1.0',
      ),
    );
    return undefined;
  }
  const name = String(doc.name);
  if (name !== found.name) problems.push(nameMismatch(source, found.file, name, found.name));
  // A base image file describes what a Dockerfile pulls: an untagged reference means `latest`.
  const reference = withDefaultTag(parsed.reference);
  if (legacy) checkLegacyConsistency(doc, reference, source, problems);
  let allowTags = (doc.allowTags as string | undefined) ?? undefined;
  if (allowTags !== undefined) {
    if (legacy) allowTags = undoubleBackslashes(allowTags);
    else if (looksDoubled(allowTags)) problems.push(doubledWarning(source, ['allowTags'], allowTags));
    const bad = allowTagsProblem(allowTags);
    if (bad) {
      problems.push(
        problem(
          'error',
          'invalid-regex',
          source.locate(['allowTags']),
          ['allowTags'],
          `allowTags ${bad.message}`,
          bad.hint,
        ),
      );
      return undefined;
    }
  }
  const history = (doc.updateHistory ?? []) as readonly Record<string, string | null | undefined>[];
  const state: BaseImageState = {
    format: legacy ? 'legacy' : 'current',
    image: written,
    ...defined('firstDiscovered', doc.firstDiscovered as string | undefined),
    ...defined('lastChecked', doc.lastChecked as string | undefined),
    ...defined('currentDigest', doc.currentDigest as string | undefined),
    ...defined('previousDigest', doc.previousDigest as string | undefined),
    ...defined('lastUpdated', doc.lastUpdated as string | undefined),
    ...defined('rebuildEligibleAt', rebuildEligibleAt),
    updateHistory: history.map((entry) => ({
      digest: String(entry.digest),
      ...defined('previousDigest', noInformationAsNull(entry.previousDigest)),
      ...defined('tag', noInformationAsNull(entry.tag)),
      ...defined('detectedAt', noInformationAsNull(entry.detectedAt ?? entry.timestamp)),
    })),
    metadata: (doc.metadata ?? {}) as Record<string, unknown>,
  };
  return {
    name: found.name,
    file: found.file,
    reference,
    ...defined('allowTags', allowTags),
    ...defined('strategy', doc.imageSelectionStrategy as ImageSelectionStrategy | undefined),
    state,
    origin: source.locate([]),
  };
}

function withoutNoInformation(item: unknown): unknown {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, isNoInformation(v) ? null : v]));
}

function noInformationAsNull(value: string | null | undefined): string | null | undefined {
  return isNoInformation(value) ? null : value;
}

/**
 * `rebuildEligibleAt` of the old tool: a timestamp (kept, never acted upon), or the map
 * `{default: null}` it wrote before computing one (no information). Kargo's `requiredSoakTime`
 * schedules rebuilds now, so anything else is only worth a warning.
 */
function readEligibility(source: YamlSource, value: unknown, problems: StateProblem[]): string | undefined {
  if (isNoInformation(value)) return undefined;
  if (typeof value === 'string') return value;
  if (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every(isNoInformation)
  )
    return undefined;
  problems.push(
    problem(
      'warning',
      'invalid-value',
      source.locate(['rebuildEligibleAt']),
      ['rebuildEligibleAt'],
      `rebuildEligibleAt ${describeValue(value)} is the old tool's rebuild schedule: it is ignored (rebuilds wait for the rebuildDelay of each image, as Kargo's requiredSoakTime)`,
      '`image-factory migrate` removes it',
    ),
  );
  return undefined;
}

export function checkLegacyConsistency(
  doc: Record<string, unknown>,
  reference: ImageReference,
  source: YamlSource,
  problems: StateProblem[],
): void {
  const expected: Record<string, string | undefined> = {
    repoURL: reference.name,
    registry: reference.registry,
    repository: reference.repository,
    tag: reference.tag,
    digest: reference.digest,
  };
  for (const [field, want] of Object.entries(expected)) {
    const got = doc[field];
    if (got === undefined || got === null || want === undefined) continue;
    let same = got === want;
    if (!same && field === 'repoURL') {
      const parsed = tryParseImageReference(String(got));
      same = parsed.ok && parsed.reference.name === want;
    }
    if (!same && field === 'repository') same = `library/${String(got)}` === want;
    if (!same) {
      problems.push(
        problem(
          'warning',
          'reference-mismatch',
          source.locate([field]),
          [field],
          `${field} "${String(got)}" does not match fullImage (${reference.familiar}): fullImage is used`,
          `set ${field} to "${want}" or remove it`,
        ),
      );
    }
  }
}

export function reportDuplicateReferences(
  baseFiles: Map<string, BaseFileInfo>,
  problems: StateProblem[],
): void {
  const byKey = new Map<string, BaseFileInfo>();
  for (const info of [...baseFiles.values()].sort((a, b) => compareStrings(a.name, b.name))) {
    const key = referenceKey(info.reference);
    const first = byKey.get(key);
    if (first) {
      problems.push(
        problem(
          'warning',
          'duplicate-reference',
          info.origin,
          [],
          `describes the same image as ${first.file} (${key})`,
          `keep one file and point the baseImages of managed images at "${first.name}"`,
        ),
      );
    } else {
      byKey.set(key, info);
    }
  }
}

export function mergeBaseImages(
  entries: Map<string, EntryInfo<BaseEntry>>,
  files: Map<string, BaseFileInfo>,
  brokenFiles: ReadonlySet<string>,
  imagesFile: YamlSource | undefined,
  problems: StateProblem[],
): Omit<BaseImage, 'usedBy' | 'external'>[] {
  const result: Omit<BaseImage, 'usedBy' | 'external'>[] = [];
  for (const info of files.values()) {
    if (entries.has(info.name)) continue;
    result.push(
      baseImage(info.name, info.reference, info.allowTags, info.strategy, undefined, info, info.origin),
    );
  }
  for (const entry of entries.values()) {
    const e = entry.value;
    const subject = `image "${e.name}": `;
    const at = (field: string) => (imagesFile ? imagesFile.locate([entry.index, field]) : entry.origin);
    const file = files.get(e.name);
    let reference = file?.reference;
    let broken = false;
    if (e.repoURL !== undefined) {
      const parsed = tryParseImageReference(e.repoURL);
      if (!parsed.ok || parsed.reference.tag !== undefined || parsed.reference.digest !== undefined) {
        problems.push(
          problem(
            'error',
            'invalid-reference',
            at('repoURL'),
            [entry.index, 'repoURL'],
            parsed.ok
              ? `${subject}repoURL "${e.repoURL}" must name a repository without tag or digest`
              : `${subject}repoURL "${e.repoURL}" is not a valid image repository: ${parsed.error}`,
            parsed.ok
              ? 'put the tag into tag:, e.g. repoURL: docker.io/library/python and tag: 3.12-slim'
              : undefined,
          ),
        );
        broken = true;
      } else {
        const fromEntry = tryParseImageReference(e.tag === undefined ? e.repoURL : `${e.repoURL}:${e.tag}`);
        if (fromEntry.ok) {
          if (file && file.reference.name !== fromEntry.reference.name) {
            problems.push(
              problem(
                'error',
                'reference-mismatch',
                at('repoURL'),
                [entry.index, 'repoURL'],
                `${subject}repoURL "${e.repoURL}" does not match ${file.file} (${file.reference.familiar})`,
                `an entry and its base image file describe the same image; fix one of them`,
              ),
            );
            broken = true;
          } else if (!file || (e.tag !== undefined && e.tag !== file.reference.tag)) {
            reference = fromEntry.reference;
          }
        }
      }
    } else if (e.tag !== undefined && file) {
      const fromEntry = tryParseImageReference(`${file.reference.name}:${e.tag}`);
      if (fromEntry.ok) reference = fromEntry.reference;
    }
    if (!broken && !(reference === undefined && brokenFiles.has(e.name))) {
      const old = checkOldBaseEntryFields(entry, reference, describedBy(entry, file), imagesFile, problems);
      if (old.broken) continue;
      if (reference === undefined && old.repoURL !== undefined) {
        const withTag = tryParseImageReference(
          e.tag === undefined ? old.repoURL.name : `${old.repoURL.name}:${e.tag}`,
        );
        if (withTag.ok) reference = withTag.reference;
      }
    }
    if (!reference) {
      if (!broken && !brokenFiles.has(e.name)) {
        problems.push(
          problem(
            'error',
            'missing-field',
            entry.origin,
            [entry.index, 'repoURL'],
            `${subject}repoURL is required (no base-images/${e.name}.yaml describes this image)`,
            'write the repository to watch, e.g. repoURL: docker.io/library/python',
          ),
        );
      }
      continue;
    }
    let allowTags = e.allowTags ?? file?.allowTags;
    if (e.allowTags !== undefined) {
      if (looksDoubled(e.allowTags)) {
        problems.push(
          doubledWarning(imagesFile, [entry.index, 'allowTags'], e.allowTags, entry.origin, subject),
        );
      }
      const bad = allowTagsProblem(e.allowTags);
      if (bad) {
        problems.push(
          problem(
            'error',
            'invalid-regex',
            at('allowTags'),
            [entry.index, 'allowTags'],
            `${subject}allowTags ${bad.message}`,
            bad.hint,
          ),
        );
        allowTags = undefined;
        continue;
      }
    }
    result.push(
      baseImage(
        e.name,
        reference,
        allowTags,
        e.imageSelectionStrategy ?? file?.strategy,
        entry,
        file,
        entry.origin,
      ),
    );
  }
  return result;
}

export function baseImage(
  name: string,
  reference: ImageReference,
  allowTags: string | undefined,
  strategy: ImageSelectionStrategy | undefined,
  entry: EntryInfo<BaseEntry> | undefined,
  file: BaseFileInfo | undefined,
  origin: Origin,
): Omit<BaseImage, 'usedBy' | 'external'> {
  const defaulted: ImageSelectionStrategy =
    reference.tag !== undefined && allowTags === undefined ? 'Digest' : 'SemVer';
  return {
    name,
    reference,
    repoURL: reference.name,
    key: referenceKey(reference),
    ...defined('tag', reference.tag),
    ...defined('digest', reference.digest),
    ...defined('allowTags', allowTags),
    ...defined('platform', entry?.value.platform),
    imageSelectionStrategy: strategy ?? defaulted,
    imageSelectionStrategyExplicit: strategy !== undefined,
    ...(entry ? { entry: entry.raw } : {}),
    ...(file ? { state: file.state, stateFile: file.file } : {}),
    origin,
  };
}
