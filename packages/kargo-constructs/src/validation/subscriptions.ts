import { SUBSCRIPTION_KINDS, type SubscriptionKind } from '../generated/subscriptions.js';
import { childPath, closest, isObject, show, type ValidationIssue } from './issues.js';
import { compiled, isExpression, runValidator } from './json-schema.js';

/** Options of {@link validateSubscription}. */
export interface ValidateSubscriptionOptions {
  /** Field path of the subscription, prefixed to every issue path (e.g. `spec.subscriptions[0]`). @default '' */
  readonly path?: string;
  /**
   * Accept `${{ ... }}` expression strings where the schema expects another type. Off by default because
   * Kargo does not evaluate expressions in Warehouse subscriptions: such a value reaches the webhook verbatim.
   * @default false
   */
  readonly allowExpressions?: boolean;
}

const tagsField = (field: string, replacement: string): string =>
  `"${field}" is no longer supported: since Kargo v1.11.0 artifact discovery fails when it is set; ` +
  `use "${replacement}" (a list of regular expressions) instead`;
const renamed = (field: string, replacement: string, version: string): string =>
  `"${field}" was renamed in Kargo ${version}; use "${replacement}" instead`;

/**
 * Fields that Kargo removed, renamed or deprecated-to-failure, per subscription kind, with the full message
 * naming the replacement. Image `semverConstraint` matters most: the webhook drops it silently, so the
 * constraint would be lost without an error.
 */
const REMOVED_FIELDS: Readonly<Record<SubscriptionKind, Readonly<Record<string, string>>>> = {
  image: {
    allowTags: tagsField('allowTags', 'allowTagsRegexes'),
    ignoreTags: tagsField('ignoreTags', 'ignoreTagsRegexes'),
    semverConstraint:
      '"semverConstraint" was removed from image subscriptions in Kargo v1.9 (the webhook drops it silently); ' +
      'use "constraint" instead',
    gitRepoURL:
      '"gitRepoURL" was removed in Kargo v1.7; set the "org.opencontainers.image.source" annotation on the image instead',
    tagSelectionStrategy: renamed('tagSelectionStrategy', 'imageSelectionStrategy', 'v0.4'),
    updateStrategy: renamed('updateStrategy', 'imageSelectionStrategy', 'v0.4'),
  },
  git: {
    allowTags: tagsField('allowTags', 'allowTagsRegexes'),
    ignoreTags: tagsField('ignoreTags', 'ignoreTagsRegexes'),
  },
  chart: {
    registryURL: renamed('registryURL', 'repoURL', 'v0.4'),
  },
};

/** Admission-webhook rules that the JSON schemas do not express. */
function webhookRules(
  kind: SubscriptionKind,
  spec: Record<string, unknown>,
  path: string,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (kind === 'image') {
    const strategy = spec.imageSelectionStrategy;
    if (strategy === 'Digest' && (typeof spec.constraint !== 'string' || spec.constraint === '')) {
      issues.push({
        path: childPath(path, 'constraint'),
        message:
          'required when imageSelectionStrategy is "Digest": set it to the mutable tag to track, e.g. "latest"',
        rule: 'webhook.image-digest-constraint',
      });
    }
    if (strategy === 'Digest') {
      // The Digest selector looks up the one tag in `constraint` and filters by nothing else
      // (pkg/image/digest_selector.go, built without the tag-filtering base): tag filters and the tag
      // cache are silently ignored, which makes such a subscription say something it does not do.
      for (const field of ['allowTagsRegexes', 'ignoreTagsRegexes', 'cacheByTag']) {
        if (spec[field] === undefined) continue;
        issues.push({
          path: childPath(path, field),
          message: `is ignored by the "Digest" strategy, which follows exactly the tag in constraint; remove "${field}"`,
          rule: 'digest-ignored-field',
        });
      }
    }
  }
  if (kind === 'chart' && typeof spec.repoURL === 'string') {
    const oci = spec.repoURL.startsWith('oci://');
    const hasName = typeof spec.name === 'string' && spec.name !== '';
    if (oci && hasName) {
      issues.push({
        path: childPath(path, 'name'),
        message: `must not be set for an OCI repository (${show(spec.repoURL)} already names the chart); remove "name"`,
        rule: 'webhook.chart-name',
      });
    } else if (!oci && /^https?:\/\//.test(spec.repoURL) && !hasName) {
      issues.push({
        path: childPath(path, 'name'),
        message: `required for a classic (HTTP/S) chart repository such as ${show(spec.repoURL)}: set the chart name`,
        rule: 'webhook.chart-name',
      });
    }
  }
  return issues;
}

/**
 * Validates one entry of a Warehouse's `spec.subscriptions[]` (`{ image: {...} }`, `{ git: {...} }` or
 * `{ chart: {...} }`) against Kargo's subscription JSON schema, plus the rules of Kargo's admission webhook
 * that the schemas leave out (a `Digest` image subscription needs `constraint`; a chart needs `name` for an
 * HTTP/S repository and must not have one for `oci://`). Removed or deprecated fields (`allowTags`,
 * `ignoreTags`, image `semverConstraint`, ...) are reported with their replacement.
 *
 * An entry with a single key other than image/git/chart is a generic (plugin) subscription and is accepted
 * unless the key looks like a misspelling of a known kind.
 */
export function validateSubscription(
  sub: unknown,
  options: ValidateSubscriptionOptions = {},
): ValidationIssue[] {
  const base = options.path ?? '';
  if (!isObject(sub)) {
    return [
      {
        path: base,
        message: `expected an object such as { image: { repoURL: ... } }, got ${show(sub)}`,
        rule: 'type',
      },
    ];
  }
  const keys = Object.keys(sub).filter((k) => sub[k] !== undefined);
  const [key] = keys;
  if (key === undefined || keys.length !== 1) {
    return [
      {
        path: base,
        message: `a subscription must have exactly one of ${SUBSCRIPTION_KINDS.join(', ')} (or one generic subscription key), got ${keys.length ? keys.join(', ') : 'none'}`,
        rule: 'subscription-kind',
      },
    ];
  }
  const path = childPath(base, key);
  if (!(SUBSCRIPTION_KINDS as readonly string[]).includes(key)) {
    const near = closest(key, SUBSCRIPTION_KINDS);
    if (near !== undefined) {
      return [
        {
          path,
          message: `unknown subscription kind "${key}" (did you mean "${near}"?); known kinds: ${SUBSCRIPTION_KINDS.join(', ')}`,
          rule: 'subscription-kind',
        },
      ];
    }
    return isObject(sub[key])
      ? []
      : [{ path, message: `a generic subscription must be an object, got ${show(sub[key])}`, rule: 'type' }];
  }
  const kind = key as SubscriptionKind;
  const spec = sub[kind];
  if (!isObject(spec)) {
    return [{ path, message: `expected an object with at least "repoURL", got ${show(spec)}`, rule: 'type' }];
  }
  const issues: ValidationIssue[] = [];
  const removed = REMOVED_FIELDS[kind];
  const rest: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(spec)) {
    const message = removed[field];
    if (message !== undefined && value !== undefined) {
      issues.push({ path: childPath(path, field), message, rule: 'deprecated-field' });
    } else {
      rest[field] = value;
    }
  }
  const validate = compiled(`subscription-schemas/${kind}.json`, {
    expressions: options.allowExpressions ?? false,
  });
  issues.push(...runValidator(validate, rest, path));
  const evaluated = options.allowExpressions
    ? Object.fromEntries(Object.entries(rest).filter(([, v]) => !isExpression(v)))
    : rest;
  issues.push(...webhookRules(kind, evaluated, path));
  return issues;
}
