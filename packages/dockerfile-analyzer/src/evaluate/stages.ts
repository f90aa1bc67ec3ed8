// FROM instructions: stage names, `--platform` and the base (image, earlier stage or scratch),
// expanded and resolved the way BuildKit's dockerfile2llb does.

import { tryParseImageReference } from '@image-factory/state-schema/reference';
import type { Node } from '../parser/parse.js';
import { type Platform, parsePlatform } from '../platform.js';
import {
  type Env,
  type ExpansionBudget,
  ExpansionLimitError,
  type LexResult,
  lexWord,
  ShellSyntaxError,
} from '../shell/lex.js';
import { suggest } from '../suggest.js';
import { readFlags } from './flags.js';
import { type ProblemSink, type StageModel, shorten, type Target, usesAny } from './model.js';

const VALID_STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

/** The parts of a FROM known before expansion. */
export interface FromShape {
  readonly name?: string | undefined;
  readonly writtenName?: string | undefined;
  readonly asKeyword?: string | undefined;
  readonly baseWord?: string | undefined;
  readonly platformWord?: string | undefined;
}

/** Reads a FROM node's arguments and flags (BuildKit's `parseFrom`), reporting malformed ones. */
export function readFrom(node: Node, sink: ProblemSink): FromShape {
  const words = node.words;
  let shape: FromShape = {};
  if (words.length === 3 && words[1]?.toLowerCase() === 'as') {
    const written = words[2] ?? '';
    const name = written.toLowerCase();
    if (!VALID_STAGE_NAME.test(name)) {
      sink.add(
        'InvalidStageName',
        node.startLine,
        `invalid name for build stage: "${shorten(written)}", name can't start with a number or contain symbols`,
        'stage names match ^[a-z][a-z0-9-_.]*$',
      );
    }
    shape = { name, writtenName: written, asKeyword: words[1], baseWord: words[0] };
  } else if (words.length === 1) {
    shape = { baseWord: words[0] };
  } else {
    sink.add(
      'InvalidFrom',
      node.startLine,
      `FROM requires either one or three arguments, got ${words.length}: "${shorten(node.args)}"`,
      'write FROM [--platform=<platform>] <image> [AS <name>]; Dockerfiles have no inline comments',
    );
  }
  let platformWord: string | undefined;
  let platformSeen = false;
  const flags = readFlags(node.flags);
  for (const flag of flags) {
    if (flag.name !== 'platform') {
      sink.add(
        'InvalidFlag',
        node.startLine,
        `Unknown flag: ${shorten(flag.name)}`,
        'FROM accepts only --platform=<platform>',
      );
    } else if (platformSeen) {
      sink.add('InvalidFlag', node.startLine, 'Duplicate flag specified: platform');
    } else if (flag.value === undefined) {
      sink.add(
        'InvalidFlag',
        node.startLine,
        'Missing a value on flag: platform',
        'write --platform=<platform>',
      );
    } else {
      platformWord = flag.value;
    }
    if (flag.name === 'platform') platformSeen = true;
  }
  return {
    name: shape.name,
    writtenName: shape.writtenName,
    asKeyword: shape.asKeyword,
    baseWord: shape.baseWord,
    platformWord,
  };
}

/** Where a FROM word is expanded: its ARGs, the meta ARGs that failed, the budget. */
export interface ExpandContext {
  readonly env: Env;
  readonly escapeToken: string;
  /** Meta ARGs that failed to expand: a word using one is left unresolved without a new problem. */
  readonly failedArgs: ReadonlySet<string>;
  readonly budget: ExpansionBudget;
}

/** Expands a FROM word; reports syntax errors and returns undefined for them. */
export function expand(
  word: string,
  context: ExpandContext,
  line: number,
  what: string,
  sink: ProblemSink,
): LexResult | undefined {
  try {
    const lex = lexWord(word, context.env, { escape: context.escapeToken, budget: context.budget });
    return usesAny(lex, context.failedArgs) ? undefined : lex;
  } catch (error) {
    if (!(error instanceof ShellSyntaxError)) throw error;
    if (error instanceof ExpansionLimitError) sink.addLimit(context.budget, line, what, error);
    else
      sink.add(
        'ExpansionError',
        line,
        `${what}: failed to process "${shorten(word)}": ${shorten(error.message)}`,
      );
    return undefined;
  }
}

/** Resolves the expanded FROM image word against earlier stages, `scratch` and the reference grammar. */
export function resolveBase(
  shape: FromShape,
  lex: LexResult | undefined,
  earlier: ReadonlyMap<string, number>,
  line: number,
  sink: ProblemSink,
  declaredArgs: ReadonlySet<string>,
): Target {
  if (shape.baseWord === undefined || lex === undefined) return { kind: 'none', raw: shape.baseWord };
  const raw = lex.value;
  if (raw === '') {
    const unset = [...lex.unmatched].sort();
    sink.add(
      'EmptyBaseName',
      line,
      `base name (${shorten(shape.baseWord)}) should not be blank`,
      // BuildKit reads build args only for ARGs declared before the first FROM (dockerfile2llb
      // convert.go, buildMetaArgs: it walks those ARG instructions and looks each up in the build
      // args): `--build-arg BASE_IMAGE=...` cannot set an undeclared BASE_IMAGE.
      unset.length > 0
        ? `${unset.join(', ')} ${unset.length === 1 ? 'is' : 'are'} not set: ${unset
            .map((name) =>
              declaredArgs.has(name)
                ? `give ARG ${name} a default (ARG ${name}=<image>) or pass --build-arg ${name}=<image>`
                : `declare ARG ${name}=<default> before the first FROM (a --build-arg sets only an ARG declared there)`,
            )
            .join('; ')}`
        : 'the ARGs in the image name expand to nothing: give them defaults or pass --build-arg',
    );
    return { kind: 'none', raw };
  }
  const stage = earlier.get(raw);
  if (stage !== undefined) return { kind: 'stage', raw, index: stage };
  if (raw === 'scratch') return { kind: 'scratch', raw };
  const parsed = tryParseImageReference(raw);
  if (parsed.ok) return { kind: 'image', raw, ref: parsed.reference };
  const caseless = earlier.get(raw.toLowerCase());
  sink.add(
    'InvalidReference',
    line,
    `failed to parse stage name "${shorten(raw)}": ${shorten(parsed.error)}`,
    caseless !== undefined
      ? `FROM matches earlier stage names exactly: write "${shorten(raw.toLowerCase())}" to use stage ${caseless}`
      : referenceHint(shape.baseWord, raw),
  );
  return { kind: 'none', raw };
}

/** Expands and parses a FROM `--platform`; reports empty or invalid values with a suggestion. */
export function resolvePlatform(
  word: string,
  lex: LexResult | undefined,
  knownNames: Iterable<string>,
  defaults: Platform,
  line: number,
  sink: ProblemSink,
): Platform | undefined {
  if (lex === undefined) return undefined;
  const didYouMean = (): string | undefined => {
    for (const name of [...lex.unmatched].sort()) {
      const match = suggest(name, knownNames, true);
      if (match !== undefined) return `did you mean ${match} instead of ${name}?`;
    }
    return undefined;
  };
  if (lex.value === '') {
    sink.add('InvalidPlatform', line, `empty platform value from expression ${shorten(word)}`, didYouMean());
    return undefined;
  }
  const parsed = parsePlatform(lex.value, defaults);
  if (!parsed.ok) {
    sink.add(
      'InvalidPlatform',
      line,
      `failed to parse platform ${shorten(word)}: ${shorten(parsed.error)}`,
      didYouMean(),
    );
    return undefined;
  }
  return parsed.platform;
}

function referenceHint(word: string, raw: string): string | undefined {
  if (raw !== raw.toLowerCase()) return 'repository names must be lowercase (tags may be mixed case)';
  if (/\s/.test(raw)) return 'an image reference cannot contain blanks';
  if (word.includes('$')) return 'check the ARG values this reference expands from';
  return undefined;
}

export type { StageModel };
