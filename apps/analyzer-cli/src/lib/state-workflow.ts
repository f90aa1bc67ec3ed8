/**
 * The state repository's own workflow (`.github/workflows/image-factory.yml`), written by
 * `image-factory init` and kept up to date by `generate-state`. It checks out Image Factory at
 * `stateWorkflow.factory` of the settings (a release tag by default, so that a release of the
 * factory never changes a state repository's CI unnoticed), validates the state and synthesizes
 * the manifests:
 * - on pull requests (read access only), job `check` synthesizes and writes what merging would
 *   change in the manifests (`synth --check`) to the job summary. A pull request is not failed
 *   because its author did not run `synth`: the push job does that on the state branch. An invalid
 *   state, or one that cannot be synthesized, fails it.
 * - on pushes to the state branch (and by hand), job `synth` synthesizes and commits the manifests
 *   when they changed, so that analysis → state commit → manifests closes. Only it may write.
 *
 * State values reach the workflow only through `env:` (see workflows.ts for why); the job summary
 * shows the synth output as an indented code block, so that text from the state cannot turn into
 * Markdown (links, images) there.
 */
import { type Settings, WORKFLOWS_DIR } from '@image-factory/state-schema';
import { COMMIT_MANIFESTS_SCRIPT } from './workflow-scripts.js';
import { checkout, expr, literalReader, render, type Step } from './workflow-yaml.js';

/** Repository-relative path of the state repository's own workflow. */
export const STATE_WORKFLOW_PATH = `${WORKFLOWS_DIR}/image-factory.yml`;

/**
 * A branch as a GitHub branch filter pattern: `*`, `?`, `+`, `[`, `]` and a leading `!` are
 * pattern syntax, escaped with `\` so that the filter matches exactly this branch.
 */
export function branchFilter(branch: string): string {
  return branch.replace(/[*?+[\]\\]/g, '\\$&').replace(/^!/, '\\!');
}

/**
 * Writes the `synth --check` report of a pull request to the job summary. `synth --check` exits 0
 * when the committed manifests are what the state synthesizes to, 1 when they differ (the report
 * lists the objects added, removed and changed); anything else is a failure of the step.
 */
export const SUMMARIZE_CHECK_SCRIPT = `set -uo pipefail
status=0
pnpm --silent synth --state-dir "$GITHUB_WORKSPACE/state" --check > "$RUNNER_TEMP/synth-check.txt" 2>&1 || status=$?
if [[ $status -gt 1 ]]; then
  cat "$RUNNER_TEMP/synth-check.txt"
  exit "$status"
fi
{
  echo '### Kargo manifests'
  echo
  if [[ $status -eq 0 ]]; then
    echo 'The committed manifests are what this state synthesizes to.'
  else
    echo 'Merging this pull request changes the manifests as listed below. Nothing to do by hand: the workflow synthesizes and commits them on the state branch.'
  fi
  echo
  sed 's/^/    /' "$RUNNER_TEMP/synth-check.txt"
} >> "$GITHUB_STEP_SUMMARY"
cat "$RUNNER_TEMP/synth-check.txt"
`;

/** The text of `.github/workflows/image-factory.yml` for these settings. */
export function renderStateWorkflow(settings: Settings): string {
  const literal = literalReader(STATE_WORKFLOW_PATH, undefined);
  const branch = literal('stateRepo.branch (image-factory.yaml)', settings.stateRepo.branch);
  const output = literal('output (image-factory.yaml)', settings.output);
  const { factory } = settings.stateWorkflow;
  const setup: Step[] = [
    checkout('Check out the state repository', 'state'),
    checkout('Check out image-factory', 'factory', {
      with: { repository: expr('env.IMAGE_FACTORY_REPOSITORY'), ref: expr('env.IMAGE_FACTORY_REF') },
    }),
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
  ];
  const body = {
    name: 'image-factory',
    on: {
      push: { branches: [branchFilter(branch)] },
      pull_request: { branches: [branchFilter(branch)] },
      workflow_dispatch: {},
    },
    permissions: {},
    concurrency: { group: `image-factory-${expr('github.ref')}`, 'cancel-in-progress': false },
    env: {
      IMAGE_FACTORY_REPOSITORY: literal(
        'stateWorkflow.factory.repository (image-factory.yaml)',
        factory.repository,
      ),
      IMAGE_FACTORY_REF: literal('stateWorkflow.factory.ref (image-factory.yaml)', factory.ref),
    },
    jobs: {
      check: {
        name: 'Validate and show what changes in the manifests',
        if: "github.event_name == 'pull_request'",
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 30,
        permissions: { contents: 'read' },
        steps: [
          ...setup,
          {
            name: 'Synthesize the manifests',
            'working-directory': 'factory',
            run: 'pnpm --silent synth --state-dir "$GITHUB_WORKSPACE/state" --out "$RUNNER_TEMP/image-factory.k8s.yaml"\n',
          },
          {
            name: 'Show what changes in the manifests',
            'working-directory': 'factory',
            run: SUMMARIZE_CHECK_SCRIPT,
          },
        ],
      },
      synth: {
        name: 'Validate and synthesize',
        if: "github.event_name != 'pull_request'",
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 30,
        permissions: { contents: 'write' },
        env: { OUTPUT: output },
        steps: [
          ...setup,
          {
            name: 'Synthesize the manifests',
            'working-directory': 'factory',
            run: 'pnpm --silent synth --state-dir "$GITHUB_WORKSPACE/state"\n',
          },
          {
            name: 'Commit the manifests',
            'working-directory': 'state',
            env: { GIT_TOKEN: expr('github.token') },
            run: COMMIT_MANIFESTS_SCRIPT,
          },
        ],
      },
    },
  };
  return render(
    [
      'Validates the state repository and keeps the Kargo manifests (watched by Argo CD) in step with it.',
      'Image Factory is checked out at stateWorkflow.factory of image-factory.yaml.',
      'Regenerate with `image-factory generate-state`.',
    ],
    body,
  );
}
