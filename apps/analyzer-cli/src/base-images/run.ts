// `image-factory base-images`: analyse Dockerfiles and stream the report (commands/base-images.ts runs it).

import { type AnalyzeOptions, analyzeDockerfile } from '@image-factory/dockerfile-analyzer';
import {
  type BaseImagesOptions,
  type FileReport,
  formatBaseImages,
  formatBaseImagesProblems,
} from '../commands/base-images.js';
import { ChunkedWriter, type CliIO } from '../io.js';
import { analysisReport, JsonFilesReport, unreadableReport } from './format.js';
import { analyzeOptions } from './options.js';
import { type FileContent, readFile } from './read-files.js';

/**
 * Files are read this many at a time, then analysed: reading a batch in a row, then analysing it,
 * is ~10% faster on a cold run than alternating one read and one analysis (the file system calls
 * and the analyzer each keep their caches warm; measured by `pnpm bench`, discovery), and a batch
 * of Dockerfiles is small (a few hundred KiB).
 */
export const READ_BATCH = 256;

const ERRORS = new Set(['error']);
const ALL = new Set(['error', 'warning']);

/** One run of the command. */
interface Run {
  readonly files: readonly string[];
  readonly options: AnalyzeOptions;
  readonly json: boolean;
  readonly cwd: string;
  readonly stdout: ChunkedWriter;
  readonly stderr: ChunkedWriter;
}

/**
 * Analyses `files` and writes the report: exit code 0 when every file was read and has no error
 * (warnings do not fail), 1 otherwise or when the reader of the report went away. Throws a
 * UsageError for malformed flags (exit code 2).
 */
export async function writeBaseImagesReport(flags: BaseImagesOptions, io: CliIO): Promise<number> {
  const options = analyzeOptions(flags, io.env);
  const stdout = new ChunkedWriter(io.stdout);
  const stderr = new ChunkedWriter(io.stderr);
  try {
    const { files } = flags;
    return await analyseAll({ files, options, json: flags.json === true, cwd: io.cwd, stdout, stderr });
  } finally {
    stdout.dispose();
    stderr.dispose();
  }
}

async function analyseAll({ files, options, json, cwd, stdout, stderr }: Run): Promise<number> {
  const array = json ? new JsonFilesReport() : undefined;
  let failed = false;
  if (array) stdout.write(array.start());
  const batch: FileContent[] = [];
  for (let index = 0; index < files.length; index++) {
    // The reader of the report went away (e.g. `| head`): stop, like a command killed by SIGPIPE.
    if (stdout.gone) return 1;
    if (index % READ_BATCH === 0) readBatch(files, index, cwd, batch);
    const content = batch[index % READ_BATCH]!;
    const report: FileReport = content.ok
      ? analysisReport(content.file, analyzeDockerfile(content.text, options))
      : unreadableReport(content.file, content.error);
    if (report.problems.some((problem) => problem.severity === 'error')) failed = true;
    const out = array ? array.add(report) : `${index > 0 ? '\n' : ''}${formatBaseImages(report, cwd)}`;
    const diagnostics = formatBaseImagesProblems(report, json ? ERRORS : ALL, cwd);
    const waitOut = out === '' ? undefined : stdout.write(out);
    if (waitOut) await waitOut;
    const waitErr = diagnostics === '' ? undefined : stderr.write(diagnostics);
    if (waitErr) await waitErr;
  }
  if (array) await stdout.write(array.end());
  await stdout.flush();
  await stderr.flush();
  return failed || stdout.gone ? 1 : 0;
}

/** Reads `files[from]` and up to READ_BATCH - 1 more into `into` (emptied first). */
function readBatch(files: readonly string[], from: number, cwd: string, into: FileContent[]): void {
  into.length = 0;
  const end = Math.min(files.length, from + READ_BATCH);
  for (let index = from; index < end; index++) into.push(readFile(files[index] ?? '', cwd));
}
