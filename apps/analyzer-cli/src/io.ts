/** What a command may touch of its process: injected so that tests run commands in-process. */
export interface CliIO {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export interface OutputStream {
  /** Returns false (like a Node stream) when the caller should wait for `drain` before writing more. */
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  /** Node streams: lets long-running output wait for `drain` instead of queueing everything in memory. */
  once?(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
  removeListener?(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
}

/**
 * Resolves when `stream` can take more output: on `drain`, or on `close`/`error` (a reader that went
 * away must not leave the command waiting forever). Immediately for streams without events.
 */
export function whenWritable(stream: OutputStream): Promise<void> {
  const { once, removeListener } = stream;
  if (!once || !removeListener) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const events = ['drain', 'close', 'error'] as const;
    const done = (): void => {
      for (const event of events) removeListener.call(stream, event, done);
      resolve();
    };
    for (const event of events) once.call(stream, event, done);
  });
}

/** Collects output in memory (tests, and commands that render before printing). */
export class BufferStream implements OutputStream {
  private readonly chunks: string[] = [];
  constructor(readonly isTTY = false) {}
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  text(): string {
    return this.chunks.join('');
  }
}
