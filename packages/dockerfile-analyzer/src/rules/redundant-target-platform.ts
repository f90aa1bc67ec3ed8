import type { Rule, RuleFinding } from './rule.js';

/** BuildKit's RedundantTargetPlatform: `--platform=$TARGETPLATFORM` is what FROM does anyway. */
export const redundantTargetPlatform: Rule = {
  code: 'RedundantTargetPlatform',
  check(context) {
    const findings: RuleFinding[] = [];
    const target = context.globalArgs.get('TARGETPLATFORM');
    for (const stage of context.stages) {
      const lex = stage.platformLex;
      if (lex === undefined || stage.platformWord === undefined) continue;
      if (lex.matched.size !== 1 || lex.unmatched.size !== 0 || !lex.matched.has('TARGETPLATFORM')) continue;
      if (lex.value !== target) continue;
      findings.push({
        line: stage.node.startLine,
        message: `Setting platform to predefined ${stage.platformWord} in FROM is redundant as this is the default behavior`,
        hint: 'remove the --platform flag',
      });
    }
    return findings;
  },
};
