// The JSON output of `image-factory base-images` (the text formatters are in commands/base-images.ts).

import type { DockerfileAnalysis, DockerfileProblem } from '@image-factory/dockerfile-analyzer';
import { BASE_IMAGES_JSON_VERSION, type FileReport } from '../commands/base-images.js';

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
 * The JSON document, `{"version": 1, "files": [{"file","images","problems"}, ...]}` (an array
 * whatever the number of files), rendered a batch of files at a time: one JSON.stringify of the
 * batch, its lines indented into the document, instead of one stringify per file.
 */
export class JsonFilesReport {
  private readonly batch: FileReport[] = [];
  private rendered = 0;
  constructor(private readonly batchSize = 50) {}

  /** The opening of the document. */
  start(): string {
    return `{\n  "version": ${BASE_IMAGES_JSON_VERSION},\n  "files": [`;
  }

  /** Adds a file; returns the text of a completed batch, or '' while the batch fills. */
  add(report: FileReport): string {
    this.batch.push(report);
    return this.batch.length >= this.batchSize ? this.render() : '';
  }

  /** The rest of the array and the end of the document. */
  end(): string {
    const rest = this.render();
    return this.rendered === 0 ? ']\n}\n' : `${rest}\n  ]\n}\n`;
  }

  private render(): string {
    if (this.batch.length === 0) return '';
    const entries = this.batch.map(({ file, images, problems }) => ({ file, images, problems }));
    // JSON text has no raw line breaks inside strings: indenting every line nests the entries.
    const lines = JSON.stringify(entries, null, 2).slice(2, -2).replace(/\n/g, '\n  ');
    const text = `${this.rendered > 0 ? ',' : ''}\n  ${lines}`;
    this.rendered += this.batch.length;
    this.batch.length = 0;
    return text;
  }
}
