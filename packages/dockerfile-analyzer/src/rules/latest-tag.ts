import type { Rule } from './rule.js';

/** An image pinned to the mutable `latest` tag without a digest. */
export const latestTag: Rule = {
  code: 'LatestTag',
  check(context, findings): void {
    for (let i = 0; i < context.images.length; i++) {
      const image = context.images[i]!;
      if (image.written.tag !== 'latest' || image.written.digest !== undefined) continue;
      findings.push({
        line: image.line,
        message: `Image '${image.raw}' uses the mutable tag 'latest'`,
        hint: 'pin a version tag (and ideally a digest)',
      });
    }
  },
};
