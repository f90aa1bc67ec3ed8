// The internal model the evaluator builds and the rules read.

import type { ImageReference } from '@image-factory/state-schema/reference';
import { type DockerfileProblem, PROBLEM_CODES, type ProblemCode } from '../finding.js';
import type { Node, ParsedDockerfile } from '../parser/parse.js';
import type { Platform } from '../platform.js';
import type { Env, ExpansionBudget, ExpansionLimitError, LexResult } from '../shell/lex.js';

/** What a FROM, `COPY --from` or `--mount from=` points at. */
export type Target =
  | { readonly kind: 'image'; readonly raw: string; readonly ref: ImageReference }
  | { readonly kind: 'stage'; readonly raw: string; readonly index: number }
  | { readonly kind: 'scratch'; readonly raw: string }
  | { readonly kind: 'none'; readonly raw?: string | undefined };

/** A `COPY --from` or `RUN --mount from=` reference. */
export interface SourceModel {
  readonly kind: 'copy' | 'mount';
  readonly line: number;
  readonly target: Target;
}

/** An ONBUILD instruction and the references of its trigger (resolved against this file). */
export interface TriggerModel {
  readonly line: number;
  readonly instruction: string;
  readonly sources: readonly SourceModel[];
}

/** A stage: one FROM and the instructions up to the next. */
export interface StageModel {
  readonly index: number;
  readonly node: Node;
  /** Lowercased stage name. */
  readonly name?: string | undefined;
  /** The stage name as written. */
  readonly writtenName?: string | undefined;
  /** The `AS` keyword as written. */
  readonly asKeyword?: string | undefined;
  /** The image word of FROM as written (before expansion). */
  readonly baseWord?: string | undefined;
  /** The expansion of {@link baseWord} with the effective ARGs. */
  readonly baseLex?: LexResult | undefined;
  readonly base: Target;
  /** The `--platform` value as written. */
  readonly platformWord?: string | undefined;
  readonly platformLex?: LexResult | undefined;
  /** The parsed `--platform`, when valid. */
  readonly platform?: Platform | undefined;
  readonly sources: SourceModel[];
  readonly triggers: TriggerModel[];
}

/** A meta ARG (declared before the first FROM). */
export interface MetaArg {
  readonly key: string;
  /** The default as written (quotes kept), undefined when none. */
  readonly value?: string | undefined;
  readonly line: number;
}

/** Everything the rules may look at. */
export interface Evaluation {
  readonly parsed: ParsedDockerfile;
  readonly stages: readonly StageModel[];
  readonly metaArgs: readonly MetaArg[];
  /** Automatic platform args (with build-arg overrides). */
  readonly automaticArgs: ReadonlyMap<string, string>;
  /** Automatic args + meta ARGs with their effective values: what FROM expands against. */
  readonly globalArgs: Env & { readonly keys: () => Iterable<string> };
  /** Every name a FROM may use without UndefinedArgInFrom: declared meta ARGs and {@link globalArgs}. */
  readonly knownArgNames: ReadonlySet<string>;
  /** True when a meta ARG's default failed to expand (reported as ExpansionError). */
  readonly metaArgsFailed: boolean;
  /**
   * Meta ARGs whose default failed to expand, or used one that did: the first failure is the one
   * reported (BuildKit stops there), words using these names are left unresolved silently.
   */
  readonly failedArgs: ReadonlySet<string>;
  /** Charged by every expansion of this Dockerfile (rules expanding words use it too). */
  readonly budget: ExpansionBudget;
  readonly buildArgs: ReadonlyMap<string, string>;
  readonly targetPlatform: Platform;
  /** Index of the target stage; -1 without stages. */
  readonly targetIndex: number;
  readonly reachable: ReadonlySet<number>;
}

/**
 * Messages and hints are cut to this many characters: values from the Dockerfile are quoted in
 * them, and a line may hold 65535 bytes (values quoted through {@link shorten} are cut far shorter).
 */
export const MAX_MESSAGE_LENGTH = 1000;

/** Values quoted in messages are cut to this many characters. */
export const MAX_QUOTED_LENGTH = 120;

/** `value` for a message: at most {@link MAX_QUOTED_LENGTH} characters, with the length when cut. */
export function shorten(value: string): string {
  if (value.length <= MAX_QUOTED_LENGTH) return value;
  return `${value.slice(0, MAX_QUOTED_LENGTH)}... (${value.length.toLocaleString('en-US')} characters)`;
}

function cap(text: string): string {
  return text.length <= MAX_MESSAGE_LENGTH ? text : `${text.slice(0, MAX_MESSAGE_LENGTH)}...`;
}

/** Collects problems with their catalogue severity. */
export class ProblemSink {
  readonly problems: DockerfileProblem[] = [];
  add(code: ProblemCode, line: number, message: string, hint?: string): void;
  add(
    code: ProblemCode,
    line: number,
    message: string,
    hint: string | undefined,
    severity: DockerfileProblem['severity'],
  ): void;
  add(
    code: ProblemCode,
    line: number,
    message: string,
    hint?: string,
    severity?: DockerfileProblem['severity'],
  ): void {
    // JSON leaves `hint` out when it is undefined.
    this.problems.push({
      line,
      code,
      severity: severity ?? severityOf(code),
      message: cap(message),
      hint: hint === undefined ? undefined : cap(hint),
    });
  }

  /**
   * Reports an expansion that grew too large, once per Dockerfile (every later expansion that
   * reaches a limit, usually because it uses the first one's ARG, fails silently).
   */
  addLimit(budget: ExpansionBudget, line: number, what: string, error: ExpansionLimitError): void {
    if (budget.reported) return;
    budget.reported = true;
    this.add(
      'ExpansionTooLarge',
      line,
      `${what}: ${error.message}`,
      error.limit === 'word'
        ? 'BuildKit reads no line longer than 65535 bytes, and no value is expanded beyond that: do ARGs repeat each other (ARG B=$A$A)?'
        : error.limit === 'match'
          ? 'use shorter patterns or values'
          : 'is this file really a Dockerfile?',
    );
  }
}

/** True when the expansion `lex` looked up one of `names`. */
export function usesAny(lex: LexResult, names: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  for (const name of lex.matched) if (names.has(name)) return true;
  for (const name of lex.unmatched) if (names.has(name)) return true;
  return false;
}

function severityOf(code: ProblemCode): DockerfileProblem['severity'] {
  return PROBLEM_CODES[code].severity;
}

/** A Map-backed {@link Env}. */
export function mapEnv(map: ReadonlyMap<string, string>): Env & { readonly keys: () => Iterable<string> } {
  return { get: (name) => map.get(name), keys: () => map.keys() };
}
