/**
 * Which credential goes to which URL. Every credential is scoped to the URL it belongs to, and git
 * gets it from one credential helper (see {@link CREDENTIAL_HELPER_SCRIPT}) that answers only for
 * that scope:
 *
 * | environment                   | sent only to                                   | as user          |
 * | ----------------------------- | ---------------------------------------------- | ---------------- |
 * | `GIT_USERNAME` + `GIT_PASSWORD` | the `--state-repo` URL (protocol, host, port, path) | `GIT_USERNAME` |
 * | `GITHUB_TOKEN`                | repositories under `GITHUB_URL` (default `https://github.com`) | `x-access-token` |
 * | `GITLAB_TOKEN`                | repositories under `GITLAB_URL` (default `https://gitlab.com`) | `oauth2`         |
 *
 * Nothing else gets a credential: not another host, port or protocol (a token for
 * `https://github.com` never travels over plain `http://github.com`), not a redirect target.
 */
import { CliError } from '../errors.js';
import { redactUrls } from './redact.js';

/** Where a credential may go: git's credential request (`protocol`, `host`, `path`) must match. */
export interface CredentialScope {
  /** `http` or `https`. */
  readonly protocol: string;
  /** Host name, lowercase, with `:port` unless it is the protocol's default port. */
  readonly host: string;
  /** The repository path exactly (no leading or trailing `/`, percent-decoded), as git sends it. */
  readonly path?: string | undefined;
  /** Repositories under this path ('' = the whole host). Ignored when `path` is set. */
  readonly pathPrefix?: string | undefined;
}

/** A credential and the URL scope it belongs to. */
export interface CredentialRule {
  readonly scope: CredentialScope;
  readonly username: string;
  readonly password: string;
  /** The environment variables it comes from, for messages (never the values). */
  readonly from: string;
}

/** Defaults of {@link credentialRulesFromEnv}. */
export interface CredentialEnvOptions {
  /** The state repository URL (`analyze --state-repo`); GIT_USERNAME/GIT_PASSWORD are for it only. */
  readonly stateRepo?: string | undefined;
  /** GitHub's URL when `GITHUB_URL` is not set. @default 'https://github.com' */
  readonly githubUrl?: string | undefined;
  /** GitLab's URL when `GITLAB_URL` is not set. @default 'https://gitlab.com' */
  readonly gitlabUrl?: string | undefined;
}

/** Default of `GITHUB_URL`. */
export const DEFAULT_GITHUB_URL = 'https://github.com';
/** Default of `GITLAB_URL`. */
export const DEFAULT_GITLAB_URL = 'https://gitlab.com';

/** Environment variables holding secrets: never passed on to git (the helper gets its own copy). */
export const SECRET_ENV_VARS = ['GIT_USERNAME', 'GIT_PASSWORD', 'GITHUB_TOKEN', 'GITLAB_TOKEN'] as const;

/**
 * The credential rules of an environment. Empty variables count as unset (an optional Secret key
 * that is missing). Throws a {@link CliError} for a half-given pair, a value git cannot carry
 * (line breaks) or a `GITHUB_URL`/`GITLAB_URL` that is not an http(s) URL.
 */
export function credentialRulesFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: CredentialEnvOptions = {},
): CredentialRule[] {
  const value = (name: string): string | undefined => {
    const found = env[name];
    if (found === undefined || found === '') return undefined;
    if (/[\r\n\0]/.test(found)) {
      throw new CliError(
        `${name} contains a line break or NUL character, which git cannot pass on`,
        1,
        'a Secret created from a file often ends with a newline: create it with --from-literal, or printf without \\n',
      );
    }
    return found;
  };
  const rules: CredentialRule[] = [];

  const username = value('GIT_USERNAME');
  const password = value('GIT_PASSWORD');
  if ((username === undefined) !== (password === undefined)) {
    const [set, unset] =
      username === undefined ? ['GIT_PASSWORD', 'GIT_USERNAME'] : ['GIT_USERNAME', 'GIT_PASSWORD'];
    throw new CliError(
      `${set} is set but ${unset} is not: the state repository credentials need both`,
      1,
      'set both keys (username, password) of the git credentials Secret, or neither',
    );
  }
  if (username !== undefined && password !== undefined && options.stateRepo !== undefined) {
    const scope = repositoryScope(options.stateRepo);
    // ssh and local repositories take no HTTP credentials: git's own configuration applies.
    if (scope) rules.push({ scope, username, password, from: 'GIT_USERNAME/GIT_PASSWORD' });
  }

  const hosts = [
    {
      token: 'GITHUB_TOKEN',
      url: 'GITHUB_URL',
      fallback: options.githubUrl ?? DEFAULT_GITHUB_URL,
      user: 'x-access-token',
    },
    {
      token: 'GITLAB_TOKEN',
      url: 'GITLAB_URL',
      fallback: options.gitlabUrl ?? DEFAULT_GITLAB_URL,
      user: 'oauth2',
    },
  ];
  for (const { token, url, fallback, user } of hosts) {
    const secret = value(token);
    if (secret === undefined) continue;
    const base = value(url) ?? fallback;
    rules.push({ scope: hostScope(base, url), username: user, password: secret, from: token });
  }
  return rules;
}

/** The secrets of `rules`, for redaction. */
export function secretsOf(rules: readonly CredentialRule[]): string[] {
  return rules.map((rule) => rule.password);
}

/**
 * The scope of one repository URL (exact protocol, host, port and path), or undefined when the URL
 * is not http(s) (ssh, scp-like, local paths take no HTTP credentials).
 */
export function repositoryScope(url: string): CredentialScope | undefined {
  const parsed = parseHttpUrl(url);
  if (parsed === undefined) return undefined;
  return { protocol: parsed.protocol.slice(0, -1), host: parsed.host, path: gitCredentialPath(url) };
}

function hostScope(base: string, variable: string): CredentialScope {
  const parsed = parseHttpUrl(base);
  if (parsed === undefined || [parsed.username, parsed.password, parsed.search, parsed.hash].some(Boolean)) {
    throw new CliError(
      `${variable} "${base}" is not an http(s) URL of a git host (e.g. https://github.example.com)`,
      1,
      `${variable} names the host whose repositories get the token; it takes no user, query or fragment`,
    );
  }
  return { protocol: parsed.protocol.slice(0, -1), host: parsed.host, pathPrefix: gitCredentialPath(base) };
}

/**
 * `url` parsed, when it is an http(s) URL. `URL.host` is lowercase and leaves out the default port,
 * the form the helper brings git's request to before comparing.
 */
function parseHttpUrl(url: string): URL | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `path` git sends to a credential helper for `url` with `credential.useHttpPath` (git 2.39
 * `credential.c`, `credential_from_url_1`): everything after the host, without leading and
 * trailing slashes, percent-decoded.
 */
export function gitCredentialPath(url: string): string {
  const afterScheme = url.slice(url.indexOf('://') + 3);
  const slash = afterScheme.indexOf('/');
  if (slash < 0) return '';
  return percentDecode(afterScheme.slice(slash).replace(/^\/+/, '').replace(/\/+$/, ''));
}

function percentDecode(text: string): string {
  const bytes: number[] = [];
  const raw = Buffer.from(text, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i] ?? 0;
    const hex = raw.subarray(i + 1, i + 3).toString('latin1');
    if (byte === 0x25 && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(byte);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Refuses a repository URL that carries credentials (`https://user:secret@host/...`, a token as the
 * user name, a password holding `/` or `@`): git would put them in every child's argv (visible to
 * other users of the machine) and in `.git/config`. An ssh user name (`ssh://git@host/...`) is no
 * secret and is accepted. The message shows the URL redacted.
 */
export function checkNoCredentialsInUrl(url: string, what: string): void {
  const redacted = redactUrls(url);
  if (redacted === url || /^(?:git\+)?ssh:\/\/[^:@/]+@/i.test(url)) return;
  throw new CliError(
    `${what} ${redacted} carries credentials in the URL`,
    1,
    'give the URL without credentials; they come from GIT_USERNAME/GIT_PASSWORD (the state repository), GITHUB_TOKEN or GITLAB_TOKEN',
  );
}

/** Name of the variable that hands the rules to the helper (in the git processes' environment). */
export const CREDENTIALS_ENV_VAR = 'IMAGE_FACTORY_GIT_CREDENTIALS';

/**
 * The credential helper, run by git as `<node> <this file> get|store|erase` with the request on
 * stdin (`key=value` lines; git 2.39 `credential.c`, `credential_write`). It answers only `get`,
 * and only when the protocol, the host and port, and the path match a rule in
 * `$IMAGE_FACTORY_GIT_CREDENTIALS`; otherwise it prints nothing, and git fails with "could not
 * read Username" instead of sending a credential where it does not belong. After following a
 * redirect git asks again, for the redirected URL (git 2.39 `http.c`, `http_request_reauth` calls
 * `credential_from_url` with the new base URL), so a redirect to another host gets nothing; and
 * curl itself drops the Authorization header when a redirect changes host, port or protocol
 * (curl 7.83+). The file holds no secret: the rules come from the environment of the git process,
 * which only the same user can read. Plain JavaScript, so that it runs under the CLI's own node.
 */
export const CREDENTIAL_HELPER_SCRIPT = `// image-factory git credential helper (generated; holds no secret).
import { readFileSync } from 'node:fs';

// A plain host name or IP literal with an optional port, nothing else: a decoded "%40", user-info
// or a path could make the URL parser below see another host than the one curl connects to.
const HOST = /^(?:[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?$/;

function match(rules, request) {
  const protocol = request.protocol;
  if (protocol !== 'http' && protocol !== 'https') return undefined;
  if (!HOST.test(request.host || '')) return undefined;
  let host;
  try {
    // Lowercase, default port dropped: the form the rules were written in.
    host = new URL(protocol + '://' + request.host).host;
  } catch {
    return undefined;
  }
  const path = (request.path || '').replace(/^\\/+/, '').replace(/\\/+$/, '');
  for (const rule of rules) {
    const scope = rule.scope;
    if (scope.protocol !== protocol || scope.host !== host) continue;
    if (typeof scope.path === 'string') {
      if (path === scope.path) return rule;
      continue;
    }
    const prefix = scope.pathPrefix || '';
    if (prefix === '' || path === prefix || path.startsWith(prefix + '/')) return rule;
  }
  return undefined;
}

if (process.argv[2] === 'get') {
  const request = {};
  for (const line of readFileSync(0, 'utf8').split('\\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) request[line.slice(0, eq)] = line.slice(eq + 1);
  }
  let rules = [];
  try {
    rules = JSON.parse(process.env.${CREDENTIALS_ENV_VAR} || '[]');
  } catch {}
  const rule = match(rules, request);
  if (rule) process.stdout.write('username=' + rule.username + '\\npassword=' + rule.password + '\\n');
}
`;
