import { createHash } from 'node:crypto';

/**
 * Maximum length of a DNS-1123 label (and of names we generate): 63 characters.
 *
 * Kargo turns a Project name into a Namespace (a DNS-1123 label), and Stage and Warehouse names end
 * up in label values, branch names and Argo CD annotations, so every name this library generates
 * stays within this limit.
 */
export const MAX_NAME_LENGTH = 63;

/** Maximum length of a DNS-1123 subdomain: 253 characters. */
export const MAX_SUBDOMAIN_LENGTH = 253;

/** Number of hex characters of the SHA-256 hash appended by {@link shortenName}. */
export const NAME_HASH_LENGTH = 8;

const LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Whether `name` is a DNS-1123 label: at most 63 characters of `[a-z0-9-]`, starting and ending
 * with an alphanumeric character. Namespaces and Kargo Projects need this.
 */
export function isDns1123Label(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && LABEL_RE.test(name);
}

/**
 * Whether `name` is a DNS-1123 subdomain: at most 253 characters, dot-separated DNS-1123 labels.
 * Most namespaced Kubernetes objects (Warehouse, Stage, PromotionTask …) need this.
 */
export function isDns1123Subdomain(name: string): boolean {
  return name.length <= MAX_SUBDOMAIN_LENGTH && SUBDOMAIN_RE.test(name);
}

/**
 * Explains why `name` is not a DNS-1123 label, or returns `undefined` when it is one.
 *
 * @example dns1123LabelError('My_App') // 'must be a DNS-1123 label: lowercase letters, digits and "-", …'
 */
export function dns1123LabelError(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_NAME_LENGTH) {
    return `must be at most ${MAX_NAME_LENGTH} characters (it has ${name.length})`;
  }
  if (!LABEL_RE.test(name)) {
    return 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit';
  }
  return undefined;
}

/**
 * Explains why `name` is not a DNS-1123 subdomain, or returns `undefined` when it is one.
 */
export function dns1123SubdomainError(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_SUBDOMAIN_LENGTH) {
    return `must be at most ${MAX_SUBDOMAIN_LENGTH} characters (it has ${name.length})`;
  }
  if (!SUBDOMAIN_RE.test(name)) {
    return 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/** Options for {@link shortenName} and {@link toKubernetesName}. */
export interface NameOptions {
  /**
   * Maximum length of the result.
   *
   * @default 63
   */
  readonly maxLength?: number;
}

/**
 * The first {@link NAME_HASH_LENGTH} hex characters of the SHA-256 of `text`: the stable suffix
 * used when a name has to be shortened.
 */
export function nameHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, NAME_HASH_LENGTH);
}

/**
 * Shortens `name` to at most `maxLength` (default 63) characters.
 *
 * A name that already fits is returned unchanged. A longer one is cut and given a `-` plus the
 * first 8 hex characters of the SHA-256 of the *whole* original name, so two long names that only
 * differ at the end still get different, stable results. Trailing `-` and `.` before the suffix are
 * removed so that a valid DNS-1123 name stays valid.
 *
 * @example shortenName('a'.repeat(70)) // 'aaaa…aaa-1b0bbd82' (63 characters)
 */
export function shortenName(name: string, options: NameOptions = {}): string {
  const maxLength = options.maxLength ?? MAX_NAME_LENGTH;
  const minimum = NAME_HASH_LENGTH + 2;
  if (!Number.isInteger(maxLength) || maxLength < minimum) {
    throw new RangeError(`shortenName: maxLength must be an integer >= ${minimum}, got ${maxLength}`);
  }
  if (name.length <= maxLength) return name;
  const hash = nameHash(name);
  const head = name.slice(0, maxLength - NAME_HASH_LENGTH - 1).replace(/[-.]+$/, '');
  return head.length > 0 ? `${head}-${hash}` : hash;
}

/**
 * Turns free text (or several parts, joined with `-`) into a valid DNS-1123 label of at most 63
 * characters, the rule this library uses for every name it derives:
 *
 * 1. lower-case the text;
 * 2. replace every run of characters outside `[a-z0-9]` with a single `-`;
 * 3. trim `-` from both ends;
 * 4. if the result is longer than `maxLength`, shorten it with {@link shortenName} (stable hash
 *    suffix computed from the normalized name).
 *
 * Throws when nothing alphanumeric is left.
 *
 * @example toKubernetesName(['Python', '3.12-slim']) // 'python-3-12-slim'
 */
export function toKubernetesName(parts: string | readonly string[], options: NameOptions = {}): string {
  const text = typeof parts === 'string' ? parts : parts.join('-');
  const normalized = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (normalized.length === 0) {
    throw new Error(
      `toKubernetesName: ${JSON.stringify(text)} contains no letters or digits to build a name from`,
    );
  }
  return shortenName(normalized, options);
}
