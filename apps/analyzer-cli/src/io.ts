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
  /** Node streams: long outputs wait for `drain` and stop when the reader goes away (`close`/`error`). */
  on?(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
  removeListener?(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
}

/**
 * Writes long output to a stream in large chunks, honouring backpressure: when the stream reports a
 * full buffer (a pipe whose reader is behind), the next flush first waits for `drain`. Without that,
 * every later write would queue in memory until the run ends (Node writes pipes asynchronously).
 * When the stream closes or fails (EPIPE: the reader went away), nothing more is written or awaited
 * and {@link gone} turns true. Call {@link dispose} at the end: it removes the listeners.
 */
export class ChunkedWriter {
  private pending = '';
  private full = false;
  private closed = false;
  private wake: (() => void) | undefined;
  // Listened to for the whole run, so that a `drain` while this writer was not waiting (e.g. while
  // another stream was) is not missed.
  private readonly onDrain = (): void => {
    this.full = false;
    this.wake?.();
  };
  private readonly onGone = (): void => {
    this.closed = true;
    this.wake?.();
  };

  constructor(
    private readonly stream: OutputStream,
    private readonly chunkSize = 64 * 1024,
  ) {
    stream.on?.('drain', this.onDrain);
    stream.on?.('close', this.onGone);
    stream.on?.('error', this.onGone);
  }

  /** True once the stream closed or failed: output is dropped from then on. */
  get gone(): boolean {
    return this.closed;
  }

  /** Adds text; returns a promise only when a chunk was flushed and the caller should await it. */
  write(text: string): Promise<void> | undefined {
    this.pending += text;
    return this.pending.length >= this.chunkSize ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.pending === '') return;
    while (this.full && !this.closed) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
    const chunk = this.pending;
    this.pending = '';
    if (this.closed) return;
    // Only a stream that emits `drain` can be waited for.
    this.full = this.stream.write(chunk) === false && this.stream.on !== undefined;
  }

  dispose(): void {
    this.stream.removeListener?.('drain', this.onDrain);
    this.stream.removeListener?.('close', this.onGone);
    this.stream.removeListener?.('error', this.onGone);
  }
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
