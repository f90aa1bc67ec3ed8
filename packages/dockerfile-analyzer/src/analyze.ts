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
import { type ImageOccurrence, RULES, type RuleContext, type RuleFinding } from './rules/index.js';

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
  for (let i = 0; i < occurrences.length; i++) {
    const occurrence = occurrences[i]!;
    if (seen.has(occurrence.written.normalized)) continue;
    seen.add(occurrence.written.normalized);
    ruleImages.push(occurrence);
  }
  const context: RuleContext = {
    parsed: evaluation.parsed,
    stages: evaluation.stages,
    metaArgs: evaluation.metaArgs,
    automaticArgs: evaluation.automaticArgs,
    globalArgs: evaluation.globalArgs,
    knownArgNames: evaluation.knownArgNames,
    metaArgsFailed: evaluation.metaArgsFailed,
    failedArgs: evaluation.failedArgs,
    budget: evaluation.budget,
    buildArgs: evaluation.buildArgs,
    targetPlatform: evaluation.targetPlatform,
    targetIndex: evaluation.targetIndex,
    reachable: evaluation.reachable,
    images: ruleImages,
  };
  const directives = detectDirectives(text);
  const config = checkConfig(directives, evaluation.buildArgs, sink);
  const findings: RuleFinding[] = [];
  for (let r = 0; r < RULES.length; r++) {
    const rule = RULES[r]!;
    if (config.skipAll ? BUILDKIT_CHECKS.has(rule.code) : config.skip.has(rule.code)) continue;
    rule.check(context, findings);
    if (findings.length === 0) continue;
    const severity = config.error && BUILDKIT_CHECKS.has(rule.code) ? 'error' : 'warning';
    for (let f = 0; f < findings.length; f++) {
      const finding = findings[f]!;
      sink.add(rule.code, finding.line, finding.message, finding.hint, severity);
    }
    findings.length = 0;
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
  const out: Occurrence[] = [];
  const targetPlatform = canonicalPlatform(evaluation.targetPlatform);
  // Stages whose ONBUILD triggers run in this build: the bases of reachable stages.
  const triggered = new Set<number>();
  // Index loops in this per-file code: `for...of` allocates an iterator result per element until
  // the function is optimised, which most of a run's files never see.
  const stages = evaluation.stages;
  for (let i = 0; i < stages.length; i++) {
    const stage = stages[i]!;
    if (stage.base.kind === 'stage' && evaluation.reachable.has(stage.index)) triggered.add(stage.base.index);
  }
  // Object literals are written out in full: `{ ...common, more }` is very slow in V8.
  for (let i = 0; i < stages.length; i++) {
    const stage = stages[i]!;
    const reachable = evaluation.reachable.has(stage.index);
    const label = stage.name ?? `stage-${stage.index}`;
    if (stage.base.kind === 'image') {
      out.push({
        written: stage.base.ref,
        raw: stage.base.raw,
        source: 'from',
        stageIndex: stage.index,
        stage: label,
        line: stage.node.startLine,
        platform: stage.platform ? canonicalPlatform(stage.platform) : targetPlatform,
        onbuild: false,
        reachable,
      });
    }
    for (let j = 0; j < stage.sources.length; j++) {
      const source = stage.sources[j]!;
      if (source.target.kind !== 'image') continue;
      out.push({
        written: source.target.ref,
        raw: source.target.raw,
        source: source.kind,
        stageIndex: stage.index,
        stage: label,
        line: source.line,
        platform: targetPlatform,
        onbuild: false,
        reachable,
      });
    }
    for (let j = 0; j < stage.triggers.length; j++) {
      const sources = stage.triggers[j]!.sources;
      for (let k = 0; k < sources.length; k++) {
        const source = sources[k]!;
        if (source.target.kind !== 'image') continue;
        out.push({
          written: source.target.ref,
          raw: source.target.raw,
          source: source.kind,
          stageIndex: stage.index,
          stage: label,
          line: source.line,
          platform: targetPlatform,
          onbuild: true,
          reachable: triggered.has(stage.index),
        });
      }
    }
  }
  // Usually in line order already (sort copies the array even then). Stable, like the sort.
  return inLineOrder(out) ? out : out.sort((a, b) => a.line - b.line);
}

function deduplicate(occurrences: readonly Occurrence[]): DockerfileImage[] {
  const byKey = new Map<string, { first: Occurrence; reachable: boolean; lines: number[] }>();
  for (let i = 0; i < occurrences.length; i++) {
    const occurrence = occurrences[i]!;
    const key = `${referenceKey(occurrence.written)}\n${occurrence.source}\n${occurrence.platform}\n${occurrence.onbuild}`;
    const existing = byKey.get(key);
    if (existing) {
      if (!existing.lines.includes(occurrence.line)) existing.lines.push(occurrence.line);
      existing.reachable ||= occurrence.reachable;
    } else {
      byKey.set(key, { first: occurrence, reachable: occurrence.reachable, lines: [occurrence.line] });
    }
  }
  const images: DockerfileImage[] = [];
  byKey.forEach(({ first, reachable, lines }) => {
    const pulled = withDefaultTag(first.written);
    // Written out in documentation order with tag and digest always present (JSON leaves out the
    // undefined ones): one object shape, no spreads, for a loop that runs for every image.
    images.push({
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
      lines: lines.length === 1 ? lines : lines.sort((a, b) => a - b),
    });
  });
  return images;
}

function toStage(stage: Evaluation['stages'][number], evaluation: Evaluation): DockerfileStage {
  const base = stage.base;
  // No spreads (slow before optimisation): optional keys are present with `undefined`, which JSON
  // leaves out.
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
  const sorted = inLineOrder(problems)
    ? problems
    : problems
        .map((problem, order) => ({ problem, order }))
        .sort((a, b) => a.problem.line - b.problem.line || a.order - b.order)
        .map(({ problem }) => problem);
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

/** True when `items` are already sorted by line (the usual case: nothing to reorder). */
function inLineOrder(items: readonly { readonly line: number }[]): boolean {
  for (let i = 1; i < items.length; i++) if (items[i - 1]!.line > items[i]!.line) return false;
  return true;
}
