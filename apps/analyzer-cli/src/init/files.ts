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
import { shellWord } from '../lib/shell-quote.js';
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

/** Where `init` wrote, as the next steps need it. */
export interface InitTarget {
  /** The directory as given on the command line. */
  readonly dir: string;
  /** It is the default state directory (`$IMAGE_FACTORY_STATE_DIR`, else `../image-factory-state`): commands need no `--state-dir`. */
  readonly isDefaultStateDir: boolean;
  /** It is a git work tree already (a clone of the new, empty state repository). */
  readonly isGitWorkTree: boolean;
}

/**
 * What to do after `init`, printed by the command: the steps of the README's "From `image-factory
 * init` to a deployed factory", in the same order, as commands to run from the checkout of Image
 * Factory (`pnpm synth` exists only there).
 */
export function nextSteps(target: InitTarget): string {
  const { dir, isDefaultStateDir, isGitWorkTree } = target;
  const stateDir = isDefaultStateDir ? '' : ` --state-dir ${shellWord(dir)}`;
  const inDir = (commands: string) => `(cd ${shellWord(dir)} && ${commands})`;
  const lines = [
    'Next steps, from your checkout of image-factory (README: "From image-factory init to a deployed factory"):',
    `  1. Settings, in ${SETTINGS_FILE}: set analysis.image to your copy of ghcr.io/image-factory/analyzer-cli:${ANALYZER_CLI_VERSION}`,
    isGitWorkTree
      ? '     (stateRepo.url is the git origin of this clone until you set it).'
      : '     and stateRepo.url to the git URL of this state repository (it is not a git clone yet).',
    `  2. Enroll an image: uncomment and edit an example in ${IMAGES_FILE}, then find its base images:`,
    `       pnpm exec image-factory generate-state${stateDir}`,
    '  3. Validate, and synthesize the Kargo manifests into dist/:',
    `       pnpm exec image-factory validate${stateDir}`,
    `       pnpm synth${stateDir}`,
    '  4. Commit and push; from then on .github/workflows/image-factory.yml keeps dist/ in step:',
    ...(isGitWorkTree
      ? []
      : [`       ${inDir('git init -b main && git remote add origin <git URL of the state repository>')}`]),
    `       ${inDir('git add -A && git commit -m "Image Factory state" && git push origin HEAD')}`,
    '  5. Create the Secrets of the README ("Secrets") in the Kargo project namespace.',
    '  6. Point Argo CD at dist/ of the state repository: apps/synth/deploy/argocd-application.yaml.',
  ];
  return `${lines.join('\n')}\n`;
}
