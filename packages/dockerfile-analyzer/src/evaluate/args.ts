// Build arguments visible to FROM: BuildKit's automatic platform args and the meta ARGs
// (declared before the first FROM), evaluated in order with `--build-arg` overrides.

import type { Platform } from '../platform.js';
import { type ExpansionBudget, ExpansionLimitError, lexWord, ShellSyntaxError } from '../shell/lex.js';
import type { MetaArg, ProblemSink } from './model.js';
import { mapEnv, shorten, usesAny } from './model.js';

/** Names BuildKit defines without an ARG instruction. */
export const AUTOMATIC_ARGS = [
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDOSVERSION',
  'BUILDARCH',
  'BUILDVARIANT',
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETOSVERSION',
  'TARGETARCH',
  'TARGETVARIANT',
  'TARGETSTAGE',
] as const;

/**
 * BuildKit's `defaultArgs`: automatic args for the platforms and target, build args overriding.
 * The answer is shared (read-only): without build args for automatic names it depends only on the
 * platforms and the target stage, the same for nearly every file a run analyses.
 */
export function automaticArgs(
  build: Platform,
  target: Platform,
  targetStage: string,
  buildArgs: ReadonlyMap<string, string>,
): ReadonlyMap<string, string> {
  if (AUTOMATIC_ARGS.some((name) => buildArgs.has(name))) {
    return computeAutomaticArgs(build, target, targetStage, buildArgs);
  }
  const key = `${platformKey(build)}\0${platformKey(target)}\0${targetStage}`;
  let args = automaticCache.get(key);
  if (args === undefined) {
    if (automaticCache.size >= AUTOMATIC_CACHE_MAX) automaticCache.clear();
    args = computeAutomaticArgs(build, target, targetStage, buildArgs);
    automaticCache.set(key, args);
  }
  return args;
}

const AUTOMATIC_CACHE_MAX = 256;
const automaticCache = new Map<string, ReadonlyMap<string, string>>();

function platformKey(platform: Platform): string {
  return `${platform.os}\0${platform.osVersion}\0${platform.architecture}\0${platform.variant}`;
}

function computeAutomaticArgs(
  build: Platform,
  target: Platform,
  targetStage: string,
  buildArgs: ReadonlyMap<string, string>,
): Map<string, string> {
  const values: Record<(typeof AUTOMATIC_ARGS)[number], string> = {
    BUILDPLATFORM: formatWithVersion(build, false),
    BUILDOS: build.os,
    BUILDOSVERSION: build.osVersion,
    BUILDARCH: build.architecture,
    BUILDVARIANT: build.variant,
    TARGETPLATFORM: formatWithVersion(target, true),
    TARGETOS: target.os,
    TARGETOSVERSION: target.osVersion,
    TARGETARCH: target.architecture,
    TARGETVARIANT: target.variant,
    TARGETSTAGE: targetStage === '' ? 'default' : targetStage,
  };
  const env = new Map<string, string>();
  for (const name of AUTOMATIC_ARGS) env.set(name, buildArgs.get(name) ?? values[name]);
  return env;
}

function formatWithVersion(platform: Platform, withVersion: boolean): string {
  const os = withVersion && platform.osVersion !== '' ? `${platform.os}(${platform.osVersion})` : platform.os;
  const base = `${os}/${platform.architecture}`;
  return platform.variant === '' ? base : `${base}/${platform.variant}`;
}

/**
 * BuildKit's `buildMetaArgs`: each meta ARG in order; a build arg replaces a declared ARG's value
 * (unexpanded); otherwise the default is expanded against what is defined so far. An ARG without
 * default and without build arg stays unset. Expansion errors are reported to `sink` (when given);
 * an ARG whose default uses a failed one fails too, silently (BuildKit stops at the first error).
 */
export function evaluateMetaArgs(
  base: ReadonlyMap<string, string>,
  metaArgs: readonly MetaArg[],
  buildArgs: ReadonlyMap<string, string>,
  escapeToken: string,
  sink: ProblemSink | undefined,
  budget: ExpansionBudget,
): { env: ReadonlyMap<string, string>; failed: boolean; failedNames: ReadonlySet<string> } {
  // No meta ARGs (many files): the automatic args are the whole environment.
  if (metaArgs.length === 0) return { env: base, failed: false, failedNames: NO_NAMES };
  const env = new Map(base);
  const view = mapEnv(env);
  let failed = false;
  const failedNames = new Set<string>();
  for (const arg of metaArgs) {
    const override = buildArgs.get(arg.key);
    if (override !== undefined) {
      env.set(arg.key, override);
      failedNames.delete(arg.key);
      continue;
    }
    if (arg.value === undefined) continue;
    try {
      const lex = lexWord(arg.value, view, { escape: escapeToken, budget });
      if (usesAny(lex, failedNames)) {
        failed = true;
        failedNames.add(arg.key);
        continue;
      }
      env.set(arg.key, lex.value);
      failedNames.delete(arg.key);
    } catch (error) {
      if (!(error instanceof ShellSyntaxError)) throw error;
      failed = true;
      failedNames.add(arg.key);
      env.delete(arg.key);
      if (error instanceof ExpansionLimitError) {
        sink?.addLimit(budget, arg.line, `ARG ${shorten(arg.key)}`, error);
        continue;
      }
      sink?.add(
        'ExpansionError',
        arg.line,
        `ARG ${shorten(arg.key)}: failed to process "${shorten(arg.value)}": ${shorten(error.message)}`,
        `fix the \${...} expression in the ARG default, or pass --build-arg ${shorten(arg.key)}=<value>`,
      );
    }
  }
  return { env, failed, failedNames };
}

const NO_NAMES: ReadonlySet<string> = new Set();
