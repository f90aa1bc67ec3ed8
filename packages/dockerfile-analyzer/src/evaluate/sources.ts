// `COPY --from=` and `RUN --mount=...,from=` references, also inside ONBUILD triggers, resolved
// like BuildKit: stage names case-insensitively among all stages, numeric COPY indexes, `scratch`,
// otherwise an image; variables are rejected.

import { tryParseImageReference } from '@image-factory/state-schema/reference';
import type { Node } from '../parser/parse.js';
import { EMPTY_ENV, lexWord } from '../shell/lex.js';
import { readFlags } from './flags.js';
import { type ProblemSink, type SourceModel, shorten, type Target, type TriggerModel } from './model.js';

const GO_INT = /^[+-]?[0-9]+$/;
const MOUNT_VARIABLE = /\$./;
const MOUNT_TYPES = new Set(['bind', 'cache', 'tmpfs', 'secret', 'ssh']);
const BARE_MOUNT_KEYS = new Set(['readonly', 'ro', 'readwrite', 'rw', 'required']);
const FORBIDDEN_TRIGGERS = new Set(['onbuild', 'maintainer', 'from']);

/** Where to look names up. */
export interface StageDirectory {
  /** Lowercased stage name -> index (the last stage wins for duplicates, like BuildKit). */
  readonly byName: ReadonlyMap<string, number>;
  readonly count: number;
  readonly escape: string;
}

/** The `COPY --from` / `RUN --mount from=` references of one instruction of a stage. */
export function readSources(node: Node, dir: StageDirectory, sink: ProblemSink | undefined): SourceModel[] {
  if (node.command === 'copy') return readCopy(node, dir, sink);
  if (node.command === 'run') return readRun(node, dir, sink);
  return [];
}

/** An ONBUILD instruction: its trigger text and references. */
export function readTrigger(node: Node, dir: StageDirectory, sink: ProblemSink): TriggerModel | undefined {
  const flags = readFlags(node.flags);
  for (const flag of flags) sink.add('InvalidFlag', node.startLine, `Unknown flag: ${shorten(flag.name)}`);
  const trigger = node.trigger;
  if (!trigger) {
    sink.add('InvalidOnbuild', node.startLine, 'ONBUILD requires at least one argument');
    return undefined;
  }
  if (FORBIDDEN_TRIGGERS.has(trigger.command)) {
    const name = trigger.keyword.toUpperCase();
    sink.add(
      'InvalidOnbuild',
      node.startLine,
      name === 'ONBUILD'
        ? "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"
        : `${shorten(name)} isn't allowed as an ONBUILD trigger`,
    );
    return undefined;
  }
  return { line: node.startLine, instruction: node.args, sources: readSources(trigger, dir, sink) };
}

function readCopy(node: Node, dir: StageDirectory, sink: ProblemSink | undefined): SourceModel[] {
  let from: string | undefined;
  let seen = false;
  const flags = readFlags(node.flags);
  for (const flag of flags) {
    if (flag.name !== 'from') continue;
    if (seen) {
      sink?.add('InvalidFlag', node.startLine, 'Duplicate flag specified: from');
      continue;
    }
    seen = true;
    if (flag.value === undefined) {
      sink?.add(
        'InvalidFlag',
        node.startLine,
        'Missing a value on flag: from',
        'write --from=<stage or image>',
      );
    } else {
      from = flag.value;
    }
  }
  if (from === undefined || from === '') return [];
  return [{ kind: 'copy', line: node.startLine, target: resolveCopyFrom(from, node.startLine, dir, sink) }];
}

function resolveCopyFrom(
  value: string,
  line: number,
  dir: StageDirectory,
  sink: ProblemSink | undefined,
): Target {
  let literal: boolean;
  try {
    literal = lexWord(value, EMPTY_ENV, { escape: dir.escape }).value === value;
  } catch {
    literal = false;
  }
  if (!literal) {
    sink?.add(
      'UnsupportedVariable',
      line,
      `COPY --from=${shorten(value)}: variable expansion is not supported for --from`,
      'define a stage with FROM using an ARG declared before the first FROM, and COPY --from=<that stage>',
    );
    return { kind: 'none', raw: value };
  }
  if (GO_INT.test(value) && Number.isSafeInteger(Number(value))) {
    const index = Number(value);
    if (index < 0 || index >= dir.count) {
      sink?.add(
        'InvalidStageIndex',
        line,
        `COPY --from=${shorten(value)}: invalid stage index ${index}`,
        `this Dockerfile has stages 0 to ${dir.count - 1}`,
      );
      return { kind: 'none', raw: value };
    }
    return { kind: 'stage', raw: value, index };
  }
  return resolveNamed('COPY --from', value, line, dir, sink);
}

function resolveNamed(
  what: string,
  value: string,
  line: number,
  dir: StageDirectory,
  sink: ProblemSink | undefined,
): Target {
  const stage = dir.byName.get(value.toLowerCase());
  if (stage !== undefined) return { kind: 'stage', raw: value, index: stage };
  if (value === 'scratch') return { kind: 'scratch', raw: value };
  const parsed = tryParseImageReference(value);
  if (parsed.ok) return { kind: 'image', raw: value, ref: parsed.reference };
  sink?.add(
    'InvalidReference',
    line,
    `${what}=${shorten(value)}: failed to parse "${shorten(value)}": ${parsed.error}`,
  );
  return { kind: 'none', raw: value };
}

function readRun(node: Node, dir: StageDirectory, sink: ProblemSink | undefined): SourceModel[] {
  const sources: SourceModel[] = [];
  const flags = readFlags(node.flags);
  for (const flag of flags) {
    if (flag.name !== 'mount') continue;
    if (flag.value === undefined) {
      sink?.add('InvalidFlag', node.startLine, 'Missing a value on flag: mount', 'write --mount=<options>');
      continue;
    }
    const from = readMountFrom(flag.value, node.startLine, sink);
    if (from === undefined || from === 'scratch') continue;
    if (GO_INT.test(from)) {
      sink?.add(
        'NumericMountFrom',
        node.startLine,
        `RUN --mount from=${shorten(from)} is not a stage index: BuildKit looks up stage names only, so this mounts the image "${shorten(from)}"`,
        'name the stage (FROM ... AS <name>) and write from=<name>',
      );
    }
    sources.push({
      kind: 'mount',
      line: node.startLine,
      target: resolveNamed('RUN --mount from', from, node.startLine, dir, sink),
    });
  }
  return sources;
}

/** The `from` of a mount that reads a stage or image, or undefined (context, tmpfs, secret, errors). */
function readMountFrom(value: string, line: number, sink: ProblemSink | undefined): string | undefined {
  const fields = parseCsvRecord(value);
  if (typeof fields === 'string') {
    sink?.add('InvalidMount', line, `failed to parse csv mounts "${shorten(value)}": ${shorten(fields)}`);
    return undefined;
  }
  let type = 'bind';
  let from = '';
  for (const field of fields) {
    const eq = field.indexOf('=');
    const key = (eq === -1 ? field : field.slice(0, eq)).toLowerCase();
    if (eq === -1) {
      if (BARE_MOUNT_KEYS.has(key)) continue;
      sink?.add('InvalidMount', line, `invalid field '${shorten(field)}' must be a key=value pair`);
      return undefined;
    }
    const fieldValue = field.slice(eq + 1);
    if (key === 'type') {
      const lower = fieldValue.toLowerCase();
      if (!MOUNT_TYPES.has(lower)) {
        sink?.add(
          'InvalidMount',
          line,
          `unsupported mount type "${shorten(fieldValue)}"`,
          'types: bind, cache, tmpfs, secret, ssh',
        );
        return undefined;
      }
      type = lower;
    } else if (key === 'from') {
      if (MOUNT_VARIABLE.test(fieldValue)) {
        sink?.add(
          'UnsupportedVariable',
          line,
          `RUN --mount from=${shorten(fieldValue)}: 'from' doesn't support variable expansion, define alias stage instead`,
          'define a stage with FROM using an ARG declared before the first FROM, and mount from=<that stage>',
        );
        return undefined;
      }
      from = fieldValue;
    }
  }
  if (type === 'secret' && from !== '') {
    sink?.add('InvalidMount', line, 'secret mount should not have a from');
    return undefined;
  }
  if (type === 'tmpfs' || from === '') return undefined;
  return from;
}

/** The first record of a CSV line (Go's encoding/csv), or an error message. */
export function parseCsvRecord(line: string): string[] | string {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let field = '';
      i++;
      for (;;) {
        const close = line.indexOf('"', i);
        if (close === -1) return 'extraneous or missing " in quoted-field';
        field += line.slice(i, close);
        i = close + 1;
        if (line[i] === '"') {
          field += '"';
          i++;
          continue;
        }
        break;
      }
      fields.push(field);
      if (i === line.length) return fields;
      if (line[i] !== ',') return 'extraneous or missing " in quoted-field';
      i++;
    } else {
      const comma = line.indexOf(',', i);
      const field = comma === -1 ? line.slice(i) : line.slice(i, comma);
      if (field.includes('"')) return 'bare " in non-quoted-field';
      fields.push(field);
      if (comma === -1) return fields;
      i = comma + 1;
    }
  }
}
