import type { Rule, RuleFinding } from './rule.js';

const RESERVED = new Set(['scratch', 'context']);

/** BuildKit's ReservedStageName: `scratch` and `context` are not stage names. */
export const reservedStageName: Rule = {
  code: 'ReservedStageName',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const stage of context.stages) {
      if (stage.name === undefined || !RESERVED.has(stage.name)) continue;
      findings.push({
        line: stage.node.startLine,
        message: `Stage name should not use the same name as reserved stage '${stage.name}'`,
      });
    }
    return findings;
  },
};
