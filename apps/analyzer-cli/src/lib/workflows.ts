/**
 * GitHub Actions workflows that generate-state writes into the state repository: one build
 * workflow per managed image without `source.workflow` (product.md §6), and the state repository's
 * own workflow (validate, then synthesize the manifests). Pure: same input, same bytes.
 *
 * Every value that comes from the state reaches a `run:` script only through `env:` (never
 * interpolated into the script), so a branch or path cannot inject shell code.
 */
import {
  BUILD_WORKFLOW_INPUTS,
  GENERATED_WORKFLOW_MARKER,
  type ManagedImage,
  type Settings,
  WORKFLOWS_DIR,
} from '@image-factory/state-schema';
import { stringify } from 'yaml';

/** Repository-relative path of the state repository's own workflow. */
export const STATE_WORKFLOW_PATH = `${WORKFLOWS_DIR}/image-factory.yml`;

/** Where the state workflow gets image-factory from. */
export interface FactorySource {
  /** GitHub `owner/name` of the image-factory repository. @default 'image-factory/image-factory' */
  readonly repository: string;
  /** Branch or tag of it to use. @default 'main' */
  readonly ref: string;
}

/** @default the image-factory repository the state workflow checks out. */
export const DEFAULT_FACTORY_SOURCE: FactorySource = {
  repository: 'image-factory/image-factory',
  ref: 'main',
};

const CHECKOUT = 'actions/checkout@v4';
const BOT_NAME = 'github-actions[bot]';
const BOT_EMAIL = '41898282+github-actions[bot]@users.noreply.github.com';
const DEFAULT_GITHUB_URL = 'https://github.com';

type Step = Record<string, unknown>;

/** A GitHub Actions expression, `${{ <expression> }}`. */
export function expr(expression: string): string {
  return `$${'{{'} ${expression} }}`;
}

/** Pushes HEAD to the dispatched branch, rebasing onto concurrent pushes (bounded). */
const PUSH_WITH_RETRY = `for attempt in 1 2 3 4 5; do
  if git push origin "HEAD:$GITHUB_REF_NAME"; then exit 0; fi
  sleep $((attempt * 3))
  git pull --rebase origin "$GITHUB_REF_NAME"
done
echo "::error::could not push to $GITHUB_REF_NAME after 5 attempts"
exit 1
`;

/**
 * Bumps the version in $VERSION_FILE by $INCREMENT (patch|minor|major|none) and appends $SUFFIX;
 * writes `version` and `changed` to $GITHUB_OUTPUT.
 */
export const VERSION_SCRIPT = `set -euo pipefail
current=$(tr -d '[:space:]' < "$VERSION_FILE")
if [[ ! $current =~ ^(v?)([0-9]+)\\.([0-9]+)\\.([0-9]+)([-._0-9A-Za-z]*)$ ]]; then
  echo "::error::$VERSION_FILE does not hold a version major.minor.patch (got '$current')"
  exit 1
fi
prefix=\${BASH_REMATCH[1]}
major=$((10#\${BASH_REMATCH[2]}))
minor=$((10#\${BASH_REMATCH[3]}))
patch=$((10#\${BASH_REMATCH[4]}))
case "\${INCREMENT:-patch}" in
  major) major=$((major + 1)); minor=0; patch=0 ;;
  minor) minor=$((minor + 1)); patch=0 ;;
  patch) patch=$((patch + 1)) ;;
  none) ;;
  *) echo "::error::increment must be patch, minor, major or none (got '$INCREMENT')"; exit 1 ;;
esac
if [[ ! \${SUFFIX:-} =~ ^[0-9A-Za-z._-]{0,64}$ ]]; then
  echo "::error::suffix may hold only letters, digits, '.', '_' and '-' (got '$SUFFIX')"
  exit 1
fi
version="\${prefix}\${major}.\${minor}.\${patch}\${SUFFIX:-}"
changed=false
if [[ $version != "$current" ]]; then
  printf '%s\\n' "$version" > "$VERSION_FILE"
  changed=true
fi
echo "version=$version" >> "$GITHUB_OUTPUT"
echo "changed=$changed" >> "$GITHUB_OUTPUT"
`;

/** Tags a build without a version file: the source commit and the run number, e.g. `sha-0123456789ab-42`. */
export const SOURCE_VERSION_SCRIPT = `set -euo pipefail
echo "version=sha-$(git -C source rev-parse --short=12 HEAD)-$GITHUB_RUN_NUMBER" >> "$GITHUB_OUTPUT"
`;

/** Shallow clone of a GitLab source; the token reaches git through a credential helper reading $GITLAB_TOKEN. */
export const GITLAB_CLONE_SCRIPT = `set -euo pipefail
git -c credential.helper='!f() { test "$1" = get && printf "username=oauth2\\npassword=%s\\n" "$GITLAB_TOKEN"; }; f' \\
  clone --depth 1 --single-branch --branch "$SOURCE_BRANCH" -- "$SOURCE_URL" source
echo "commit=$(git -C source rev-parse HEAD)" >> "$GITHUB_OUTPUT"
`;

function render(header: readonly string[], body: Record<string, unknown>): string {
  return `${[GENERATED_WORKFLOW_MARKER, ...header.map((line) => `# ${line}`)].join('\n')}\n${stringify(body, {
    lineWidth: 0,
  })}`;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The build workflow (`.github/workflows/build-<name>.yml`) of a managed image without `source.workflow`. */
export function renderBuildWorkflow(image: ManagedImage, settings: Settings): string {
  const local = image.local;
  const versionFile = local?.versionFile;
  const source = image.source;
  const inputs: Record<string, unknown> = {
    [BUILD_WORKFLOW_INPUTS.reason]: {
      description: 'Why the image is rebuilt (e.g. which base image changed)',
      type: 'string',
      required: false,
      default: '',
    },
  };
  if (versionFile !== undefined) {
    inputs[BUILD_WORKFLOW_INPUTS.increment] = {
      description: 'Which part of the version to bump',
      type: 'choice',
      options: ['patch', 'minor', 'major', 'none'],
      default: 'patch',
    };
    inputs[BUILD_WORKFLOW_INPUTS.suffix] = {
      description: 'Suffix appended to the new version (e.g. -rc1)',
      type: 'string',
      required: false,
      default: '',
    };
  }

  const steps: Step[] = [
    { name: 'Check out the state repository', uses: CHECKOUT, with: { path: 'state' } },
    sourceCheckoutStep(image, settings),
  ];
  for (const patch of local?.patchFiles ?? []) {
    steps.push({
      name: `Apply ${patch}`,
      'working-directory': 'source',
      env: { PATCH_FILE: patch },
      run: 'git apply --verbose --whitespace=nowarn -- "$GITHUB_WORKSPACE/state/$PATCH_FILE"\n',
    });
  }
  steps.push(
    versionFile !== undefined
      ? {
          name: `Compute the version from ${versionFile}`,
          id: 'version',
          env: {
            VERSION_FILE: `state/${versionFile}`,
            INCREMENT: expr('inputs.increment'),
            SUFFIX: expr('inputs.suffix'),
          },
          run: VERSION_SCRIPT,
        }
      : { name: 'Compute the version from the source commit', id: 'version', run: SOURCE_VERSION_SCRIPT },
  );
  const imageName = image.reference.name;
  const sourceUrl = `${trimSlash(source.provider === 'gitlab' ? settings.gitlab.url : settings.github.url)}/${source.repo}`;
  steps.push(
    { name: 'Set up Docker Buildx', uses: 'docker/setup-buildx-action@v3' },
    {
      name: `Log in to ${image.reference.registry}`,
      uses: 'docker/login-action@v3',
      with:
        image.reference.registry === 'ghcr.io'
          ? { registry: 'ghcr.io', username: expr('github.actor'), password: expr('secrets.GITHUB_TOKEN') }
          : {
              registry: image.reference.registry,
              username: expr('secrets.IMAGE_FACTORY_REGISTRY_USERNAME'),
              password: expr('secrets.IMAGE_FACTORY_REGISTRY_PASSWORD'),
            },
    },
    {
      name: `Build and push ${imageName}`,
      uses: 'docker/build-push-action@v6',
      with: {
        context: 'source',
        file: local?.dockerfile !== undefined ? `state/${local.dockerfile}` : `source/${source.dockerfile}`,
        push: true,
        tags: `${imageName}:${expr('steps.version.outputs.version')}`,
        labels: [
          `org.opencontainers.image.source=${sourceUrl}`,
          `org.opencontainers.image.revision=${expr('steps.source.outputs.commit')}`,
          `org.opencontainers.image.version=${expr('steps.version.outputs.version')}`,
          '',
        ].join('\n'),
      },
    },
  );
  if (versionFile !== undefined) {
    steps.push({
      name: `Commit ${versionFile}`,
      if: "steps.version.outputs.changed == 'true'",
      'working-directory': 'state',
      env: { VERSION_FILE: versionFile, VERSION: expr('steps.version.outputs.version'), IMAGE: image.name },
      run: `set -euo pipefail
git config user.name "${BOT_NAME}"
git config user.email "${BOT_EMAIL}"
git add -- "$VERSION_FILE"
git commit --message "image-factory: release $IMAGE $VERSION"
${PUSH_WITH_RETRY}`,
    });
  }

  const body = {
    name: `build ${image.name}`,
    'run-name': `build ${image.name}${expr("inputs.reason != '' && format(' ({0})', inputs.reason) || ''")}`,
    on: { workflow_dispatch: { inputs } },
    permissions: { contents: versionFile !== undefined ? 'write' : 'read', packages: 'write' },
    concurrency: { group: `image-factory-build-${image.name}`, 'cancel-in-progress': false },
    jobs: {
      build: {
        name: `Build ${imageName}`,
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 60,
        steps,
      },
    },
  };
  return render(
    [
      `Builds ${imageName} for the images.yaml entry "${image.name}"; dispatched by the Kargo rebuild stage.`,
      'Regenerate with `image-factory generate-state`.',
    ],
    body,
  );
}

function sourceCheckoutStep(image: ManagedImage, settings: Settings): Step {
  const source = image.source;
  if (source.provider === 'gitlab') {
    return {
      name: `Check out ${source.repo}@${source.branch} from GitLab`,
      id: 'source',
      env: {
        SOURCE_URL: `${trimSlash(settings.gitlab.url)}/${source.repo}.git`,
        SOURCE_BRANCH: source.branch,
        GITLAB_TOKEN: expr('secrets.IMAGE_FACTORY_GITLAB_TOKEN'),
      },
      run: GITLAB_CLONE_SCRIPT,
    };
  }
  const githubUrl = trimSlash(settings.github.url);
  return {
    name: `Check out ${source.repo}@${source.branch}`,
    id: 'source',
    uses: CHECKOUT,
    with: {
      repository: source.repo,
      ref: source.branch,
      path: 'source',
      token: expr('secrets.IMAGE_FACTORY_SOURCE_TOKEN || github.token'),
      ...(githubUrl !== DEFAULT_GITHUB_URL ? { 'github-server-url': githubUrl } : {}),
    },
  };
}

/**
 * The state repository's own workflow (`.github/workflows/image-factory.yml`): on pull requests,
 * validate and `synth --check`; on pushes to the state branch (and by hand), validate, synthesize
 * and commit the manifests when they changed, so that analysis → state commit → manifests closes.
 */
export function renderStateWorkflow(
  settings: Settings,
  factory: FactorySource = DEFAULT_FACTORY_SOURCE,
): string {
  const branch = settings.stateRepo.branch;
  const body = {
    name: 'image-factory',
    on: {
      push: { branches: [branch] },
      pull_request: { branches: [branch] },
      workflow_dispatch: {},
    },
    permissions: { contents: 'write' },
    concurrency: { group: `image-factory-${expr('github.ref')}`, 'cancel-in-progress': false },
    env: { IMAGE_FACTORY_REPOSITORY: factory.repository, IMAGE_FACTORY_REF: factory.ref },
    jobs: {
      synth: {
        name: 'Validate and synthesize',
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 30,
        steps: [
          { name: 'Check out the state repository', uses: CHECKOUT, with: { path: 'state' } },
          {
            name: 'Check out image-factory',
            uses: CHECKOUT,
            with: {
              repository: expr('env.IMAGE_FACTORY_REPOSITORY'),
              ref: expr('env.IMAGE_FACTORY_REF'),
              path: 'factory',
            },
          },
          {
            name: 'Set up pnpm',
            uses: 'pnpm/action-setup@v4',
            with: { package_json_file: 'factory/package.json' },
          },
          {
            name: 'Set up Node.js',
            uses: 'actions/setup-node@v4',
            with: { 'node-version': 24, cache: 'pnpm', 'cache-dependency-path': 'factory/pnpm-lock.yaml' },
          },
          {
            name: 'Install and build image-factory',
            'working-directory': 'factory',
            run: 'pnpm install --frozen-lockfile\npnpm turbo run build --filter=@image-factory/analyzer-cli --filter=@image-factory/synth\n',
          },
          {
            name: 'Validate the state',
            'working-directory': 'factory',
            run: 'pnpm exec image-factory validate --state-dir "$GITHUB_WORKSPACE/state"\n',
          },
          {
            name: 'Check that the manifests are up to date',
            if: "github.event_name == 'pull_request'",
            'working-directory': 'factory',
            run: 'pnpm synth --state-dir "$GITHUB_WORKSPACE/state" --check\n',
          },
          {
            name: 'Synthesize the manifests',
            if: "github.event_name != 'pull_request'",
            'working-directory': 'factory',
            run: 'pnpm synth --state-dir "$GITHUB_WORKSPACE/state"\n',
          },
          {
            name: 'Commit the manifests',
            if: "github.event_name != 'pull_request'",
            'working-directory': 'state',
            env: { OUTPUT: settings.output },
            run: `set -euo pipefail
git add -- "$OUTPUT"
if git diff --cached --quiet; then
  echo "$OUTPUT is up to date"
  exit 0
fi
git config user.name "${BOT_NAME}"
git config user.email "${BOT_EMAIL}"
git commit --message "image-factory: synthesize $OUTPUT"
${PUSH_WITH_RETRY}`,
          },
        ],
      },
    },
  };
  return render(
    [
      'Validates the state repository and keeps the Kargo manifests (watched by Argo CD) in step with it.',
      'Regenerate with `image-factory generate-state`.',
    ],
    body,
  );
}
