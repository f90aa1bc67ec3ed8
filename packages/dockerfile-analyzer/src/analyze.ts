// analyzeDockerfile: text + options -> every image the Dockerfile depends on, as BuildKit sees it.
// Pure (no I/O), deterministic, and it never throws: everything wrong becomes a problem.

import { referenceKey, tryParseImageReference, withDefaultTag } from '@image-factory/state-schema/reference';
import { evaluate } from './evaluate/evaluate.js';
import type { Evaluation } from './evaluate/model.js';
import { ProblemSink } from './evaluate/model.js';
import {
  type AnalyzeOptions,
  BUILDKIT_CHECKS,
  type DockerfileAnalysis,
  type DockerfileImage,
  type DockerfileProblem,
  type DockerfileStage,
  type ImageSource,
  type SyntaxDirective,
} from './finding.js';
import { type DetectedDirectives, detectDirectives } from './parser/directives.js';
import { canonicalPlatform, LINUX_AMD64 } from './platform.js';
import { type ImageOccurrence, RULES, type RuleContext } from './rules/index.js';

/** At most this many problems are reported per file; the rest are summarized in one problem. */
export const MAX_PROBLEMS = 200;

/**
 * Finds every image `text` (a Dockerfile) depends on — `FROM`, `COPY --from=<image>`,
 * `RUN --mount=...,from=<image>`, also in ONBUILD triggers — with BuildKit's semantics, plus
 * problems (errors BuildKit would fail on, and build-check warnings). Pure; never throws.
 */
export function analyzeDockerfile(text: string, options: AnalyzeOptions = {}): DockerfileAnalysis {
  try {
    return analyze(typeof text === 'string' ? text : String(text), options ?? {});
  } catch (error) {
    return {
      images: [],
      stages: [],
      problems: [
        {
          line: 0,
          code: 'InternalError',
          severity: 'error',
          message: `internal error: ${error instanceof Error ? error.message : String(error)}`,
          hint: 'this is a bug in @image-factory/dockerfile-analyzer; please report it with the Dockerfile',
        },
      ],
      targetStage: -1,
      platform: canonicalPlatform(LINUX_AMD64),
    };
  }
}

function analyze(text: string, options: AnalyzeOptions): DockerfileAnalysis {
  const sink = new ProblemSink();
  if (text === '') {
    sink.add('EmptyDockerfile', 0, 'the Dockerfile cannot be empty');
    return { images: [], stages: [], problems: sink.problems, targetStage: -1, platform: 'linux/amd64' };
  }
  const evaluation = evaluate(text, options, sink);
  const occurrences = collectImages(evaluation);
  const images = deduplicate(occurrences);

  const seen = new Set<string>();
  const ruleImages: ImageOccurrence[] = [];
  for (const occurrence of occurrences) {
    if (seen.has(occurrence.written.normalized)) continue;
    seen.add(occurrence.written.normalized);
    ruleImages.push(occurrence);
  }
  const context: RuleContext = { ...evaluation, images: ruleImages };
  const directives = detectDirectives(text);
  const config = checkConfig(directives, evaluation.buildArgs, sink);
  for (const rule of RULES) {
    if (config.skipAll ? BUILDKIT_CHECKS.has(rule.code) : config.skip.has(rule.code)) continue;
    const severity = config.error && BUILDKIT_CHECKS.has(rule.code) ? 'error' : 'warning';
    for (const { line, message, hint } of rule.check(context))
      sink.add(rule.code, line, message, hint, severity);
  }

  const syntax = syntaxDirective(directives, sink);
  return {
    images,
    stages: evaluation.stages.map((stage) => toStage(stage, evaluation)),
    problems: finishProblems(sink.problems),
    syntax,
    targetStage: evaluation.targetIndex,
    platform: canonicalPlatform(evaluation.targetPlatform),
  };
}

interface Occurrence extends ImageOccurrence {
  readonly source: ImageSource;
  readonly stageIndex: number;
  readonly stage: string;
  readonly platform: string;
  readonly reachable: boolean;
}

function collectImages(evaluation: Evaluation): Occurrence[] {
  const { stages, reachable } = evaluation;
  const targetPlatform = canonicalPlatform(evaluation.targetPlatform);
  // Stages whose ONBUILD triggers run in this build: the bases of reachable stages.
  const triggered = new Set<number>();
  for (const { base, index } of stages) {
    if (base.kind === 'stage' && reachable.has(index)) triggered.add(base.index);
  }
  const out: Occurrence[] = [];
  for (const stage of stages) {
    const label = stage.name ?? `stage-${stage.index}`;
    const stageReachable = reachable.has(stage.index);
    if (stage.base.kind === 'image') {
      out.push({
        stageIndex: stage.index,
        stage: label,
        written: stage.base.ref,
        raw: stage.base.raw,
        source: 'from',
        line: stage.node.startLine,
        platform: stage.platform ? canonicalPlatform(stage.platform) : targetPlatform,
        onbuild: false,
        reachable: stageReachable,
      });
    }
    const sources = [
      ...stage.sources.map((source) => ({ source, onbuild: false, reachable: stageReachable })),
      // ONBUILD triggers run when a reachable stage builds on this one.
      ...stage.triggers.flatMap((trigger) =>
        trigger.sources.map((source) => ({ source, onbuild: true, reachable: triggered.has(stage.index) })),
      ),
    ];
    for (const { source, onbuild, reachable: sourceReachable } of sources) {
      if (source.target.kind !== 'image') continue;
      out.push({
        stageIndex: stage.index,
        stage: label,
        written: source.target.ref,
        raw: source.target.raw,
        source: source.kind,
        line: source.line,
        platform: targetPlatform,
        onbuild,
        reachable: sourceReachable,
      });
    }
  }
  // Stable: occurrences on one line keep their order.
  return out.sort((a, b) => a.line - b.line);
}

function deduplicate(occurrences: readonly Occurrence[]): DockerfileImage[] {
  const byKey = new Map<string, { first: Occurrence; reachable: boolean; lines: number[] }>();
  for (const occurrence of occurrences) {
    const key = `${referenceKey(occurrence.written)}\n${occurrence.source}\n${occurrence.platform}\n${occurrence.onbuild}`;
    const existing = byKey.get(key);
    if (existing) {
      if (!existing.lines.includes(occurrence.line)) existing.lines.push(occurrence.line);
      existing.reachable ||= occurrence.reachable;
    } else {
      byKey.set(key, { first: occurrence, reachable: occurrence.reachable, lines: [occurrence.line] });
    }
  }
  return [...byKey.values()].map(({ first, reachable, lines }) => {
    const pulled = withDefaultTag(first.written);
    // In documentation order; JSON leaves out an undefined tag or digest.
    return {
      reference: pulled.normalized,
      familiar: pulled.familiar,
      name: pulled.name,
      registry: pulled.registry,
      repository: pulled.repository,
      tag: pulled.tag,
      digest: pulled.digest,
      raw: first.raw,
      source: first.source,
      stage: first.stage,
      stageIndex: first.stageIndex,
      platform: first.platform,
      onbuild: first.onbuild,
      reachable,
      line: first.line,
      lines: lines.sort((a, b) => a - b),
    };
  });
}

function toStage(stage: Evaluation['stages'][number], evaluation: Evaluation): DockerfileStage {
  const { base } = stage;
  // JSON leaves out the optional keys that are undefined.
  return {
    index: stage.index,
    name: stage.name,
    line: stage.node.startLine,
    base:
      base.kind === 'image'
        ? { kind: 'image', raw: base.raw, reference: referenceKey(base.ref) }
        : base.kind === 'stage'
          ? { kind: 'stage', raw: base.raw, stageIndex: base.index }
          : base.kind === 'scratch'
            ? { kind: 'scratch', raw: base.raw }
            : { kind: 'unresolved', raw: base.raw },
    platform: stage.platform ? canonicalPlatform(stage.platform) : undefined,
    reachable: evaluation.reachable.has(stage.index),
    onbuild: stage.triggers.map((trigger) => ({ line: trigger.line, instruction: trigger.instruction })),
  };
}

interface CheckConfig {
  readonly skip: ReadonlySet<string>;
  readonly skipAll: boolean;
  readonly error: boolean;
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** `# check=skip=<rules>|all;error=true` (or the BUILDKIT_DOCKERFILE_CHECK build arg). */
function checkConfig(
  directives: DetectedDirectives,
  buildArgs: ReadonlyMap<string, string>,
  sink: ProblemSink,
): CheckConfig {
  const fromArg = buildArgs.get('BUILDKIT_DOCKERFILE_CHECK');
  const directive = fromArg === undefined ? directives.check : undefined;
  const value = (fromArg ?? directive?.value ?? '').trim();
  const line = directive?.line ?? 0;
  const config = { skip: new Set<string>(), skipAll: false, error: false };
  if (value === '') return config;
  for (const part of value.split(';').slice(0, 3)) {
    const eq = part.indexOf('=');
    const key = (eq === -1 ? part : part.slice(0, eq)).trim();
    const optionValue = eq === -1 ? '' : part.slice(eq + 1).trim();
    if (eq === -1 || !['skip', 'error', 'experimental'].includes(key)) {
      sink.add('InvalidDirective', line, `failed to parse check options: invalid check option "${part}"`);
      return config;
    }
    if (key === 'skip') {
      if (optionValue === 'all') config.skipAll = true;
      else for (const rule of optionValue.split(',')) config.skip.add(rule.trim());
    } else if (key === 'error') {
      if (!TRUE.has(optionValue) && !FALSE.has(optionValue)) {
        sink.add(
          'InvalidDirective',
          line,
          `failed to parse check options: invalid error value "${optionValue}"`,
        );
        return config;
      }
      config.error = TRUE.has(optionValue);
    }
  }
  return config;
}

function syntaxDirective(directives: DetectedDirectives, sink: ProblemSink): SyntaxDirective | undefined {
  const found = directives.syntax;
  if (!found) return undefined;
  const raw = found.value.split(' ')[0] ?? '';
  const parsed = tryParseImageReference(raw);
  if (!parsed.ok) {
    sink.add('InvalidReference', found.line, `# syntax=${raw}: invalid frontend image: ${parsed.error}`);
    return undefined;
  }
  return { raw, reference: withDefaultTag(parsed.reference).normalized, line: found.line };
}

function finishProblems(problems: DockerfileProblem[]): DockerfileProblem[] {
  // Stable: problems on one line keep the order they were found in.
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  if (sorted.length <= MAX_PROBLEMS) return sorted;
  const kept = sorted.slice(0, MAX_PROBLEMS);
  const omitted = sorted.slice(MAX_PROBLEMS);
  const worst = omitted.some((problem) => problem.severity === 'error') ? 'error' : 'warning';
  kept.push({
    line: omitted[0]?.line ?? 0,
    code: 'TooManyProblems',
    severity: worst,
    message: `${omitted.length} more problems omitted (from line ${omitted[0]?.line ?? 0})`,
    hint: 'fix the problems above first; is this file really a Dockerfile?',
  });
  return kept;
}
