import type { Rule, RuleFinding } from './rule.js';

/** BuildKit's NoEmptyContinuation: blank lines inside a continued instruction (future error). */
export const noEmptyContinuation: Rule = {
  code: 'NoEmptyContinuation',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const problem of context.parsed.problems) {
      if (problem.code !== 'NoEmptyContinuation') continue;
      findings.push({
        line: problem.line,
        message: 'Empty continuation line',
        hint: 'remove the blank line or end the instruction before it; empty continuation lines will become errors',
      });
    }
    return findings;
  },
};
