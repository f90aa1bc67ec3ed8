import * as z from 'zod';
import { DURATION_REGEX_SOURCE, parseDuration } from '../duration.js';
import type { StateProblemCode } from '../model.js';
import { tryParseImageReference } from '../reference.js';

/**
 * A rule a string field must follow: the message (completing "<field> ..."), the hint, and the
 * problem code. Field schemas carry the message; the loader looks the rest up with {@link ruleFor}.
 */
export interface FieldRule {
  readonly message: string;
  readonly hint: string;
  readonly code: StateProblemCode;
}

const RULES = {
  imageName: {
    message:
      'must be a lowercase name of letters, digits and "-" (at most 63 characters, no leading or trailing "-")',
    hint: 'image names also name files and Kargo objects, e.g. "backstage" or "python-3-12-slim"',
    code: 'invalid-name',
  },
  baseImageName: {
    message:
      'must be a lowercase name of letters, digits, "-" and "." (at most 63 characters, starting and ending with a letter or digit)',
    hint: 'base image names also name files and Kargo objects, e.g. "python-3.12-slim"',
    code: 'invalid-name',
  },
  duration: {
    message: 'must be a duration such as 30m, 24h or 7d',
    hint: 'write a number followed by d, h, m or s (combinations in that order, like 1h30m, are allowed)',
    code: 'invalid-duration',
  },
  repo: {
    message: 'must be "owner/name"',
    hint: 'write the repository as owner/name, e.g. acme/platform (not a URL)',
    code: 'invalid-repo',
  },
  relativePath: {
    message: 'must be a relative path inside the repository (not absolute, no "..")',
    hint: 'write the path from the repository root, e.g. services/api/Dockerfile',
    code: 'invalid-path',
  },
  branch: {
    message: 'must be a valid git branch name',
    hint: 'branch names cannot contain spaces, "..", "~", "^", ":", "?", "*", "[", "\\" or "@{", nor start with "-"',
    code: 'invalid-branch',
  },
  gitRef: {
    message: 'must be a valid git tag, branch or commit name',
    hint: 'e.g. "@image-factory/analyzer-cli@0.1.0" (a release tag), "main" or a commit SHA; no spaces, "..", "~", "^", ":", "?", "*", "[", "\\" or "@{"',
    code: 'invalid-value',
  },
  subscribedBranch: {
    message:
      'must be a branch name Kargo can subscribe to: letters, digits, ".", "_", "/" and "-", starting with a letter or digit and ending with a letter, digit, "_" or "-"',
    hint: 'Kargo v1.11 refuses other branch names in a Warehouse git subscription (even those git accepts, like "release+1"): rename the branch, or build from another one',
    code: 'invalid-branch',
  },
  kubernetesName: {
    message:
      'must be a valid Kubernetes name (lowercase letters, digits, "-" and ".", at most 253 characters)',
    hint: 'e.g. "image-factory-kargo"',
    code: 'invalid-name',
  },
  kubernetesLabel: {
    message:
      'must be a valid Kubernetes namespace name (lowercase letters, digits and "-", at most 63 characters)',
    hint: 'e.g. "image-factory-kargo"',
    code: 'invalid-name',
  },
  registry: {
    message: 'must be a registry host, optionally with a port (e.g. ghcr.io, registry.example.com:5000)',
    hint: 'write only the host: the path goes into repository',
    code: 'invalid-reference',
  },
  repository: {
    message: 'must be a lowercase repository path (e.g. acme/backstage)',
    hint: 'path components are lowercase letters and digits separated by ".", "_", "__" or "-"',
    code: 'invalid-reference',
  },
  tag: {
    message:
      'must be a valid image tag (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")',
    hint: 'e.g. 3.12-slim',
    code: 'invalid-reference',
  },
  digest: {
    message: 'must be a digest such as sha256:<64 lowercase hex characters>',
    hint: 'copy the digest from `docker buildx imagetools inspect` or the registry',
    code: 'invalid-reference',
  },
  imageReference: {
    message: 'must be an image reference such as ghcr.io/acme/image-factory:1.0',
    hint: 'registry host, lowercase repository path, then an optional :tag and @digest',
    code: 'invalid-reference',
  },
  url: {
    message: 'must be an http(s) URL',
    hint: 'e.g. https://github.example.com',
    code: 'invalid-value',
  },
  platform: {
    message: 'must be a platform "<os>/<arch>" such as linux/amd64',
    hint: 'Kargo v1.11 accepts os/arch without a variant (e.g. linux/arm64, not linux/arm64/v8)',
    code: 'invalid-value',
  },
  quantity: {
    message: 'must be a Kubernetes quantity such as 250m, 512Mi or 1Gi',
    hint: 'CPU in cores or millicores (1, 500m), memory in bytes with a suffix (512Mi, 1Gi)',
    code: 'invalid-value',
  },
} as const satisfies Record<string, FieldRule>;

const BY_MESSAGE = new Map<string, FieldRule>(Object.values(RULES).map((rule) => [rule.message, rule]));

/** The message of a named rule. */
export function ruleMessage(name: keyof typeof RULES): string {
  return RULES[name].message;
}

/** The rule whose message is `message`, if any. */
export function ruleFor(message: string): FieldRule | undefined {
  return BY_MESSAGE.get(message);
}

/** DNS-1123 label: images.yaml names of managed images. */
export const IMAGE_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1123 subdomain: names of base/external images (dots allowed: `python-3.12-slim`). */
export const BASE_IMAGE_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const REPO_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)+$/;
const TAG_PATTERN = /^[\w][\w.-]{0,127}$/;
const DIGEST_PATTERN = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-f0-9]{32,}$/;

/** A managed image name (also any images.yaml entry name; DNS-1123 label of at most 63 characters). */
export const imageName = z
  .string()
  .max(63, { error: RULES.imageName.message })
  .regex(IMAGE_NAME_PATTERN, { error: RULES.imageName.message });

/** A base/external image name (DNS-1123 subdomain of at most 63 characters). */
export const baseImageName = z
  .string()
  .max(63, { error: RULES.baseImageName.message })
  .regex(BASE_IMAGE_NAME_PATTERN, { error: RULES.baseImageName.message });

/** A duration: `30m`, `24h`, `7d`, `90s`, `1h30m`. */
export const duration = z
  .string()
  .regex(new RegExp(DURATION_REGEX_SOURCE), { error: RULES.duration.message })
  .refine((value) => parseDuration(value) !== undefined, { error: RULES.duration.message });

/** `owner/name` (GitLab: `group/subgroup/name`). */
export const repo = z.string().regex(REPO_PATTERN, { error: RULES.repo.message });

/** True for a relative, normalized-enough path that stays inside the repository. */
export function isRelativeInsidePath(value: string): boolean {
  if (value === '' || value.includes('\0') || value.includes('\\')) return false;
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value)) return false;
  return !value.split('/').some((segment) => segment === '..');
}

/** A path relative to a repository root that cannot escape it. */
export const relativePath = z
  .string()
  .min(1, { error: RULES.relativePath.message })
  .refine(isRelativeInsidePath, { error: RULES.relativePath.message });

/** `git check-ref-format --branch` rules. */
export function isValidBranchName(name: string): boolean {
  if (name === '' || name === '@' || name.startsWith('-')) return false;
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return false;
  if (name.includes('..') || name.includes('@{') || name.includes('//')) return false;
  if (name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false;
  return name.split('/').every((part) => !part.startsWith('.') && !part.endsWith('.lock'));
}

/** A git branch name. */
export const branch = z.string().refine(isValidBranchName, { error: RULES.branch.message });

/** A git ref to check out: a tag, branch or commit (the same rules as a branch name). */
export const gitRef = z.string().refine(isValidBranchName, { error: RULES.gitRef.message });

/**
 * The branches a Kargo git subscription accepts (`branch` in Kargo v1.11.2's
 * subscription-schemas/git.json and the Warehouse CRD): stricter than git's own rules.
 */
export const SUBSCRIBED_BRANCH_PATTERN = /^[a-zA-Z0-9]([a-zA-Z0-9._/-]*[a-zA-Z0-9_-])?$/;

/** A branch a Warehouse subscribes to: a git branch name that Kargo's pattern accepts too. */
export const subscribedBranch = branch.refine(
  (value) => value.length <= 255 && SUBSCRIBED_BRANCH_PATTERN.test(value),
  { error: RULES.subscribedBranch.message },
);

/** A registry host with optional port (reference grammar `domain`). */
export const registry = z
  .string()
  .refine((value) => isRegistryHost(value), { error: RULES.registry.message });

/** True when `value` is a registry host the reference grammar accepts as a domain. */
export function isRegistryHost(value: string): boolean {
  if (value === '' || value.includes('/')) return false;
  const parsed = tryParseImageReference(`${value}/x`);
  return parsed.ok && (parsed.reference.registry === value || value === 'index.docker.io');
}

/** A repository path inside a registry. */
export const repository = z
  .string()
  .refine((value) => tryParseImageReference(`registry.invalid/${value}`).ok && !value.includes(':'), {
    error: RULES.repository.message,
  });

/** An image tag. */
export const tag = z.string().regex(TAG_PATTERN, { error: RULES.tag.message });

/** A digest `algo:hex`. */
export const digest = z.string().regex(DIGEST_PATTERN, { error: RULES.digest.message });

/** A Kubernetes object name (DNS-1123 subdomain). */
export const kubernetesName = z
  .string()
  .max(253, { error: RULES.kubernetesName.message })
  .regex(BASE_IMAGE_NAME_PATTERN, { error: RULES.kubernetesName.message });

/** A Kubernetes namespace name (DNS-1123 label). */
export const kubernetesLabelName = z
  .string()
  .max(63, { error: RULES.kubernetesLabel.message })
  .regex(IMAGE_NAME_PATTERN, { error: RULES.kubernetesLabel.message });

/** An image reference (`ghcr.io/acme/x:1.0`, `python:3.12`). */
export const imageReference = z
  .string()
  .refine((value) => tryParseImageReference(value).ok, { error: RULES.imageReference.message });

/** An http(s) URL. */
export const httpUrl = z.string().regex(/^https?:\/\/[^\s/$.?#][^\s]*$/, { error: RULES.url.message });

/** A timestamp as written (ISO 8601 by convention; not enforced, old files vary). */
export const timestamp = z.string();

/** Kargo image selection strategies. */
export const IMAGE_SELECTION_STRATEGIES = ['Lexical', 'NewestBuild', 'SemVer', 'Digest'] as const;
export const imageSelectionStrategy = z.enum(IMAGE_SELECTION_STRATEGIES);

/**
 * An image platform as Kargo's image subscription accepts it, `<os>/<arch>` (the subscription schema's
 * pattern `^\w+/\w+$`, vendored in kargo-constructs).
 */
export const platform = z.string().regex(/^\w+\/\w+$/, { error: RULES.platform.message });

/** A Kubernetes resource quantity (k8s.io/apimachinery resource.Quantity: `250m`, `512Mi`, `1Gi`, `2`). */
export const quantity = z
  .string()
  .regex(/^[+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/, {
    error: RULES.quantity.message,
  });
