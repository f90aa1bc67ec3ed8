import * as z from 'zod';
import {
  baseImageName,
  branch,
  duration,
  imageName,
  imageSelectionStrategy,
  platform,
  registry,
  relativePath,
  repo,
  repository,
  ruleMessage,
  subscribedBranch,
  tag,
} from './fields.js';

const RULES_REPO_MESSAGE = ruleMessage('repo');

/** `source` of a managed images.yaml entry. */
export const SourceSchema = z
  .strictObject({
    provider: z
      .enum(['github', 'gitlab'])
      .default('github')
      .meta({ description: 'Git hosting of the source repository.' }),
    repo: repo.meta({ description: '`owner/name` of the source repository.', examples: ['acme/platform'] }),
    branch: subscribedBranch.default('main').meta({ description: 'Branch to watch and build.' }),
    dockerfile: relativePath.meta({
      description: 'Dockerfile path inside the source repository.',
      examples: ['backstage/packages/backend/Dockerfile'],
    }),
    workflow: z.string().min(1).optional().meta({
      description:
        'Build workflow in the source repository to dispatch (e.g. `backstage.yml`). Absent: the factory generates `.github/workflows/build-<name>.yml` in the state repository.',
    }),
  })
  .superRefine((source, ctx) => {
    // GitLab allows subgroups (group/subgroup/name); GitHub repositories are exactly owner/name.
    if (source.provider === 'github' && source.repo.split('/').length !== 2) {
      ctx.addIssue({ code: 'custom', path: ['repo'], message: RULES_REPO_MESSAGE, input: source.repo });
    }
  })
  .meta({ description: 'Where the image is built from.' });

/** One consumer to update when a new version of a managed image is built. */
export const UpdateSchema = z.strictObject({
  repo: repo.meta({ description: '`owner/name` of the repository to update.' }),
  path: relativePath.meta({ description: 'File to update inside that repository.' }),
  type: z
    .enum(['kustomize-set-image', 'yaml-update'])
    .meta({ description: 'How to update it: `kustomize-set-image` or `yaml-update`.' }),
  branch: branch.default('main').meta({ description: 'Branch of the consumer repository to update.' }),
  key: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'For `yaml-update`: the dotted YAML key to set (e.g. `image.tag`).' }),
  digestKey: z.string().min(1).optional().meta({
    description:
      'For `yaml-update`: a second dotted key set to the image digest (e.g. `image.digest`); `key` then gets the tag alone. Without it, a `key` ending in `tag` gets `<tag>@<digest>`, so a rebuild under the same tag still reaches the consumer.',
  }),
});

/** State-repo-resident build inputs of a managed image. */
export const LocalSchema = z
  .strictObject({
    dir: relativePath
      .optional()
      .meta({ description: 'Directory of the inputs in the state repository (default `local/<name>`).' }),
    patchFiles: z.array(relativePath).default([]).meta({
      description: 'Patch files (relative to `dir`) applied with `git apply` before the build, in order.',
    }),
    versionFile: relativePath.optional().meta({
      description: 'File (relative to `dir`) holding the version to tag the image with, e.g. `VERSION`.',
    }),
    dockerfile: relativePath
      .optional()
      .meta({ description: 'Dockerfile (relative to `dir`) to build instead of the source repository one.' }),
  })
  .meta({ description: 'State-repo-resident build inputs (patches, VERSION, Dockerfile).' });

/** A managed images.yaml entry: one with a non-empty `source`. */
export const ManagedEntrySchema = z
  .strictObject({
    name: imageName.meta({ description: 'Unique key; also names files and Kargo objects.' }),
    registry: registry.meta({ description: 'Registry the built image is pushed to.', examples: ['ghcr.io'] }),
    repository: repository.meta({
      description: 'Repository the built image is pushed to.',
      examples: ['acme/backstage'],
    }),
    source: SourceSchema,
    rebuildDelay: duration
      .default('7d')
      .meta({ description: 'Soak time after a base image changes before a rebuild (`30m`, `24h`, `7d`).' }),
    autoRebuild: z
      .boolean()
      .default(true)
      .meta({ description: 'Rebuild automatically; `false`: the rebuild waits for a manual promotion.' }),
    updates: z
      .array(UpdateSchema)
      .default([])
      .meta({ description: 'Consumers to bump when a new version is built.' }),
    local: LocalSchema.optional(),
  })
  .meta({ title: 'Managed image', description: 'An image the factory builds (it has a `source`).' });

/** A base or external images.yaml entry: one without `source`. */
export const BaseEntrySchema = z
  .strictObject({
    name: baseImageName.meta({ description: 'Unique key; also names files and Kargo objects.' }),
    repoURL: z.string().optional().meta({
      description:
        'Image repository to watch, e.g. `docker.io/library/python` (optional when base-images/<name>.yaml exists).',
    }),
    tag: tag.optional().meta({ description: 'Tag to watch for new digests (with the `Digest` strategy).' }),
    allowTags: z.string().optional().meta({ description: 'Regular expression of the tags to consider.' }),
    imageSelectionStrategy: imageSelectionStrategy
      .optional()
      .meta({ description: 'How Kargo selects new images: `Lexical`, `NewestBuild`, `SemVer` or `Digest`.' }),
    platform: platform.optional().meta({
      description:
        'Platform (`<os>/<arch>`, e.g. `linux/arm64`) the Warehouse requires of a tag; default: `warehouses.platform` of the settings.',
    }),
  })
  .meta({ title: 'Base or external image', description: 'An image the factory watches (no `source`).' });

/** images.yaml: the enrollment registry, a list of entries. */
export const ImagesFileSchema = z.array(z.union([ManagedEntrySchema, BaseEntrySchema])).meta({
  title: 'images.yaml',
  description: 'Image Factory enrollment registry: managed images (with `source`) and base/external images.',
});

export type ManagedEntry = z.output<typeof ManagedEntrySchema>;
export type BaseEntry = z.output<typeof BaseEntrySchema>;

/** Fields only managed entries have (used for hints on base entries). */
export const MANAGED_ONLY_FIELDS = [
  'registry',
  'repository',
  'source',
  'rebuildDelay',
  'autoRebuild',
  'updates',
  'local',
];
/** Fields only base/external entries have (used for hints on managed entries). */
export const BASE_ONLY_FIELDS = ['repoURL', 'tag', 'allowTags', 'imageSelectionStrategy', 'platform'];
