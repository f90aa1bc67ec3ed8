import { tryParseImageReference } from '@image-factory/state-schema/reference';
import { evaluateMetaArgs } from '../evaluate/args.js';
import { mapEnv, shorten } from '../evaluate/model.js';
import { type Env, lexWord } from '../shell/lex.js';
import type { Rule, RuleFinding } from './rule.js';

const NO_BUILD_ARGS: ReadonlyMap<string, string> = new Map();

/**
 * BuildKit's InvalidDefaultArgInFrom: with the ARG defaults only (no `--build-arg` for meta ARGs),
 * a FROM image would be empty or invalid. Only FROMs that use variables are checked here (a literal
 * invalid image is already an InvalidReference error).
 */
export const invalidDefaultArgInFrom: Rule = {
  code: 'InvalidDefaultArgInFrom',
  check(context) {
    const findings: RuleFinding[] = [];
    if (!context.stages.some((stage) => stage.baseWord?.includes('$'))) return findings;
    const escapeToken = context.parsed.escape;
    // Without a --build-arg for a meta ARG, the defaults are what the evaluation already expanded
    // against: reuse its expansions instead of evaluating every ARG again.
    const reuse = !context.metaArgs.some((arg) => context.buildArgs.has(arg.key));
    let view: Env | undefined;
    if (reuse) {
      if (context.metaArgsFailed) return findings;
    } else {
      const { env, failed } = evaluateMetaArgs(
        context.automaticArgs,
        context.metaArgs,
        NO_BUILD_ARGS,
        escapeToken,
        undefined,
        context.budget,
      );
      if (failed) return findings;
      view = mapEnv(env);
    }
    for (const stage of context.stages) {
      if (stage.baseWord === undefined || !stage.baseWord.includes('$')) continue;
      let value: string;
      if (view === undefined) {
        // The evaluation's expansion failed: BuildKit abandons the check (the error is reported).
        if (stage.baseLex === undefined) return findings;
        value = stage.baseLex.value;
        if (stage.base.kind === 'image') continue;
      } else {
        try {
          value = lexWord(stage.baseWord, view, { escape: escapeToken, budget: context.budget }).value;
        } catch {
          return findings; // BuildKit abandons the check; the expansion error is reported elsewhere.
        }
      }
      if (value !== '' && tryParseImageReference(value).ok) continue;
      findings.push({
        line: stage.node.startLine,
        message: `Default value for ARG ${shorten(stage.baseWord)} results in empty or invalid base image name${value === '' ? '' : ` "${shorten(value)}"`}`,
        hint: 'give the ARGs used in FROM defaults that form a valid image, so the build works without --build-arg',
      });
    }
    return findings;
  },
};
