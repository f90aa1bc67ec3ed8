import type { Rule } from './rule.js';

/** BuildKit's StageNameCasing: stage names should be lowercase (BuildKit lowercases them). */
export const stageNameCasing: Rule = {
  code: 'StageNameCasing',
  check(context, findings): void {
    for (let i = 0; i < context.stages.length; i++) {
      const stage = context.stages[i]!;
      const written = stage.writtenName;
      if (written === undefined || written === written.toLowerCase()) continue;
      findings.push({ line: stage.node.startLine, message: `Stage name '${written}' should be lowercase` });
    }
  },
};
