// `image-factory base-images`: analyse Dockerfiles and print the images they depend on.

import { analyzeDockerfile } from '@image-factory/dockerfile-analyzer';
import type { CliIO } from '../io.js';
import {
  analysisReport,
  diagnosticLines,
  type FileReport,
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

/** Collects output for a stream and writes it in large chunks. */
class Batched {
  private pending = '';
  constructor(private readonly stream: CliIO['stdout']) {}
  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= FLUSH_AT) this.flush();
  }
  flush(): void {
    if (this.pending === '') return;
    this.stream.write(this.pending);
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
  let failed = false;
  let index = 0;
  if (json && several) stdout.write('[\n');
  for (const content of readFiles(files, io.cwd)) {
    const report: FileReport = content.ok
      ? analysisReport(content.file, analyzeDockerfile(content.text, options))
      : unreadableReport(content.file, content.error);
    if (report.problems.some((problem) => problem.severity === 'error')) failed = true;
    if (json) {
      stdout.write(
        several
          ? `${index > 0 ? ',\n' : ''}${indent(jsonReport(report, true))}`
          : `${jsonReport(report, false)}\n`,
      );
      stderr.write(diagnosticLines(report, ERRORS));
    } else {
      stdout.write(`${index > 0 ? '\n' : ''}${tableReport(report)}`);
      stderr.write(diagnosticLines(report, ALL));
    }
    index++;
  }
  if (json && several) stdout.write('\n]\n');
  stdout.flush();
  stderr.flush();
  return failed ? 1 : 0;
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}
