import * as z from 'zod';
import { baseImageName, digest, imageSelectionStrategy, timestamp } from './fields.js';

const runtimeFields = {
  firstDiscovered: timestamp
    .nullish()
    .meta({ description: 'When the image was first discovered (ISO 8601).' }),
  lastChecked: timestamp.nullish().meta({ description: 'When the registry was last checked (ISO 8601).' }),
  currentDigest: digest.nullish().meta({ description: 'Digest the tag currently points to.' }),
  previousDigest: digest.nullish().meta({ description: 'Digest the tag pointed to before.' }),
  lastUpdated: timestamp.nullish().meta({ description: 'When the digest last changed (ISO 8601).' }),
};

/** One `updateHistory` record in the current format. */
export const UpdateRecordSchema = z.strictObject({
  digest: digest.meta({ description: 'The new digest.' }),
  previousDigest: digest.nullish().meta({ description: 'The digest it replaced.' }),
  tag: z.string().nullish().meta({ description: 'The tag that moved.' }),
  detectedAt: timestamp.nullish().meta({ description: 'When the change was seen (ISO 8601).' }),
});

/** One `updateHistory` record written by the old tool. */
export const LegacyUpdateRecordSchema = z.strictObject({
  digest: digest.meta({ description: 'The new digest.' }),
  previousDigest: digest.nullish(),
  tag: z.string().nullish(),
  detectedAt: timestamp.nullish(),
  timestamp: timestamp.nullish().meta({ description: 'Old name of `detectedAt`.' }),
});

/** `base-images/<name>.yaml` in the current format (identified by `image`). */
export const BaseImageStateSchema = z
  .strictObject({
    name: baseImageName.meta({ description: 'The base image name (must match the file name).' }),
    image: z.string().meta({
      description:
        'The image reference, normalized (its identity), e.g. `docker.io/library/python:3.12-slim`.',
    }),
    allowTags: z.string().nullish().meta({ description: 'Regular expression of the tags to consider.' }),
    imageSelectionStrategy: imageSelectionStrategy.nullish(),
    ...runtimeFields,
    updateHistory: z
      .array(UpdateRecordSchema)
      .nullish()
      .meta({ description: 'Digest changes, oldest first.' }),
    metadata: z.record(z.string(), z.unknown()).nullish().meta({ description: 'Free-form metadata.' }),
  })
  .meta({ title: 'base-images/<name>.yaml', description: 'State of a base image (current format).' });

/** `base-images/<name>.yaml` as the old tool wrote it (identified by `fullImage`). */
export const LegacyBaseImageStateSchema = z
  .strictObject({
    name: baseImageName,
    fullImage: z.string().meta({ description: 'The image reference as written, e.g. `python:3.12-slim`.' }),
    registry: z.string().nullish(),
    repository: z.string().nullish(),
    tag: z.string().nullish(),
    digest: z.string().nullish(),
    repoURL: z.string().nullish(),
    allowTags: z.string().nullish().meta({
      description:
        'Tag regex; the old tool doubled backslashes (`^3\\\\.12-slim$`), which are read as single ones.',
    }),
    imageSelectionStrategy: imageSelectionStrategy.nullish(),
    ...runtimeFields,
    rebuildEligibleAt: timestamp.nullish().meta({ description: 'Old tool only; ignored.' }),
    updateHistory: z.array(LegacyUpdateRecordSchema).nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
  })
  .meta({
    title: 'base-images/<name>.yaml (old format)',
    description: 'State of a base image, old tool format.',
  });

/** Either format: the JSON Schema offered to editors for base-images/*.yaml. */
export const AnyBaseImageStateSchema = z
  .union([BaseImageStateSchema, LegacyBaseImageStateSchema])
  .meta({ title: 'base-images/<name>.yaml', description: 'State of a base image (current or old format).' });

export type BaseImageStateDocument = z.output<typeof BaseImageStateSchema>;
export type LegacyBaseImageStateDocument = z.output<typeof LegacyBaseImageStateSchema>;
