/**
 * After a YAML syntax error the parser recovers as best it can, and every later line of the file
 * tends to give another "Unexpected ... token" message: one tab in images.yaml gave more than a
 * hundred. Only the first of them is a problem of the file; the rest is the parser's recovery, and
 * the file is read again once the first is fixed. Duplicate keys are the exception: they do not
 * derail the parser, so those before the first real syntax error are all kept.
 */
import type { StateProblem } from './model.js';

const DUPLICATE_KEY = 'YAML syntax error: Map keys must be unique';

/** Removes, in place, the syntax errors that follow the first one of each file; returns how many. */
export function dropFollowOnSyntaxErrors(problems: StateProblem[]): number {
  const firstByFile = new Map<string, StateProblem>();
  for (const p of problems) {
    if (p.code !== 'yaml-syntax' || p.message.startsWith(DUPLICATE_KEY)) continue;
    const first = firstByFile.get(p.file);
    if (first === undefined || p.line < first.line || (p.line === first.line && p.col < first.col))
      firstByFile.set(p.file, p);
  }
  let dropped = 0;
  const kept: StateProblem[] = [];
  const droppedByFile = new Map<string, number>();
  for (const p of problems) {
    const first = p.code === 'yaml-syntax' ? firstByFile.get(p.file) : undefined;
    if (first !== undefined && p !== first && !isBefore(p, first)) {
      dropped++;
      droppedByFile.set(p.file, (droppedByFile.get(p.file) ?? 0) + 1);
      continue;
    }
    kept.push(p);
  }
  problems.splice(
    0,
    problems.length,
    ...kept.map((p) => {
      const count = droppedByFile.get(p.file) ?? 0;
      if (p !== firstByFile.get(p.file)) return p;
      const tab = /\btabs?\b/i.test(p.message)
        ? 'indent with spaces: YAML does not allow tabs for indentation'
        : undefined;
      const rest =
        count > 0
          ? `the parser stopped understanding the file here (${count} follow-on ${count === 1 ? 'message' : 'messages'} not shown): fix this first`
          : undefined;
      const hint = [tab, p.hint, rest].filter((h) => h !== undefined).join('; ');
      return hint === '' ? p : { ...p, hint };
    }),
  );
  return dropped;
}

function isBefore(p: StateProblem, first: StateProblem): boolean {
  return p.line < first.line || (p.line === first.line && p.col < first.col);
}
