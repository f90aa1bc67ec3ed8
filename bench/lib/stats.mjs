// Small statistics and formatting helpers for benchmark reports.

/** Median of a non-empty list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Minimum and maximum of a list. */
export function range(values) {
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** `123 ms` / `1.23 s`. */
export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return 'n/a';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

/** KiB to `123 MB` (MiB). */
export function fmtMiB(kib) {
  if (!Number.isFinite(kib)) return 'n/a';
  return `${(kib / 1024).toFixed(0)} MB`;
}

/** `1.23x`. */
export function fmtRatio(ratio) {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : 'n/a';
}

/** `12,345`. */
export function fmtInt(n) {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
}

/**
 * Renders rows as a fixed-width text table. `rows` are arrays of cells; `align` per column is
 * 'l' or 'r' (default 'l').
 */
export function table(header, rows, align = []) {
  const all = [header, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const line = (row) =>
    row
      .map((cell, i) => (align[i] === 'r' ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

/**
 * Runs `fn` `runs` times after `warmup` discarded runs and returns each run's result.
 * @template T
 * @param {number} runs
 * @param {() => Promise<T>} fn
 * @param {number} [warmup]
 * @returns {Promise<T[]>}
 */
export async function repeat(runs, fn, warmup = 1) {
  for (let i = 0; i < warmup; i++) await fn();
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await fn());
  return results;
}
