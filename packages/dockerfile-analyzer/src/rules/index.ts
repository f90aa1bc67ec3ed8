// The registry of build checks run after evaluation. Errors (unresolvable or invalid references,
// anything BuildKit rejects) come from the evaluator; these rules produce warnings.

import { duplicateStageName } from './duplicate-stage-name.js';
import { fromAsCasing } from './from-as-casing.js';
import { invalidDefaultArgInFrom } from './invalid-default-arg-in-from.js';
import { latestTag } from './latest-tag.js';
import { noEmptyContinuation } from './no-empty-continuation.js';
import { redundantTargetPlatform } from './redundant-target-platform.js';
import { reservedStageName } from './reserved-stage-name.js';
import type { Rule } from './rule.js';
import { stageNameCasing } from './stage-name-casing.js';
import { undefinedArgInFrom } from './undefined-arg-in-from.js';
import { untaggedImage } from './untagged-image.js';

export type { ImageOccurrence, Rule, RuleContext, RuleFinding } from './rule.js';

/** Every rule, in the order their problems are reported for the same line. */
export const RULES: readonly Rule[] = [
  undefinedArgInFrom,
  invalidDefaultArgInFrom,
  fromAsCasing,
  stageNameCasing,
  duplicateStageName,
  reservedStageName,
  redundantTargetPlatform,
  noEmptyContinuation,
  untaggedImage,
  latestTag,
];
