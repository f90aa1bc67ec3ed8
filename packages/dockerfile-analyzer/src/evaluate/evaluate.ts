// From text to the evaluated model: scan, split into meta ARGs and stages, expand and resolve every
// FROM, read COPY --from / RUN --mount / ONBUILD references, work out the target and reachability.

import type { AnalyzeOptions } from '../finding.js';
import { type Node, parseDockerfile } from '../parser/parse.js';
import { LINUX_AMD64, normalizePlatform, type Platform, parsePlatform } from '../platform.js';
import { ExpansionBudget } from '../shell/lex.js';
import { suggest } from '../suggest.js';
import { AUTOMATIC_ARGS, automaticArgs, evaluateMetaArgs } from './args.js';
import { type Evaluation, type MetaArg, mapEnv, type ProblemSink, type StageModel } from './model.js';
import { readSources, readTrigger, type StageDirectory } from './sources.js';
import { expand, readFrom, resolveBase, resolvePlatform } from './stages.js';

const INSTRUCTIONS = [
  'add',
  'arg',
  'cmd',
  'copy',
  'entrypoint',
  'env',
  'expose',
  'from',
  'healthcheck',
  'label',
  'maintainer',
  'onbuild',
  'run',
  'shell',
  'stopsignal',
  'user',
  'volume',
  'workdir',
];
const KNOWN = new Set(INSTRUCTIONS);
const AUTOMATIC_ARG_NAMES: ReadonlySet<string> = new Set(AUTOMATIC_ARGS);
const UPPER_INSTRUCTIONS = INSTRUCTIONS.map((name) => name.toUpperCase());

export function evaluate(text: string, options: AnalyzeOptions, sink: ProblemSink): Evaluation {
  const parsed = parseDockerfile(text);
  for (const problem of parsed.problems) {
    if (problem.code !== 'NoEmptyContinuation') sink.add(problem.code, problem.line, problem.message);
  }
  if (parsed.nodes.length === 0 && !parsed.problems.some((p) => p.code === 'LineTooLong')) {
    sink.add('NoInstructions', 0, 'file with no instructions', 'a Dockerfile needs at least one FROM');
  }

  const buildArgs = readBuildArgs(options.buildArgs);
  const targetPlatform = optionPlatform('platform', options.platform, sink);
  const buildPlatform = optionPlatform('buildPlatform', options.buildPlatform, sink);

  // Split into meta ARGs and stages.
  const metaArgs: MetaArg[] = [];
  const stageNodes: { from: Node; body: Node[] }[] = [];
  for (const node of parsed.nodes) {
    if (!KNOWN.has(node.command)) {
      const match = suggest(node.keyword, UPPER_INSTRUCTIONS, false);
      sink.add(
        'UnknownInstruction',
        node.startLine,
        `unknown instruction: ${node.keyword}${match === undefined ? '' : ` (did you mean ${match}?)`}`,
      );
      continue;
    }
    if (node.command === 'arg') readArgs(node, sink, stageNodes.length === 0 ? metaArgs : undefined);
    if (node.command === 'from') {
      stageNodes.push({ from: node, body: [] });
    } else if (stageNodes.length > 0) {
      stageNodes[stageNodes.length - 1]?.body.push(node);
    } else if (node.command !== 'arg') {
      sink.add(
        'InstructionBeforeFrom',
        node.startLine,
        `${node.keyword.toUpperCase()} before the first FROM: no build stage in current context`,
        'only ARG may come before the first FROM',
      );
    }
  }
  if (stageNodes.length === 0 && parsed.nodes.length > 0) {
    sink.add('NoStages', 0, 'dockerfile contains no stages to build', 'add a FROM instruction');
  }

  const shapes = stageNodes.map(({ from }) => readFrom(from, sink));
  const byName = new Map<string, number>();
  shapes.forEach((shape, index) => {
    if (shape.name !== undefined) byName.set(shape.name, index);
  });

  // The target stage and the ARGs FROM expands against.
  let targetIndex = stageNodes.length - 1;
  if (options.target !== undefined && options.target !== '' && stageNodes.length > 0) {
    const found = byName.get(options.target.toLowerCase());
    if (found === undefined) {
      const match = suggest(options.target, byName.keys(), false);
      sink.add(
        'TargetNotFound',
        0,
        `target stage "${options.target}" could not be found${match === undefined ? '' : ` (did you mean ${match}?)`}`,
        byName.size > 0
          ? `stages: ${[...byName.keys()].join(', ')}`
          : 'no stage has a name (FROM ... AS <name>)',
      );
    } else targetIndex = found;
  }
  const targetStageName = options.target || (shapes[shapes.length - 1]?.name ?? '');
  const automatic = automaticArgs(buildPlatform, targetPlatform, targetStageName, buildArgs);
  const budget = new ExpansionBudget();
  const {
    env,
    failed: metaArgsFailed,
    failedNames: failedArgs,
  } = evaluateMetaArgs(automatic, metaArgs, buildArgs, parsed.escape, sink, budget);
  const globalArgs = mapEnv(env);
  // The automatic args and the declared meta ARGs (env holds those with a value, nothing else).
  let knownArgNames: ReadonlySet<string> = AUTOMATIC_ARG_NAMES;
  if (metaArgs.length > 0) {
    const names = new Set<string>(AUTOMATIC_ARGS);
    for (const arg of metaArgs) names.add(arg.key);
    knownArgNames = names;
  }

  // Resolve every FROM, then the references inside the stages.
  const earlier = new Map<string, number>();
  const dir: StageDirectory = { byName, count: stageNodes.length, escape: parsed.escape };
  const fromContext = { env: globalArgs, escapeToken: parsed.escape, failedArgs, budget };
  const stages: StageModel[] = stageNodes.map(({ from }, index) => {
    const shape = shapes[index] ?? {};
    const line = from.startLine;
    const baseLex =
      shape.baseWord === undefined ? undefined : expand(shape.baseWord, fromContext, line, 'FROM', sink);
    const base = resolveBase(shape, baseLex, earlier, line, sink, knownArgNames);
    const platformLex =
      shape.platformWord === undefined
        ? undefined
        : expand(shape.platformWord, fromContext, line, 'FROM --platform', sink);
    const platform =
      shape.platformWord === undefined
        ? undefined
        : resolvePlatform(shape.platformWord, platformLex, knownArgNames, buildPlatform, line, sink);
    if (shape.name !== undefined) earlier.set(shape.name, index);
    return {
      index,
      node: from,
      name: shape.name,
      writtenName: shape.writtenName,
      asKeyword: shape.asKeyword,
      baseWord: shape.baseWord,
      baseLex,
      base,
      platformWord: shape.platformWord,
      platformLex,
      platform,
      sources: [],
      triggers: [],
    };
  });
  stageNodes.forEach(({ body }, index) => {
    const stage = stages[index];
    if (!stage) return;
    for (const node of body) {
      if (node.command === 'onbuild') {
        const trigger = readTrigger(node, dir, sink);
        if (trigger) stage.triggers.push(trigger);
      } else if (node.command === 'copy' || node.command === 'run') {
        stage.sources.push(...readSources(node, dir, sink));
      }
    }
  });

  const reachable = reachableStages(stages, targetIndex);
  checkStageOrder(stages, reachable, sink);
  return {
    parsed,
    stages,
    metaArgs,
    automaticArgs: automatic,
    globalArgs,
    knownArgNames,
    metaArgsFailed,
    failedArgs,
    budget,
    buildArgs,
    targetPlatform,
    targetIndex,
    reachable,
  };
}

/** BuildKit's `parseArg`: `name` or `name=value` words; reports blank names. */
function readArgs(node: Node, sink: ProblemSink, into: MetaArg[] | undefined): void {
  if (node.words.length === 0) {
    sink.add('InvalidArg', node.startLine, 'ARG requires at least one argument');
    return;
  }
  for (const word of node.words) {
    const eq = word.indexOf('=');
    if (eq === 0) {
      sink.add(
        'InvalidArg',
        node.startLine,
        'ARG names can not be blank',
        `write ARG <name>=<value>, not "${word}"`,
      );
      continue;
    }
    into?.push(
      eq === -1
        ? { key: word, line: node.startLine }
        : { key: word.slice(0, eq), value: word.slice(eq + 1), line: node.startLine },
    );
  }
}

function readBuildArgs(buildArgs: AnalyzeOptions['buildArgs']): Map<string, string> {
  const out = new Map<string, string>();
  if (buildArgs === null || typeof buildArgs !== 'object') return out;
  for (const [key, value] of Object.entries(buildArgs)) {
    if (value === undefined || value === null) continue;
    out.set(key, String(value));
  }
  return out;
}

function optionPlatform(option: string, value: string | undefined, sink: ProblemSink): Platform {
  if (value === undefined || value === '') return LINUX_AMD64;
  const parsed = parsePlatform(String(value));
  if (parsed.ok) return normalizePlatform(parsed.platform);
  sink.add(
    'InvalidOption',
    0,
    `invalid ${option} option: ${parsed.error}`,
    'use os/arch[/variant], e.g. linux/arm64',
  );
  return LINUX_AMD64;
}

/** Stages built for the target: its base chain, COPY/mount stages, and stages used by ONBUILD triggers run here. */
function reachableStages(stages: readonly StageModel[], target: number): Set<number> {
  const reachable = new Set<number>();
  const queue = target >= 0 ? [target] : [];
  while (queue.length > 0) {
    const index = queue.pop() ?? -1;
    const stage = stages[index];
    if (!stage || reachable.has(index)) continue;
    reachable.add(index);
    if (stage.base.kind === 'stage') {
      queue.push(stage.base.index);
      // The base's ONBUILD triggers run in this stage: the stages they copy from are built too.
      for (const trigger of stages[stage.base.index]?.triggers ?? []) {
        for (const { target } of trigger.sources) if (target.kind === 'stage') queue.push(target.index);
      }
    }
    for (const { target } of stage.sources) if (target.kind === 'stage') queue.push(target.index);
  }
  return reachable;
}

/** COPY --from / RUN --mount from= can only use stages defined before the current one. */
function checkStageOrder(
  stages: readonly StageModel[],
  reachable: ReadonlySet<number>,
  sink: ProblemSink,
): void {
  for (const stage of stages) {
    for (const source of stage.sources) {
      if (source.target.kind !== 'stage' || source.target.index < stage.index) continue;
      const used = stages[source.target.index];
      const usedName = used?.name ?? `stage-${source.target.index}`;
      const currentName = stage.name ?? `stage-${stage.index}`;
      const self = source.target.index === stage.index;
      const message = self
        ? `${source.kind === 'copy' ? 'COPY --from' : 'RUN --mount from'}=${source.target.raw} refers to its own stage "${currentName}" (circular dependency)`
        : source.kind === 'copy'
          ? `cannot copy from stage "${usedName}", it needs to be defined before current stage "${currentName}"`
          : `cannot mount from stage "${usedName}" to "${currentName}", stage needs to be defined before current command`;
      sink.add(
        'StageDefinedLater',
        source.line,
        message,
        'stages are built in file order: move the stage above, or copy from an earlier one',
        reachable.has(stage.index) ? 'error' : 'warning',
      );
    }
  }
}
