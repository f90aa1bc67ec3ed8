/**
 * The bash scripts of the generated workflows. They read every value that comes from the state
 * from environment variables (set by the workflow's `env:`), never from their own text, so that a
 * branch or path cannot inject shell code; and they hold no expression (`${{ }}`).
 */
import {
  OCI_BASE_DIGEST_ANNOTATION,
  OCI_BASE_NAME_ANNOTATION,
  PINS_ANNOTATION,
  PINS_MAX_ENTRIES,
  PINS_MAX_LENGTH,
} from '@image-factory/state-schema';

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

/** Where the pin step leaves the build's extra arguments (NUL-separated) for the build step. */
const PIN_ARGS_FILE = '"$RUNNER_TEMP/image-factory-pins.args"';

/**
 * Validates $PINS (the `pins` input: JSON text of an object normalized reference
 * `registry/repository:tag` -> `sha256:<64 hex>`) and writes the build's extra arguments to
 * $RUNNER_TEMP/image-factory-pins.args, NUL-separated, never through a shell word:
 * - per pin, `--build-context <familiar name>=docker-image://<reference>@<digest>`. BuildKit looks
 *   a `FROM`/`COPY --from`/`--mount from=` image up as the named context keyed by its familiar
 *   name with `:latest` trimmed (moby/buildkit frontend/dockerui/config.go `NamedContext`:
 *   `strings.TrimSuffix(reference.FamiliarString(named), ":latest")`, then `namedContext` in
 *   frontend/dockerui/namedcontext.go reads `context:<name>`), so every spelling of the reference
 *   in the Dockerfile (`python:3.12-slim`, `docker.io/library/python:3.12-slim`) is pinned;
 * - `--annotation index:`/`manifest:` `io.github.image-factory.pins=<the pins, compact, sorted>`,
 *   and `org.opencontainers.image.base.name`/`.base.digest` when $FINAL_BASE (the final stage's
 *   base, from discovery) is pinned.
 * Empty $PINS (a manual dispatch): no arguments, `pinned=false`, and the job summary says the build
 * resolved its bases' tags. Anything else that is not exactly such an object is refused.
 */
export const PINS_SCRIPT = `set -euo pipefail
args_file=${PIN_ARGS_FILE}
: > "$args_file"
pins=\${PINS:-}
if [[ -z \${pins//[[:space:]]/} ]]; then
  echo "pinned=false" >> "$GITHUB_OUTPUT"
  echo "No pins were given: the base images are resolved from their tags at build time (unpinned build)."
  printf '%s\\n' '### Unpinned build' '' 'Dispatched without \`pins\`: the base images were resolved from their tags when the build ran, not pinned to the digests Kargo promoted.' >> "$GITHUB_STEP_SUMMARY"
  exit 0
fi
refuse() {
  echo "::error::pins: $1 (expected a JSON object like {\\"docker.io/library/python:3.12-slim\\":\\"sha256:<64 hex digits>\\"})"
  exit 1
}
if (( \${#pins} > ${PINS_MAX_LENGTH} )); then
  refuse "\${#pins} characters, more than ${PINS_MAX_LENGTH}"
fi
if ! shape=$(jq -r -s 'if length != 1 then "not one JSON value" elif (.[0] | type) != "object" then "not a JSON object" elif (.[0] | length) == 0 then "an empty object" elif (.[0] | length) > ${PINS_MAX_ENTRIES} then "more than ${PINS_MAX_ENTRIES} entries" elif ([.[0][] | type == "string"] | all) | not then "a value that is not a string" else "ok" end' <<< "$pins" 2>/dev/null); then
  refuse "not valid JSON"
fi
[[ $shape == ok ]] || refuse "$shape"
count=$(jq -r 'length' <<< "$pins")
# jq keeps the last of duplicate keys; its stream form shows every one of them.
written=$(jq -n --stream '[inputs | select(length == 2)] | length' <<< "$pins")
(( written == count )) || refuse "a key appears more than once"
mapfile -d '' -t fields < <(jq -j 'to_entries[] | .key, "\\u0000", .value, "\\u0000"' <<< "$pins")
(( \${#fields[@]} == 2 * count )) || refuse "a key or value holds a NUL character"
label='[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?'
component='[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*'
reference="^($label)(\\.$label)*(:[0-9]+)?(/$component)+:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"
canonical=$(jq -c -S . <<< "$pins")
args=()
summary=('### Pinned build' '' '| Base image | Digest | Named context |' '| --- | --- | --- |')
for (( i = 0; i < \${#fields[@]}; i += 2 )); do
  ref=\${fields[i]}
  digest=\${fields[i + 1]}
  (( \${#ref} <= 400 )) && [[ $ref =~ $reference ]] || refuse "key '\${ref:0:200}' is not a normalized image reference registry/repository:tag"
  host=\${ref%%/*}
  [[ $host == *.* || $host == *:* || $host == localhost ]] || refuse "key '$ref' does not start with a registry (write docker.io/library/... for Docker Hub)"
  [[ $host != index.docker.io && $host != registry-1.docker.io ]] || refuse "key '$ref' is not normalized (write docker.io/...)"
  path=\${ref#*/}
  [[ $host != docker.io || $path == */* ]] || refuse "key '$ref' is not normalized (write docker.io/library/...)"
  [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || refuse "the digest of '$ref' is not sha256:<64 hex digits>"
  familiar=$ref
  if [[ $host == docker.io ]]; then
    familiar=$path
    if [[ $familiar == library/* && \${familiar#library/} != */* ]]; then
      familiar=\${familiar#library/}
    fi
  fi
  familiar=\${familiar%:latest}
  args+=(--build-context "$familiar=docker-image://$ref@$digest")
  summary+=("| \\\`$ref\\\` | \\\`$digest\\\` | \\\`$familiar\\\` |")
done
for level in index manifest; do
  args+=(--annotation "$level:${PINS_ANNOTATION}=$canonical")
done
final=\${FINAL_BASE:-}
if [[ -n $final ]] && final_digest=$(jq -r -e --arg ref "$final" '.[$ref] // empty' <<< "$pins"); then
  for level in index manifest; do
    args+=(--annotation "$level:${OCI_BASE_NAME_ANNOTATION}=$final" --annotation "$level:${OCI_BASE_DIGEST_ANNOTATION}=$final_digest")
  done
fi
printf '%s\\0' "\${args[@]}" > "$args_file"
echo "pinned=true" >> "$GITHUB_OUTPUT"
printf '%s\\n' "\${summary[@]}" >> "$GITHUB_STEP_SUMMARY"
echo "Pinned $count base image(s)."
`;

/**
 * Builds `source/` with $DOCKERFILE and pushes $IMAGE:$VERSION with the pin step's arguments, an
 * SBOM and maximal provenance attestations (which make the pushed result an image index, so that
 * index annotations apply), and the OCI source labels. Writes the pushed `digest` to $GITHUB_OUTPUT.
 * Every value reaches `docker` as one argument of an array.
 */
export const BUILD_SCRIPT = `set -euo pipefail
mapfile -d '' -t pinned < ${PIN_ARGS_FILE}
metadata="$RUNNER_TEMP/image-factory-build.json"
docker buildx build \\
  --file "$DOCKERFILE" \\
  --tag "$IMAGE:$VERSION" \\
  --label "org.opencontainers.image.source=$SOURCE_URL" \\
  --label "org.opencontainers.image.revision=$REVISION" \\
  --label "org.opencontainers.image.version=$VERSION" \\
  --sbom=true \\
  --provenance=mode=max \\
  --metadata-file "$metadata" \\
  --push \\
  "\${pinned[@]}" \\
  source
digest=$(jq -r '."containerimage.digest" // empty' "$metadata")
if [[ ! $digest =~ ^sha256:[0-9a-f]{64}$ ]]; then
  echo "::error::the build did not report the digest it pushed"
  exit 1
fi
echo "digest=$digest" >> "$GITHUB_OUTPUT"
printf '%s\\n' '' "Pushed \\\`$IMAGE:$VERSION\\\` (\\\`$digest\\\`)." >> "$GITHUB_STEP_SUMMARY"
`;

/**
 * Signs $IMAGE@$DIGEST with cosign, keyless: Fulcio certifies the workflow's OIDC identity (the job
 * has `id-token: write`), the signature is pushed next to the image and logged in Rekor.
 */
export const SIGN_SCRIPT = `set -euo pipefail
if [[ ! \${DIGEST:-} =~ ^sha256:[0-9a-f]{64}$ ]]; then
  echo "::error::no pushed digest to sign (got '\${DIGEST:-}')"
  exit 1
fi
cosign sign --yes "$IMAGE@$DIGEST"
`;
