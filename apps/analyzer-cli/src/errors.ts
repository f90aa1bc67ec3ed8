/** An error the CLI reports as one clear sentence (no stack trace) and turns into an exit code. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  constructor(
    message: string,
    /** 1: invalid input or failed work; 2: usage error. */
    readonly exitCode: 1 | 2 = 1,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A usage error: bad flags or arguments (exit code 2). */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string, hint?: string) {
    super(message, 2, hint);
  }
}
