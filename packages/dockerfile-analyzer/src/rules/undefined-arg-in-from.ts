import { suggest } from '../suggest.js';
import type { Rule, RuleFinding } from './rule.js';

/**
 * BuildKit's UndefinedArgInFrom: a FROM image or `--platform` uses a variable that is neither a
 * meta ARG (declared before the first FROM) nor an automatic platform arg; suggests a near name.
 */
export const undefinedArgInFrom: Rule = {
  code: 'UndefinedArgInFrom',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const stage of context.stages) {
      if (!stage.baseLex?.unmatched.size && !stage.platformLex?.unmatched.size) continue;
      const names = new Set([...(stage.baseLex?.unmatched ?? []), ...(stage.platformLex?.unmatched ?? [])]);
      for (const name of [...names].sort()) {
        if (context.knownArgNames.has(name)) continue;
        const match = suggest(name, context.knownArgNames, true);
        findings.push({
          line: stage.node.startLine,
          message: `FROM argument '${name}' is not declared${match === undefined ? '' : ` (did you mean ${match}?)`}`,
          hint:
            match === undefined
              ? `declare ARG ${name}=<default> before the first FROM (ARGs inside a stage do not reach FROM)`
              : undefined,
        });
      }
    }
    return findings;
  },
};
