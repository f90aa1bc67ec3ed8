/**
 * The files of a new state repository (`image-factory init`): an enrollment registry whose every
 * entry is a commented example, the settings with every setting commented out at its default, the
 * state repository's own workflow, and a `.gitignore`. Every state file names its JSON Schema
 * (`# yaml-language-server: $schema=...`, the schema of the state-schema release this CLI belongs
 * to), so that editors complete and check it. Pure: the same CLI version writes the same bytes.
 */
import {
  ANALYZER_CLI_VERSION,
  DEFAULT_SETTINGS,
  IMAGES_FILE,
  JSON_SCHEMA_FILES,
  renderSettingsReference,
  SETTINGS_FILE,
} from '@image-factory/state-schema';
import { renderStateWorkflow, STATE_WORKFLOW_PATH } from '../lib/state-workflow.js';

/**
 * The `$schema` comment of a state file: the schema file shipped in `@image-factory/state-schema`
 * at the version released with this CLI (the two are released together).
 */
export function schemaLine(file: string): string {
  return `# yaml-language-server: $schema=https://unpkg.com/@image-factory/state-schema@${ANALYZER_CLI_VERSION}/schema/${file}`;
}

const IMAGES_YAML = `${schemaLine(JSON_SCHEMA_FILES.images)}
# The enrollment registry: one entry per image. Entries with a \`source\` are managed images (the
# factory rebuilds them when a base image changes); every other entry is a base or external image
# to watch. Uncomment an example and edit it, then run \`image-factory generate-state\`.

# A managed image built by its team's own workflow (source.workflow), whose new versions are
# written into the repositories that use it.
# - name: backstage
#   registry: ghcr.io
#   repository: acme/backstage
#   source:
#     provider: github
#     repo: acme/platform
#     branch: main
#     dockerfile: backstage/Dockerfile
#     workflow: backstage.yml
#   rebuildDelay: 24h
#   autoRebuild: true
#   updates:
#     - repo: acme/deploy
#       path: apps/backstage/kustomization.yaml
#       type: kustomize-set-image

# A managed image built by the workflow the factory generates in this repository
# (.github/workflows/build-<name>.yml), with patches and a VERSION file kept under local/<name>/.
# - name: platform-api
#   registry: ghcr.io
#   repository: acme/platform-api
#   source:
#     repo: acme/platform-api
#     dockerfile: Dockerfile
#   local:
#     dir: local/platform-api
#     patchFiles:
#       - patches/0001-pin-openssl.patch
#     versionFile: VERSION

# A base image: managed images built FROM it are rebuilt when a new digest appears.
# - name: python-3.12-slim
#   repoURL: docker.io/library/python
#   allowTags: ^3\\.12-slim$
#   imageSelectionStrategy: Digest

# An external image: watched for its own sake, no managed image is built on it.
# - name: redis-7
#   repoURL: docker.io/library/redis
#   allowTags: ^7\\.\\d+\\.\\d+-alpine$
#   imageSelectionStrategy: SemVer
`;

const GITIGNORE = `# Image Factory commits the synthesized manifests (dist/): do not ignore them.
node_modules/
# Temporary files of an interrupted write (the CLI writes a temporary file, then renames it).
.*.tmp
`;

/** Repository-relative path → content of every file `init` writes, in writing order. */
export function initFiles(): ReadonlyMap<string, string> {
  return new Map([
    [IMAGES_FILE, IMAGES_YAML],
    [SETTINGS_FILE, renderSettingsReference([schemaLine(JSON_SCHEMA_FILES.settings)])],
    [STATE_WORKFLOW_PATH, renderStateWorkflow(DEFAULT_SETTINGS)],
    ['.gitignore', GITIGNORE],
  ]);
}

/** What to do after `init`, printed by the command. */
export function nextSteps(dir: string): string {
  const stateDir = dir === '.' ? '' : ` --state-dir ${dir}`;
  return `Next steps (the README of Image Factory has the details):
  1. The analysis image: copy ghcr.io/image-factory/analyzer-cli:${ANALYZER_CLI_VERSION} into your registry
     (crane copy ...) or build apps/analyzer-cli/Dockerfile, and set analysis.image in ${SETTINGS_FILE}.
  2. Set stateRepo.url in ${SETTINGS_FILE} (the git origin of the clone is used until you do).
  3. Create the Secrets listed in the README ("Secrets") in the Kargo project namespace.
  4. Enroll images: uncomment and edit the examples in ${IMAGES_FILE}, then
       image-factory generate-state${stateDir}
  5. Synthesize the Kargo manifests and commit everything:
       image-factory validate${stateDir}
       pnpm synth${stateDir}
  6. Point an Argo CD Application at dist/ of this repository
     (example: apps/synth/deploy/argocd-application.yaml).
`;
}
