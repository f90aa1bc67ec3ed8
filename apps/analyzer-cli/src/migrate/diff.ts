/**
 * Unified diffs (`diff -u` / `git diff` format) of the files `migrate --dry-run` would change.
 * Lines are compared with Myers' O((N+M)·D) algorithm ("An O(ND) Difference Algorithm and Its
 * Variations", 1986): a migration changes few lines of each file, so D stays small.
 */

type Op = { readonly kind: ' ' | '-' | '+'; readonly line: string };

/** The edit script turning `a` into `b`, line by line. */
export function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  let v = new Array<number>(2 * max + 3).fill(0);
  const trace: number[][] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v);
    const next = [...v];
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
      let x = down ? (v[offset + k + 1] ?? 0) : (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
    v = next;
  }
  // Walk the trace backwards from (n, m).
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d] as number[];
    const k = x - y;
    const down = k === -d || (k !== d && (vd[offset + k - 1] ?? 0) < (vd[offset + k + 1] ?? 0));
    const prevK = down ? k + 1 : k - 1;
    const prevX = vd[offset + prevK] ?? 0;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ kind: ' ', line: a[x] as string });
    }
    if (d > 0) {
      if (down) ops.push({ kind: '+', line: b[--y] as string });
      else ops.push({ kind: '-', line: a[--x] as string });
    }
  }
  return ops.reverse();
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * A unified diff of `before` → `after` with `context` lines around each change, headed like `git
 * diff` (`diff --git`, `rename from/to`, `new file mode`, `deleted file mode`), so that the output
 * of `migrate --dry-run` can be read as a patch (`git apply` reproduces the migration). `from` is
 * undefined for a created file, `to` for a removed one.
 */
export function unifiedDiff(
  from: string | undefined,
  to: string | undefined,
  before: string,
  after: string,
  context = 3,
): string {
  const a = splitLines(before);
  const b = splitLines(after);
  const name = (from ?? to) as string;
  const out = [`diff --git a/${from ?? name} b/${to ?? name}`];
  if (from === undefined) out.push('new file mode 100644');
  else if (to === undefined) out.push('deleted file mode 100644');
  else if (from !== to) {
    if (before === after) out.push('similarity index 100%');
    out.push(`rename from ${from}`, `rename to ${to}`);
  }
  if (before === after) return `${out.join('\n')}\n`;
  out.push(
    `--- ${from === undefined ? '/dev/null' : `a/${from}`}`,
    `+++ ${to === undefined ? '/dev/null' : `b/${to}`}`,
  );
  const ops = diffLines(a, b);
  let i = 0;
  let lineA = 1;
  let lineB = 1;
  while (i < ops.length) {
    // Skip to the next change, keeping `context` lines before it.
    let change = i;
    while (change < ops.length && (ops[change] as Op).kind === ' ') change++;
    if (change >= ops.length) break;
    const start = Math.max(i, change - context);
    lineA += start - i;
    lineB += start - i;
    // Extend the hunk while changes are within 2 * context lines of each other.
    let end = change;
    let quiet = 0;
    for (let j = change; j < ops.length; j++) {
      if ((ops[j] as Op).kind === ' ') {
        quiet++;
        if (quiet > 2 * context) break;
      } else {
        quiet = 0;
        end = j;
      }
    }
    const stop = Math.min(ops.length, end + 1 + context);
    const hunk = ops.slice(start, stop);
    const countA = hunk.filter((op) => op.kind !== '+').length;
    const countB = hunk.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${range(lineA, countA)} +${range(lineB, countB)} @@`);
    for (const op of hunk) out.push(`${op.kind}${op.line}`);
    lineA += countA;
    lineB += countB;
    i = stop;
  }
  return `${out.join('\n')}\n`;
}

function range(start: number, count: number): string {
  const first = count === 0 ? start - 1 : start;
  return count === 1 ? `${first}` : `${first},${count}`;
}
