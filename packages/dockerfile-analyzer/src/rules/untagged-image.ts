import { withDefaultTag } from '@image-factory/state-schema/reference';
import type { Rule } from './rule.js';

/** An image with neither tag nor digest: BuildKit pulls `:latest`, which moves under you. */
export const untaggedImage: Rule = {
  code: 'UntaggedImage',
  check(context, findings): void {
    for (let i = 0; i < context.images.length; i++) {
      const image = context.images[i]!;
      if (image.written.tag !== undefined || image.written.digest !== undefined) continue;
      findings.push({
        line: image.line,
        message: `Image '${image.raw}' has no tag or digest; BuildKit pulls ${withDefaultTag(image.written).normalized}`,
        hint: 'pin a version tag (and ideally a digest)',
      });
    }
  },
};
