import { tryParseImageReference } from '@image-factory/image-reference';
import { formatIssue, validateSubscription } from '../validation/index.js';

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Every problem of one `spec.subscriptions[i]` entry, as `path: message` strings: Kargo's JSON schema
 * of its kind, retired fields named with their replacement, the webhook rules (via the validation
 * engine), and a clearer message for an image repoURL that carries a tag or digest.
 */
export function subscriptionIssues(entry: unknown, prefix: string): string[] {
  const issues = validateSubscription(entry, { path: prefix });
  const image = isRecord(entry) && isRecord(entry.image) ? entry.image : undefined;
  const repoURL = typeof image?.repoURL === 'string' ? image.repoURL : undefined;
  if (repoURL !== undefined) {
    const parsed = tryParseImageReference(repoURL);
    if (parsed.ok && (parsed.reference.tag !== undefined || parsed.reference.digest !== undefined)) {
      const path = `${prefix}.image.repoURL`;
      return [
        ...issues.filter((i) => i.path !== path).map(formatIssue),
        `${path}: "${repoURL}" must not include a tag or digest; use "${parsed.reference.name}" and select tags with constraint or allowTagsRegexes`,
      ];
    }
  }
  return issues.map(formatIssue);
}

/**
 * A key identifying the subscribed artifact, for duplicate detection (Kargo rejects two
 * subscriptions to the same normalized repository in one Warehouse).
 */
export function subscriptionKey(entry: unknown): string | undefined {
  if (!isRecord(entry)) return undefined;
  const [kind] = Object.keys(entry);
  if (kind !== 'image' && kind !== 'git' && kind !== 'chart') return undefined;
  const body = entry[kind];
  if (!isRecord(body) || typeof body.repoURL !== 'string') return undefined;
  const url = body.repoURL;
  if (kind === 'image') {
    const parsed = tryParseImageReference(url);
    return `image:${parsed.ok ? parsed.reference.name : url.toLowerCase()}`;
  }
  if (kind === 'git') {
    return `git:${url
      .toLowerCase()
      .replace(/\/+$/, '')
      .replace(/\.git$/, '')}`;
  }
  const name = typeof body.name === 'string' ? body.name : '';
  return `chart:${url.toLowerCase().replace(/\/+$/, '')}${name === '' ? '' : ` ${name}`}`;
}
