import { containsExpression } from '@image-factory/kargo-constructs';
import {
  type FactoryState,
  type Origin,
  SETTINGS_FILE,
  type StateProblem,
} from '@image-factory/state-schema';
import { stateError } from './errors.js';

type Path = readonly (string | number)[];

/** A state value the factory copies into a generated object, with where it was written. */
interface CopiedValue {
  readonly value: string | undefined;
  readonly origin: Origin;
  readonly path: Path;
  readonly subject: string;
}

const SETTINGS_ORIGIN: Origin = { file: SETTINGS_FILE, line: 0, col: 0 };

function show(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

function dotted(path: Path): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out === '' ? key : `${out}.${key}`),
    '',
  );
}

/** Every state value the factory copies into step configs, verification arguments and git/image URLs. */
function copiedValues(state: Pick<FactoryState, 'settings' | 'managedImages' | 'baseImages'>): CopiedValue[] {
  const out: CopiedValue[] = [];
  const settings = state.settings;
  const setting = (path: Path, value: string | undefined) =>
    out.push({ value, origin: SETTINGS_ORIGIN, path, subject: '' });
  setting(['kargo', 'project'], settings.kargo.project);
  setting(['kargo', 'serviceAccount'], settings.kargo.serviceAccount);
  setting(['analysis', 'image'], settings.analysis.image);
  setting(['secrets', 'gitCredentials'], settings.secrets.gitCredentials);
  for (const secret of ['githubToken', 'gitlabToken'] as const) {
    setting(['secrets', secret, 'name'], settings.secrets[secret].name);
    setting(['secrets', secret, 'key'], settings.secrets[secret].key);
  }
  for (const provider of ['github', 'gitlab'] as const) {
    setting([provider, 'url'], settings[provider].url);
    setting([provider, 'apiUrl'], settings[provider].apiUrl);
  }
  setting(['stateRepo', 'url'], settings.stateRepo.url);
  setting(['stateRepo', 'branch'], settings.stateRepo.branch);
  for (const image of state.managedImages) {
    const at = (path: Path, value: string | undefined) =>
      out.push({ value, origin: image.origin, path, subject: `image "${image.name}": ` });
    at(['name'], image.name);
    at(['registry'], image.registry);
    at(['repository'], image.repository);
    at(['source', 'repo'], image.source.repo);
    at(['source', 'branch'], image.source.branch);
    at(['source', 'dockerfile'], image.source.dockerfile);
    at(['source', 'workflow'], image.source.workflow);
    image.updates.forEach((update, i) => {
      at(['updates', i, 'repo'], update.repo);
      at(['updates', i, 'path'], update.path);
      at(['updates', i, 'branch'], update.branch);
      at(['updates', i, 'key'], update.key);
      at(['updates', i, 'digestKey'], update.digestKey);
    });
    if (image.local !== undefined) {
      at(['local', 'dir'], image.local.dir);
      at(['local', 'dockerfile'], image.local.dockerfile);
      at(['local', 'versionFile'], image.local.versionFile);
      image.local.patchFiles.forEach((file, i) => {
        at(['local', 'patchFiles', i], file);
      });
    }
  }
  for (const base of state.baseImages) {
    const at = (path: Path, value: string | undefined) =>
      out.push({ value, origin: base.origin, path, subject: `base image "${base.name}": ` });
    at(['repoURL'], base.repoURL);
    at(['tag'], base.tag);
    at(['allowTags'], base.allowTags);
    at(['platform'], base.platform);
  }
  return out;
}

/**
 * The state values holding a Kargo expression (`${{` or `${%`) that the factory would copy into a step
 * config, a verification argument or another field Kargo evaluates (issue: a `updates[].key` of
 * `${{ secret('github-workflow-token').token }}` would write the token into a consumer repository).
 * `image-factory validate` rejects them with their position; this is the construct layer's own refusal,
 * for states loaded without it.
 */
export function stateValueProblems(
  state: Pick<FactoryState, 'settings' | 'managedImages' | 'baseImages'>,
): StateProblem[] {
  return copiedValues(state)
    .filter((v): v is CopiedValue & { value: string } => v.value !== undefined && containsExpression(v.value))
    .map((v) =>
      stateError(
        'expression-in-value',
        v.origin,
        v.path,
        `${v.subject}${dotted(v.path)} ${show(v.value)} contains a Kargo expression ("\${{" or "\${%"); Kargo would evaluate it when it promotes or verifies (it could read Secrets into a commit or a job's arguments), so the factory refuses to generate anything from it`,
        'remove the expression from the value: state values are data, never Kargo expressions',
      ),
    );
}
