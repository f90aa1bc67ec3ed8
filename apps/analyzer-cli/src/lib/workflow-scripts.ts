/**
 * The bash scripts of the generated workflows. They read every value that comes from the state
 * from environment variables (set by the workflow's `env:`), never from their own text, so that a
 * branch or path cannot inject shell code; and they hold no expression (`${{ }}`).
 */

/**
 * A credential helper answering git's `get` with `username` and the password in `$<variable>`.
 * Configured per URL (`credential.<url>.helper`), so that git hands the token to that server only,
 * and after `credential.helper=`, which drops helpers configured elsewhere (a `store` helper would
 * write the token to disk).
 */
function credentialHelper(username: string, variable: string): string {
  return `'!f() { test "$1" = get && printf "username=${username}\\npassword=%s\\n" "$${variable}"; }; f'`;
}

/**
 * Bumps the version in $VERSION_FILE by $INCREMENT (patch|minor|major|none) and appends $SUFFIX;
 * writes `version`, `changed` and `previous` (the version it read, checked) to $GITHUB_OUTPUT.
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
  changed=true
fi
echo "version=$version" >> "$GITHUB_OUTPUT"
echo "changed=$changed" >> "$GITHUB_OUTPUT"
echo "previous=$current" >> "$GITHUB_OUTPUT"
`;

/** Tags a build without a version file: the source commit and the run number, e.g. `sha-0123456789ab-42`. */
export const SOURCE_VERSION_SCRIPT = `set -euo pipefail
echo "version=sha-$(git -C source rev-parse --short=12 HEAD)-$GITHUB_RUN_NUMBER" >> "$GITHUB_OUTPUT"
`;

/**
 * Shallow clone of a GitLab source. $GITLAB_TOKEN reaches git through a credential helper for
 * $SOURCE_ORIGIN (the GitLab server) only: never a URL, an argv, a log or the clone's config.
 */
export const GITLAB_CLONE_SCRIPT = `set -euo pipefail
helper=${credentialHelper('oauth2', 'GITLAB_TOKEN')}
git -c credential.helper= -c "credential.$SOURCE_ORIGIN.helper=$helper" \\
  clone --depth 1 --single-branch --branch "$SOURCE_BRANCH" -- "$CLONE_URL" source
echo "commit=$(git -C source rev-parse HEAD)" >> "$GITHUB_OUTPUT"
`;

/**
 * Removes the source checkout's git metadata before the build: the build context (`source/`) is
 * sent whole to BuildKit, and any Dockerfile can `COPY . .` it into the pushed image. Nothing in it
 * holds a credential (checkouts use `persist-credentials: false`, the GitLab clone a credential
 * helper), but `.git` has no place in an image: the commit is in the image's labels.
 */
export const REMOVE_GIT_SCRIPT = `rm -rf -- source/.git
`;

/**
 * Pushes HEAD to the dispatched branch, rebasing onto concurrent pushes (bounded). The checkout
 * kept no credentials (`persist-credentials: false`): the job's token ($GIT_TOKEN) reaches git here
 * only, through a credential helper for the GitHub server ($GITHUB_SERVER_URL) only.
 */
const PUSH_WITH_RETRY = `helper=${credentialHelper('x-access-token', 'GIT_TOKEN')}
git_with_token() { git -c credential.helper= -c "credential.$GITHUB_SERVER_URL.helper=$helper" "$@"; }
for attempt in 1 2 3 4 5; do
  if git_with_token push origin "HEAD:$GITHUB_REF_NAME"; then exit 0; fi
  sleep $((attempt * 3))
  git_with_token pull --rebase origin "$GITHUB_REF_NAME"
done
echo "::error::could not push to $GITHUB_REF_NAME after 5 attempts"
exit 1
`;

const BOT_NAME = 'github-actions[bot]';
const BOT_EMAIL = '41898282+github-actions[bot]@users.noreply.github.com';

/**
 * Writes $VERSION into $VERSION_FILE, commits and pushes it; refuses when the file no longer holds
 * $PREVIOUS, the version the build started from (someone changed it meanwhile: theirs wins).
 */
export const COMMIT_VERSION_SCRIPT = `set -euo pipefail
current=$(tr -d '[:space:]' < "$VERSION_FILE")
if [[ $current != "$PREVIOUS" ]]; then
  echo "::error::$VERSION_FILE changed during the build (it held '$PREVIOUS', now '$current'): not overwriting it with $VERSION"
  exit 1
fi
printf '%s\\n' "$VERSION" > "$VERSION_FILE"
git config user.name "${BOT_NAME}"
git config user.email "${BOT_EMAIL}"
git add -- "$VERSION_FILE"
git commit --message "image-factory: release $IMAGE_NAME $VERSION"
${PUSH_WITH_RETRY}`;

/** Commits the synthesized manifests ($OUTPUT) when they changed, and pushes them. */
export const COMMIT_MANIFESTS_SCRIPT = `set -euo pipefail
git add -- "$OUTPUT"
if git diff --cached --quiet; then
  echo "$OUTPUT is up to date"
  exit 0
fi
git config user.name "${BOT_NAME}"
git config user.email "${BOT_EMAIL}"
git commit --message "image-factory: synthesize $OUTPUT"
${PUSH_WITH_RETRY}`;
