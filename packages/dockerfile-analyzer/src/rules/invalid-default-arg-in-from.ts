import { tryParseImageReference } from '@image-factory/state-schema/reference';
import { evaluateMetaArgs } from '../evaluate/args.js';
import { type MetaArg, mapEnv, shorten } from '../evaluate/model.js';
import { type Env, type LexResult, lexWord } from '../shell/lex.js';
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
      let lex: LexResult;
      if (view === undefined) {
        // The evaluation's expansion failed: BuildKit abandons the check (the error is reported).
        if (stage.baseLex === undefined) return findings;
        lex = stage.baseLex;
        if (stage.base.kind === 'image') continue;
      } else {
        try {
          lex = lexWord(stage.baseWord, view, { escape: escapeToken, budget: context.budget });
        } catch {
          return findings; // BuildKit abandons the check; the expansion error is reported elsewhere.
        }
      }
      const { value } = lex;
      if (value !== '' && tryParseImageReference(value).ok) continue;
      findings.push({
        line: stage.node.startLine,
        message: `Default value for ARG ${shorten(stage.baseWord)} results in empty or invalid base image name${value === '' ? '' : ` "${shorten(value)}"`}`,
        hint: defaultsHint(lex, context.metaArgs),
      });
    }
    return findings;
  },
};

/**
 * What makes the image valid with no build args, per variable the FROM uses. BuildKit applies a
 * build arg only to an ARG declared before the first FROM (dockerfile2llb `buildMetaArgs` looks up
 * the build args of the declared ARG instructions, nothing else), and this check runs with no build
 * args at all (`validateBaseImagesWithDefaultArgs`): passing `--build-arg` never silences it.
 */
function defaultsHint(lex: LexResult, metaArgs: readonly MetaArg[]): string {
  const declared = new Map(metaArgs.map((arg) => [arg.key, arg]));
  const undeclared = [...lex.unmatched].filter((name) => !declared.has(name)).sort();
  const withoutDefault = [...lex.unmatched].filter((name) => declared.has(name)).sort();
  const withDefault = [...lex.matched].filter((name) => declared.get(name)?.value !== undefined).sort();
  const parts: string[] = [];
  if (undeclared.length > 0) {
    parts.push(
      `declare ${undeclared.map((name) => `ARG ${shorten(name)}=<default>`).join(', ')} before the first FROM`,
    );
  }
  for (const name of withoutDefault.map(shorten)) {
    parts.push(`give ARG ${name} a default (ARG ${name}=<value>, or \${${name}:-<value>} in FROM)`);
  }
  if (withDefault.length > 0) {
    parts.push(`change the default of ${withDefault.map((name) => `ARG ${shorten(name)}`).join(', ')}`);
  }
  if (parts.length === 0) parts.push('change the ARG defaults this FROM expands');
  return `${parts.join('; ')}: the image must be valid with no build args (BuildKit checks the defaults alone)`;
}
