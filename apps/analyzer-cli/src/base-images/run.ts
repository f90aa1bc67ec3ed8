// `image-factory base-images`: analyse Dockerfiles and print the images they depend on.

import { type AnalyzeOptions, analyzeDockerfile } from '@image-factory/dockerfile-analyzer';
import { ChunkedWriter, type CliIO } from '../io.js';
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
import { readFile } from './read-files.js';

const ERRORS = new Set(['error']);
const ALL = new Set(['error', 'warning']);
/** Files per JSON.stringify call when printing several files as JSON. */
const JSON_BATCH = 50;

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
  const stdout = new ChunkedWriter(io.stdout);
  const stderr = new ChunkedWriter(io.stderr);
  try {
    return await analyseAll(files, json, several, options, io, stdout, stderr);
  } finally {
    stdout.dispose();
    stderr.dispose();
  }
}

async function analyseAll(
  files: readonly string[],
  json: boolean,
  several: boolean,
  options: AnalyzeOptions,
  io: CliIO,
  stdout: ChunkedWriter,
  stderr: ChunkedWriter,
): Promise<number> {
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
  for (const file of files) {
    // The reader of the report went away (e.g. `| head`): stop, like a command killed by SIGPIPE.
    if (stdout.gone) return 1;
    const content = readFile(file, io.cwd);
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
  return failed || stdout.gone ? 1 : 0;
}
