import type { Rule, RuleFinding } from './rule.js';

/** BuildKit's StageNameCasing: stage names should be lowercase (BuildKit lowercases them). */
export const stageNameCasing: Rule = {
  code: 'StageNameCasing',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const stage of context.stages) {
      const written = stage.writtenName;
      if (written === undefined || written === written.toLowerCase()) continue;
      findings.push({ line: stage.node.startLine, message: `Stage name '${written}' should be lowercase` });
    }
    return findings;
  },
};
