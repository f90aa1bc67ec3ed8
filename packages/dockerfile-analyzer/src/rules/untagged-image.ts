import { withDefaultTag } from '@image-factory/state-schema/reference';
import type { Rule, RuleFinding } from './rule.js';

/** An image with neither tag nor digest: BuildKit pulls `:latest`, which moves under you. */
export const untaggedImage: Rule = {
  code: 'UntaggedImage',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const image of context.images) {
      if (image.written.tag !== undefined || image.written.digest !== undefined) continue;
      findings.push({
        line: image.line,
        message: `Image '${image.raw}' has no tag or digest; BuildKit pulls ${withDefaultTag(image.written).normalized}`,
        hint: 'pin a version tag (and ideally a digest)',
      });
    }
    return findings;
  },
};
