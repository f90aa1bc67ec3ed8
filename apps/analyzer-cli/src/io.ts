/** What a command may touch of its process: injected so that tests run commands in-process. */
export interface CliIO {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
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
