import type { Rule } from './rule.js';

/** BuildKit's RedundantTargetPlatform: `--platform=$TARGETPLATFORM` is what FROM does anyway. */
export const redundantTargetPlatform: Rule = {
  code: 'RedundantTargetPlatform',
  check(context, findings): void {
    const target = context.globalArgs.get('TARGETPLATFORM');
    for (let i = 0; i < context.stages.length; i++) {
      const stage = context.stages[i]!;
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
  },
};
