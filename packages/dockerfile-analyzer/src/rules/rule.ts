import type { ImageReference } from '@image-factory/state-schema/reference';
import type { Evaluation } from '../evaluate/model.js';
import type { ProblemCode } from '../finding.js';

/** An image occurrence as the rules see it (before deduplication). */
export interface ImageOccurrence {
  /** The reference as written (after expansion), without a defaulted tag. */
  readonly written: ImageReference;
  readonly raw: string;
  readonly line: number;
  readonly onbuild: boolean;
}

/** What a rule reads. */
export interface RuleContext extends Evaluation {
  /** Deduplicated images: the first occurrence of each. */
  readonly images: readonly ImageOccurrence[];
}

/** A rule's finding; the rule's code and severity are added by the caller. */
export interface RuleFinding {
  readonly line: number;
  readonly message: string;
  readonly hint?: string | undefined;
}

/** A build check: one problem code, and a pure function of the evaluated Dockerfile. */
export interface Rule {
  readonly code: ProblemCode;
  check(context: RuleContext): RuleFinding[];
}
