// `image-factory base-images`: analyse Dockerfiles and print the images they depend on.

import { analyzeDockerfile } from '@image-factory/dockerfile-analyzer';
import { type CliIO, whenWritable } from '../io.js';
import {
  analysisReport,
  diagnosticLines,
  type FileReport,
  fileEntry,
  jsonReport,
  tableReport,
  unreadableReport,
} from './format.js';
import { analyzeOptions, type BaseImagesFlags } from './options.js';
import { readFiles } from './read-files.js';

const ERRORS = new Set(['error']);
const ALL = new Set(['error', 'warning']);
/** Output is written in chunks of about this size: thousands of tiny writes are slow. */
const FLUSH_AT = 64 * 1024;
/** Files per JSON.stringify call when printing several files as JSON. */
const JSON_BATCH = 50;

/**
 * Collects output for a stream and writes it in large chunks, honouring backpressure: when the
 * stream reports a full buffer (a pipe whose reader is behind), the next flush first waits for
 * `drain`. Without that, every later write would queue in memory until the whole run ends (Node
 * writes pipes asynchronously), the output would be held twice and the garbage collector would
 * copy it again and again.
 */
class Batched {
  private pending = '';
  private full = false;
  constructor(private readonly stream: CliIO['stdout']) {}
  /** Adds text; resolves at once unless a chunk was flushed into a full stream. */
  write(text: string): Promise<void> | undefined {
    this.pending += text;
    return this.pending.length >= FLUSH_AT ? this.flush() : undefined;
  }
  async flush(): Promise<void> {
    if (this.pending === '') return;
    if (this.full) await whenWritable(this.stream);
    this.full = this.stream.write(this.pending) === false;
    this.pending = '';
  }
}

/**
 * Analyses `files` and writes the report: exit code 0 when every file was read and has no error
 * (warnings do not fail), 1 otherwise. Throws a UsageError for malformed flags (exit code 2).
 */
export async function runBaseImages(
  files: readonly string[],
  flags: BaseImagesFlags,
  io: CliIO,
): Promise<number> {
  const options = analyzeOptions(flags, io.env);
  const json = flags.json === true;
  const several = files.length > 1;
  const stdout = new Batched(io.stdout);
  const stderr = new Batched(io.stderr);
  // Several files as JSON: the array's elements are rendered a batch at a time by one
  // JSON.stringify of the batch (its elements come out indented as array elements), instead of a
  // stringify and a re-indent per file.
  const batch: FileReport[] = [];
  let rendered = 0;
  const renderBatch = (): string => {
    if (batch.length === 0) return '';
    const array = JSON.stringify(batch.map(fileEntry), null, 2);
    const text = `${rendered > 0 ? ',\n' : ''}${array.slice(2, -2)}`;
    rendered += batch.length;
    batch.length = 0;
    return text;
  };
  let failed = false;
  let index = 0;
  if (json && several) stdout.write('[\n');
  for (const content of readFiles(files, io.cwd)) {
    const report: FileReport = content.ok
      ? analysisReport(content.file, analyzeDockerfile(content.text, options))
      : unreadableReport(content.file, content.error);
    if (report.problems.some((problem) => problem.severity === 'error')) failed = true;
    let out: string;
    if (!json) out = `${index > 0 ? '\n' : ''}${tableReport(report)}`;
    else if (!several) out = `${jsonReport(report)}\n`;
    else {
      batch.push(report);
      out = batch.length >= JSON_BATCH ? renderBatch() : '';
    }
    const diagnostics = diagnosticLines(report, json ? ERRORS : ALL);
    const waitOut = out === '' ? undefined : stdout.write(out);
    if (waitOut) await waitOut;
    const waitErr = diagnostics === '' ? undefined : stderr.write(diagnostics);
    if (waitErr) await waitErr;
    index++;
  }
  if (json && several) await stdout.write(`${renderBatch()}\n]\n`);
  await stdout.flush();
  await stderr.flush();
  return failed ? 1 : 0;
}
