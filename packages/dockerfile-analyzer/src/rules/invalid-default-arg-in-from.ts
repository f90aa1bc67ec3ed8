import { tryParseImageReference } from '@image-factory/state-schema/reference';
import { evaluateMetaArgs } from '../evaluate/args.js';
import { mapEnv } from '../evaluate/model.js';
import { lexWord } from '../shell/lex.js';
import type { Rule, RuleFinding } from './rule.js';

const NO_BUILD_ARGS: ReadonlyMap<string, string> = new Map();

/**
 * BuildKit's InvalidDefaultArgInFrom: with the ARG defaults only (no `--build-arg` for meta ARGs),
 * a FROM image would be empty or invalid. Only FROMs that use variables are checked here (a literal
 * invalid image is already an InvalidReference error).
 */
export const invalidDefaultArgInFrom: Rule = {
  code: 'InvalidDefaultArgInFrom',
  *check(context): Iterable<RuleFinding> {
    const escapeToken = context.parsed.escape;
    const { env, failed } = evaluateMetaArgs(
      context.automaticArgs,
      context.metaArgs,
      NO_BUILD_ARGS,
      escapeToken,
      undefined,
    );
    if (failed) return;
    const view = mapEnv(env);
    for (const stage of context.stages) {
      if (stage.baseWord === undefined || !stage.baseWord.includes('$')) continue;
      let value: string;
      try {
        value = lexWord(stage.baseWord, view, { escape: escapeToken }).value;
      } catch {
        return; // BuildKit abandons the check; the expansion error is reported elsewhere.
      }
      if (value !== '' && tryParseImageReference(value).ok) continue;
      yield {
        line: stage.node.startLine,
        message: `Default value for ARG ${stage.baseWord} results in empty or invalid base image name${value === '' ? '' : ` "${value}"`}`,
        hint: 'give the ARGs used in FROM defaults that form a valid image, so the build works without --build-arg',
      };
    }
  },
};
