import * as z from 'zod';
import { baseImageName, digest, imageName, timestamp } from './fields.js';
import { ManagedEntrySchema } from './images-file.js';

/** `images/<name>.yaml`: the discovered and runtime state of a managed image. */
export const ImageStateSchema = z
  .strictObject({
    name: imageName.meta({ description: 'The image name (must match the file name and images.yaml).' }),
    enrolledAt: timestamp.nullish().meta({ description: 'When the image was enrolled (ISO 8601).' }),
    lastDiscovery: timestamp
      .nullish()
      .meta({ description: 'When its Dockerfile was last analysed (ISO 8601).' }),
    discoveryStatus: z
      .enum(['pending', 'success', 'failed'])
      .nullish()
      .meta({ description: 'Outcome of the last analysis.' }),
    enrollment: ManagedEntrySchema.nullish().meta({ description: 'Copy of the images.yaml entry.' }),
    baseImages: z.array(baseImageName).nullish().meta({
      description: 'Sorted names of the base images (base-images/<name>.yaml) the image is built from.',
    }),
    workflowInputs: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,99}$/))
      .max(100)
      .nullish()
      .meta({
        description:
          "The `workflow_dispatch` input names the team's build workflow (`source.workflow`) declares, sorted (written by generate-state); the rebuild passes `pins` and `reason` only when declared. Absent: not known.",
      }),
    currentVersion: z.string().nullish().meta({ description: 'Latest built version (tag).' }),
    currentDigest: digest.nullish().meta({ description: 'Digest of the latest built version.' }),
    builtOn: z.record(baseImageName, digest).nullish().meta({
      description:
        'Base digests the latest built version was built on, by base image name (written by the analysis job from what the build pinned); a base missing here was not pinned.',
    }),
    lastBuilt: timestamp.nullish().meta({ description: 'When the latest version was built (ISO 8601).' }),
  })
  .meta({ title: 'images/<name>.yaml', description: 'State of a managed image.' });

export type ImageStateDocument = z.output<typeof ImageStateSchema>;
