import type { Rule } from './rule.js';

/** BuildKit's NoEmptyContinuation: blank lines inside a continued instruction (future error). */
export const noEmptyContinuation: Rule = {
  code: 'NoEmptyContinuation',
  check(context, findings): void {
    for (let i = 0; i < context.parsed.problems.length; i++) {
      const problem = context.parsed.problems[i]!;
      if (problem.code !== 'NoEmptyContinuation') continue;
      findings.push({
        line: problem.line,
        message: 'Empty continuation line',
        hint: 'remove the blank line or end the instruction before it; empty continuation lines will become errors',
      });
    }
  },
};
