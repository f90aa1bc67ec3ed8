import type { Settings, SourceProvider } from '@image-factory/state-schema';

/** A repository on a git host, as `owner/name` (GitLab: `group/subgroup/name`). */
export interface HostedRepo {
  /** `github` or `gitlab`. */
  readonly provider: SourceProvider;
  /** Path of the repository on the host, without `.git`, e.g. `acme/platform`. */
  readonly path: string;
}

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Web/clone base URL of a provider, from the settings (`github.url` / `gitlab.url`). */
export function providerUrl(settings: Settings, provider: SourceProvider): string {
  return trimSlashes(provider === 'gitlab' ? settings.gitlab.url : settings.github.url);
}

/** API base URL of a provider, from the settings (`github.apiUrl` / `gitlab.apiUrl`). */
export function providerApiUrl(settings: Settings, provider: SourceProvider): string {
  return trimSlashes(provider === 'gitlab' ? settings.gitlab.apiUrl : settings.github.apiUrl);
}

/** HTTPS clone URL of `owner/name` on the provider's host: `https://github.com/acme/platform.git`. */
export function cloneUrl(settings: Settings, repo: HostedRepo): string {
  return `${providerUrl(settings, repo.provider)}/${repo.path}.git`;
}

/**
 * A comparable form of a git URL: lower-case host, no credentials, no trailing `/` or `.git`, SCP
 * syntax (`git@host:path`) and `ssh://` rewritten as `host/path`. Used to tell whether two
 * subscriptions point at the same repository.
 */
export function normalizeGitUrl(url: string): string {
  const scp = /^[\w.-]+@([\w.-]+):(?!\/\/)(.*)$/.exec(url);
  let hostAndPath: string;
  if (scp) {
    hostAndPath = `${(scp[1] as string).toLowerCase()}/${scp[2] as string}`;
  } else {
    try {
      const parsed = new URL(url);
      hostAndPath = `${parsed.host.toLowerCase()}${parsed.pathname}`;
    } catch {
      hostAndPath = url;
    }
  }
  return hostAndPath.replace(/\/+$/, '').replace(/\.git$/, '');
}

/**
 * The `owner/name` of a repository URL on the host of `baseUrl` (`https://github.com/acme/state.git`
 * with base `https://github.com` → `acme/state`), or `undefined` when the URL is on another host
 * or is not a repository URL. HTTPS, `ssh://` and SCP-style URLs are understood.
 */
export function repoPathOnHost(url: string, baseUrl: string): string | undefined {
  const normalized = normalizeGitUrl(url);
  const base = normalizeGitUrl(baseUrl);
  if (!normalized.startsWith(`${base}/`)) return undefined;
  const path = normalized.slice(base.length + 1);
  return /^[^/\s]+(\/[^/\s]+)+$/.test(path) ? path : undefined;
}

/** The directory of a repository-relative path (`a/b/Dockerfile` → `a/b`; `Dockerfile` → `.`). */
export function dirnameOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : path.slice(0, i);
}
