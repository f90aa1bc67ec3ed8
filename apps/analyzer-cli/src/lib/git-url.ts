import type { ImageSource, Settings } from '@image-factory/state-schema';

/**
 * The git URL of a managed image's source repository: `<github.url|gitlab.url>/<repo>.git` from the
 * settings, or `template` with `{provider}` and `{repo}` replaced (e.g. `/srv/git/{repo}.git`,
 * for mirrors and tests).
 */
export function sourceGitUrl(
  source: Pick<ImageSource, 'provider' | 'repo'>,
  settings: Settings,
  template?: string,
): string {
  if (template !== undefined && template !== '') {
    return template.replaceAll('{provider}', source.provider).replaceAll('{repo}', source.repo);
  }
  const base = source.provider === 'gitlab' ? settings.gitlab.url : settings.github.url;
  return `${base.replace(/\/+$/, '')}/${source.repo}.git`;
}
