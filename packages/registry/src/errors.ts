/**
 * What went wrong when asking a registry about a reference. One code per cause a user can act on:
 *
 * - `invalid-reference`: the text is not an image reference (or the platform is not `os/arch[/variant]`).
 * - `denied`: 401/403 from the registry or its token service, or no usable credentials.
 * - `not-found`: the repository or tag does not exist (404).
 * - `platform-not-found`: the tag is a multi-platform index without the requested platform.
 * - `rate-limited`: 429 after every retry, or a `Retry-After` longer than the caller allows.
 * - `server-error`: 5xx after every retry.
 * - `timeout`: no complete answer within the per-request timeout, after every retry.
 * - `deadline`: the run's deadline (its `AbortSignal`) passed.
 * - `aborted`: the run's `AbortSignal` was aborted for another reason.
 * - `network`: the connection failed (refused, reset, DNS) after every retry.
 * - `invalid-response`: an unexpected status (400, 405, …), or not a valid manifest, index, digest,
 *   token or redirect.
 * - `too-large`: a response body was larger than the limit for its kind.
 */
export const REGISTRY_ERROR_CODES = [
  'invalid-reference',
  'denied',
  'not-found',
  'platform-not-found',
  'rate-limited',
  'server-error',
  'timeout',
  'deadline',
  'aborted',
  'network',
  'invalid-response',
  'too-large',
] as const;

/** One of {@link REGISTRY_ERROR_CODES}. */
export type RegistryErrorCode = (typeof REGISTRY_ERROR_CODES)[number];

/** Where a {@link RegistryError} happened. */
export interface RegistryErrorContext {
  /** The normalized reference being resolved (never contains a credential). */
  readonly reference?: string | undefined;
  /** The host the failing request went to (`host[:port]`). */
  readonly host?: string | undefined;
  /** The HTTP status, when the failure is a response. */
  readonly status?: number | undefined;
}

/**
 * The one error type the registry client throws. Its message is complete and safe to print as is
 * (`<reference>: <what> (<host>, HTTP <status>)`): it never contains a credential, a token, a
 * query string or a response body, so a CLI prints `error.message` and no stack trace.
 */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly code: RegistryErrorCode;
  /** What went wrong, without the reference, host and status (those are in the message too). */
  readonly detail: string;
  readonly reference: string | undefined;
  readonly host: string | undefined;
  readonly status: number | undefined;

  constructor(code: RegistryErrorCode, detail: string, context: RegistryErrorContext = {}) {
    super(formatMessage(detail, context));
    this.code = code;
    this.detail = detail;
    this.reference = context.reference;
    this.host = context.host;
    this.status = context.status;
  }

  /**
   * The same error attributed to `reference`: a token is shared by the tags of a repository, so
   * its failure is reported for each reference that needed it.
   */
  withReference(reference: string): RegistryError {
    if (this.reference === reference) return this;
    return new RegistryError(this.code, this.detail, { reference, host: this.host, status: this.status });
  }
}

function formatMessage(detail: string, { reference, host, status }: RegistryErrorContext): string {
  const prefix = reference === undefined ? '' : `${reference}: `;
  return `${prefix}${detail}${statusSuffix(host, status)}`;
}

function statusSuffix(host: string | undefined, status: number | undefined): string {
  const parts: string[] = [];
  if (host !== undefined) parts.push(host);
  if (status !== undefined) parts.push(`HTTP ${status}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/** True for a {@link RegistryError}, optionally with the given code. */
export function isRegistryError(error: unknown, code?: RegistryErrorCode): error is RegistryError {
  return error instanceof RegistryError && (code === undefined || error.code === code);
}
