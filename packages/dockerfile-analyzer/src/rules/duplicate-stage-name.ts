import type { Rule, RuleFinding } from './rule.js';

/** BuildKit's DuplicateStageName: two stages with the same (lowercased) name; the later one wins lookups. */
export const duplicateStageName: Rule = {
  code: 'DuplicateStageName',
  check(context) {
    const findings: RuleFinding[] = [];
    const seen = new Map<string, number>();
    for (const stage of context.stages) {
      if (stage.name === undefined) continue;
      const first = seen.get(stage.name);
      if (first !== undefined) {
        findings.push({
          line: stage.node.startLine,
          message: `Duplicate stage name '${stage.name}', stage names should be unique`,
          hint: `stage ${first} has the same name; COPY --from=${stage.name} now refers to this later stage`,
        });
      } else seen.set(stage.name, stage.index);
    }
    return findings;
  },
};
