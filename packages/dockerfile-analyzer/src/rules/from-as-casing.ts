import type { Rule, RuleFinding } from './rule.js';

/** BuildKit's FromAsCasing: `AS` must match the casing of `FROM` when FROM is all upper or all lower. */
export const fromAsCasing: Rule = {
  code: 'FromAsCasing',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const stage of context.stages) {
      const from = stage.node.keyword;
      const as = stage.asKeyword;
      if (as === undefined) continue;
      const lower = from === from.toLowerCase();
      const upper = from === from.toUpperCase();
      if (!lower && !upper) continue;
      if (lower ? as === as.toLowerCase() : as === as.toUpperCase()) continue;
      findings.push({
        line: stage.node.startLine,
        message: `'${as}' and '${from}' keywords' casing do not match`,
        hint: `write ${lower ? 'as' : 'AS'}`,
      });
    }
    return findings;
  },
};
