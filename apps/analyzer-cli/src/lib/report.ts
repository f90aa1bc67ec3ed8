import type { GenerateStateReport } from './generate-state.js';

/** The human-readable report of generate-state: one line per image, then the files, then a summary. */
export function formatGenerateReport(report: GenerateStateReport): string {
  const lines: string[] = [];
  const width = Math.max(0, ...report.images.map((image) => image.name.length));
  for (const image of report.images) {
    const name = image.name.padEnd(width);
    if (image.status === 'success') {
      const bases = image.baseImages.length > 0 ? image.baseImages.join(', ') : '(none)';
      lines.push(`ok      ${name}  base images: ${bases}`);
    } else {
      lines.push(`FAILED  ${name}  ${(image.error ?? '').replace(/\n/g, '\n        ')}`);
    }
    for (const warning of image.warnings) lines.push(`        ${' '.repeat(width)}  warning: ${warning}`);
  }
  for (const file of report.written) lines.push(`wrote   ${file}`);
  for (const file of report.removed) lines.push(`removed ${file}`);
  for (const problem of report.problems) lines.push(`ERROR   ${problem}`);
  const failed = report.images.filter((image) => image.status === 'failed').length;
  lines.push(
    `${report.images.length} image${report.images.length === 1 ? '' : 's'}: ${report.images.length - failed} ok, ${failed} failed; ` +
      `${report.written.length} file${report.written.length === 1 ? '' : 's'} written, ${report.removed.length} removed`,
  );
  return `${lines.join('\n')}\n`;
}
