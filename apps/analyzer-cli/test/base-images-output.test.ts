// How `image-factory base-images` writes its output: backpressure (waiting for `drain`), a reader
// that goes away, and the JSON array rendered a batch of files at a time.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { READ_BATCH, writeBaseImagesReport as runBaseImages } from '../src/base-images/run.js';
import type { BaseImagesOptions } from '../src/commands/base-images.js';
import { BufferStream, ChunkedWriter, type CliIO, type OutputStream } from '../src/io.js';
import { filesOf } from './helpers/base-images.js';

/** A stdout whose buffer is always full: every write returns false, like a pipe whose reader is behind. */
class FullStream extends EventEmitter implements OutputStream {
  readonly chunks: string[] = [];
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return false;
  }
  text(): string {
    return this.chunks.join('');
  }
  /** Listeners for the events the writer waits on or watches. */
  waiting(): number[] {
    return ['drain', 'close', 'error'].map((event) => this.listenerCount(event));
  }
}

/** Lets `count` macrotask turns pass (every synchronous step and microtask in between runs). */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes `count` valid Dockerfiles (three images each) to a fresh temp dir, in order. */
function dockerfiles(count: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'if-base-images-output-'));
  dirs.push(dir);
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = join(dir, `Dockerfile.${String(i).padStart(4, '0')}`);
    writeFileSync(
      file,
      [
        `ARG V=1.${i}`,
        `FROM registry.example.com/team/builder-${i % 5}:$V AS build`,
        'RUN --mount=type=cache,from=busybox:1.36,target=/cache make',
        'FROM gcr.io/distroless/static-debian12:nonroot',
        'COPY --from=build /out /app',
        '',
      ].join('\n'),
    );
    files.push(file);
  }
  return files;
}

function io(stdout: OutputStream, stderr: OutputStream = new BufferStream()): CliIO {
  return { stdout, stderr, env: {}, cwd: tmpdir() };
}

/** The output of a run into plain in-memory streams (no backpressure). */
async function buffered(
  files: readonly string[],
  flags: Omit<BaseImagesOptions, 'files'>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new BufferStream();
  const stderr = new BufferStream();
  const code = await runBaseImages({ ...flags, files }, io(stdout, stderr));
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Tracks whether a promise has settled, without awaiting it. */
function track<T>(promise: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let settled = false;
  const tracked = promise.finally(() => {
    settled = true;
  });
  return { settled: () => settled, promise: tracked };
}

describe('base-images output', () => {
  it('waits for drain before each further write when stdout reports a full buffer', async () => {
    const files = dockerfiles(300);
    const stdout = new FullStream();
    const stderr = new BufferStream();
    const run = track(runBaseImages({ files, json: true }, io(stdout, stderr)));

    let drains = 0;
    for (;;) {
      await turns(5);
      // Exactly one write per drain: nothing is written into a full stream before it drains.
      expect(stdout.chunks).toHaveLength(drains + 1);
      if (run.settled()) break;
      // Blocked on the stream, listening once for each event that lets it go on.
      expect(stdout.waiting()).toEqual([1, 1, 1]);
      expect(drains).toBeLessThan(1000);
      drains++;
      stdout.emit('drain');
    }
    expect(await run.promise).toBe(0);

    // Several 64 KiB flushes, each (but the last) at least that large.
    expect(drains).toBeGreaterThanOrEqual(3);
    for (const chunk of stdout.chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(64 * 1024);
    // No listeners left behind on the stream.
    expect(stdout.waiting()).toEqual([0, 0, 0]);
    expect(stderr.text()).toBe('');

    const output = filesOf(stdout.text()) as { file: string; images: { reference: string }[] }[];
    expect(output.map((entry) => entry.file)).toEqual(files);
    expect(output[217]?.images.map((image) => image.reference)).toEqual([
      'registry.example.com/team/builder-2:1.217',
      'docker.io/library/busybox:1.36',
      'gcr.io/distroless/static-debian12:nonroot',
    ]);
    // Waiting changes when it is written, never what.
    const plain = await buffered(files, { json: true });
    expect(plain.code).toBe(0);
    expect(stdout.text()).toBe(plain.stdout);
  });

  const epipe = (): Error => Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write' });
  it.each<[event: 'close' | 'error', argument: () => Error | undefined]>([
    ['close', () => undefined],
    ['error', epipe],
  ])('stops, without hanging, when the reader goes away (%s)', async (event, argument) => {
    const files = dockerfiles(300);
    const stdout = new FullStream();
    const run = track(runBaseImages({ files, json: true }, io(stdout)));

    await turns(5);
    expect(run.settled()).toBe(false);
    expect(stdout.chunks).toHaveLength(1);
    // Listened for during the whole run (an EventEmitter throws on an 'error' nobody listens to).
    expect(stdout.listenerCount(event)).toBe(1);
    // Like a real stream: the event comes once, and nothing ever drains again.
    stdout.emit(event, argument());

    await turns(20);
    expect(run.settled(), 'still waiting for the stream after it went away').toBe(true);
    // Like a command stopped by SIGPIPE: the report is incomplete, so the exit code is 1.
    expect(await run.promise).toBe(1);
    // Nothing more is handed to a stream that is gone, and no listeners are left behind.
    expect(stdout.chunks).toHaveLength(1);
    expect(stdout.waiting()).toEqual([0, 0, 0]);
  });

  it('renders more than two JSON batches of 50 files as one array, in order', async () => {
    const files = dockerfiles(120);
    const result = await buffered(files, { json: true });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const output = filesOf(result.stdout) as {
      file: string;
      images: { reference: string; line: number }[];
      problems: unknown[];
    }[];
    expect(output).toHaveLength(120);
    expect(output.map((entry) => entry.file)).toEqual(files);
    for (const entry of output) expect(Object.keys(entry)).toEqual(['file', 'images', 'problems']);
    // Entries on both sides of the batch boundaries belong to their own files.
    for (const index of [0, 49, 50, 99, 100, 119]) {
      expect(output[index]?.images[0]?.reference).toBe(
        `registry.example.com/team/builder-${index % 5}:1.${index}`,
      );
      expect(output[index]?.problems).toEqual([]);
    }
    // The batches join into the same text as printing the whole document at once.
    expect(result.stdout).toBe(`${JSON.stringify({ version: 1, files: output }, null, 2)}\n`);
  });

  it('reads files a batch at a time and reports each file, readable or not, in its place', async () => {
    // Two full read batches and a part: missing files on both sides of each batch boundary.
    const count = 2 * READ_BATCH + 10;
    const missing = new Set([0, READ_BATCH - 1, READ_BATCH, 2 * READ_BATCH, count - 1]);
    const files = dockerfiles(count).map((file, index) => (missing.has(index) ? `${file}.missing` : file));
    const result = await buffered(files, { json: true });
    expect(result.code).toBe(1);
    const output = filesOf(result.stdout) as {
      file: string;
      images: { reference: string }[];
      problems: { code: string }[];
    }[];
    expect(output.map((entry) => entry.file)).toEqual(files);
    output.forEach((entry, index) => {
      if (missing.has(index)) {
        expect(entry.problems.map((problem) => problem.code)).toEqual(['FileUnreadable']);
        expect(entry.images).toEqual([]);
      } else {
        expect(entry.images[0]?.reference).toBe(`registry.example.com/team/builder-${index % 5}:1.${index}`);
      }
    });
    expect(result.stderr.split('\n').filter((line) => line.includes('FileUnreadable'))).toHaveLength(
      missing.size,
    );
  });

  it('prints one file with --json as the same document (an array of one)', async () => {
    const [file] = dockerfiles(1);
    const result = await buffered([file as string], { json: true });
    expect(result.code).toBe(0);
    const output = filesOf(result.stdout) as { images: { reference: string }[] }[];
    expect(output.map((entry) => Object.keys(entry))).toEqual([['file', 'images', 'problems']]);
    expect(output[0]?.images.map((image) => image.reference)).toEqual([
      'registry.example.com/team/builder-0:1.0',
      'docker.io/library/busybox:1.36',
      'gcr.io/distroless/static-debian12:nonroot',
    ]);
    expect(result.stdout).toBe(`${JSON.stringify({ version: 1, files: output }, null, 2)}\n`);
  });

  it('prints an empty document for no file read', async () => {
    const stdout = new BufferStream();
    await runBaseImages({ files: [], json: true }, io(stdout));
    expect(JSON.parse(stdout.text())).toEqual({ version: 1, files: [] });
  });

  it('does not miss a drain that comes while the writer is not waiting', async () => {
    const stream = new FullStream();
    const writer = new ChunkedWriter(stream, 4);
    await writer.write('abcd'); // flushed into a full stream
    stream.emit('drain'); // e.g. while the command waited for the other stream
    const next = track(writer.write('efgh') ?? Promise.resolve());
    await turns(5);
    expect(next.settled(), 'waiting for a drain that already happened').toBe(true);
    expect(stream.chunks).toEqual(['abcd', 'efgh']);
    writer.dispose();
    expect(stream.waiting()).toEqual([0, 0, 0]);
  });
});
