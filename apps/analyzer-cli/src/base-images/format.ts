// Output of `image-factory base-images`: JSON for machines, a table for people, diagnostics lines.

import type {
  DockerfileAnalysis,
  DockerfileImage,
  DockerfileProblem,
} from '@image-factory/dockerfile-analyzer';

/** What is printed for one file. */
export interface FileReport {
  readonly file: string;
  readonly images: readonly DockerfileImage[];
  readonly problems: readonly DockerfileProblem[];
}

/** The report of a file that could not be read. */
export function unreadableReport(file: string, error: string): FileReport {
  return {
    file,
    images: [],
    problems: [
      {
        line: 0,
        code: 'FileUnreadable' as DockerfileProblem['code'],
        severity: 'error',
        message: `cannot read ${file}: ${error}`,
      },
    ],
  };
}

/** The report of an analysed file. */
export function analysisReport(file: string, analysis: DockerfileAnalysis): FileReport {
  return { file, images: analysis.images, problems: analysis.problems };
}

/**
 * The JSON array printed for several files, `[{"file","images","problems"}, ...]`, rendered a batch
 * of files at a time: one JSON.stringify of the batch (its elements come out indented as array
 * elements) instead of a stringify and a re-indent per file.
 */
export class JsonArrayReport {
  private readonly batch: FileReport[] = [];
  private rendered = 0;
  constructor(private readonly batchSize = 50) {}

  /** The opening of the array. */
  start(): string {
    return '[\n';
  }

  /** Adds a file; returns the text of a completed batch, or '' while the batch fills. */
  add(report: FileReport): string {
    this.batch.push(report);
    return this.batch.length >= this.batchSize ? this.render() : '';
  }

  /** The rest of the array and its end. */
  end(): string {
    return `${this.render()}\n]\n`;
  }

  private render(): string {
    if (this.batch.length === 0) return '';
    const entries = this.batch.map((report) => ({
      file: report.file,
      images: report.images,
      problems: report.problems,
    }));
    const array = JSON.stringify(entries, null, 2);
    const text = `${this.rendered > 0 ? ',\n' : ''}${array.slice(2, -2)}`;
    this.rendered += this.batch.length;
    this.batch.length = 0;
    return text;
  }
}

/** The JSON printed for a single file: `{"images":[...],"problems":[...]}`. */
export function jsonReport(report: FileReport): string {
  return JSON.stringify({ images: report.images, problems: report.problems }, null, 2);
}

/** One diagnostic line per problem: `file:line: severity: message [Code]` (+ hint). */
export function diagnosticLines(report: FileReport, severities: ReadonlySet<string>): string {
  let out = '';
  for (const problem of report.problems) {
    if (!severities.has(problem.severity)) continue;
    const where = problem.line > 0 ? `${report.file}:${problem.line}` : report.file;
    out += `${where}: ${problem.severity}: ${problem.message} [${problem.code}]\n`;
    if (problem.hint) out += `  hint: ${problem.hint}\n`;
  }
  return out;
}

/** A readable table of the images of one file. */
export function tableReport(report: FileReport): string {
  const errors = report.problems.filter((p) => p.severity === 'error').length;
  const warnings = report.problems.length - errors;
  const counts = [
    plural(report.images.length, 'image'),
    ...(errors > 0 ? [plural(errors, 'error')] : []),
    ...(warnings > 0 ? [plural(warnings, 'warning')] : []),
  ];
  let out = `${report.file}: ${counts.join(', ')}\n`;
  if (report.images.length === 0) return out;
  const rows = [
    ['LINE', 'SOURCE', 'STAGE', 'PLATFORM', 'REFERENCE', ''],
    ...report.images.map((image) => [
      image.lines.join(','),
      image.onbuild ? `${image.source} (onbuild)` : image.source,
      image.stage,
      image.platform,
      image.reference,
      image.reachable ? '' : '(not built for the target)',
    ]),
  ];
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  for (const row of rows) {
    out += `  ${row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd()}\n`;
  }
  return out;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
