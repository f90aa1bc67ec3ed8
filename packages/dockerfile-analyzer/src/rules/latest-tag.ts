import type { Rule, RuleFinding } from './rule.js';

/** An image pinned to the mutable `latest` tag without a digest. */
export const latestTag: Rule = {
  code: 'LatestTag',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const image of context.images) {
      if (image.written.tag !== 'latest' || image.written.digest !== undefined) continue;
      findings.push({
        line: image.line,
        message: `Image '${image.raw}' uses the mutable tag 'latest'`,
        hint: 'pin a version tag (and ideally a digest)',
      });
    }
    return findings;
  },
};
