import {
  type Alias,
  type Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  visit,
} from 'yaml';
import type { StateProblem } from './model.js';
import { problem } from './problems.js';

/**
 * Flow collections (`[...]`, `{...}`) may nest this deep. The YAML parser recurses per level and,
 * far below its stack limit, needs memory quadratic in the depth (a 1 MiB file of `[` took 640 MB);
 * real state files nest three or four levels.
 */
export const MAX_FLOW_DEPTH = 64;

/**
 * A state file may hold at most this many YAML nodes (scalars, aliases, sequence items, flow
 * collections; a map counts by its keys and values): about 6,000 images in images.yaml (5,000 take
 * 116,000). Parsing costs about 1 KB of memory per node whatever the file holds, so a hostile file
 * costs about what a real one of the same size costs (measured with `validate`: 150,000 nodes of
 * flow maps, each entry an error, take about 310 MB and 4.5 s; the 5,000-image state 250 MB).
 */
export const MAX_YAML_NODES = 150_000;

/**
 * A state file may have at most this many lines: blank and comment lines cost the parser time and
 * memory too (4 MiB of blank lines took 10 s and 245 MB). 5,000 images in images.yaml take 65,000.
 */
export const MAX_YAML_LINES = 250_000;

/**
 * Aliases (`*name`) may add at most this many nodes to a document when expanded. Many ordinary
 * aliases load fine; an alias bomb ("billion laughs": aliases of aliases of lists) is refused
 * before anything is expanded.
 */
export const MAX_ALIAS_NODES = 100_000;

/** A parsed YAML file with positions, relative to the state directory. */
export interface YamlSource {
  /** File relative to the state directory. */
  readonly file: string;
  readonly text: string;
  /** The document's value as plain data (`undefined` for an empty document). */
  readonly data: unknown;
  /** 1-based line/col of the value at `path` (or of the key for `at: 'key'`); the nearest existing ancestor otherwise. */
  locate(
    path: readonly (string | number)[],
    at?: 'key' | 'value',
  ): { file: string; line: number; col: number };
  /** The source text of the scalar at `path`, when it is one. */
  sourceText(path: readonly (string | number)[]): string | undefined;
}

/** A YAML document parsed with the checks every state file gets, and its plain data. */
export interface CheckedDocument {
  readonly doc: Document.Parsed;
  readonly data: unknown;
  /** Position of an offset of the text. */
  at(offset: number): { file: string; line: number; col: number };
  readonly warnings: StateProblem[];
}

/** Parses YAML text, returning the source or its syntax problems (with positions). */
export function parseYamlSource(
  file: string,
  text: string,
): { ok: true; source: YamlSource; warnings: StateProblem[] } | { ok: false; problems: StateProblem[] } {
  const checked = parseYamlChecked(file, text);
  if (!checked.ok) return checked;
  const { doc, data, at, warnings } = checked;
  const find = (path: readonly (string | number)[]): { node: Node | null; pair?: Pair; depth: number } => {
    let node: unknown = doc.contents;
    let pair: Pair | undefined;
    let depth = 0;
    for (const segment of path) {
      let next: unknown;
      let nextPair: Pair | undefined;
      if (isMap(node)) {
        nextPair = node.items.find(
          (item) => isPair(item) && isScalar(item.key) && item.key.value === segment,
        );
        next = nextPair?.value;
        if (nextPair === undefined) break;
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
        if (next === undefined) break;
        nextPair = undefined;
      } else {
        break;
      }
      node = next;
      pair = nextPair;
      depth++;
      if (node === null || node === undefined) break;
    }
    return { node: (node ?? null) as Node | null, ...(pair ? { pair } : {}), depth };
  };
  const source: YamlSource = {
    file,
    text,
    data,
    locate(path, where = 'value') {
      const found = find(path);
      if (found.depth === path.length) {
        const keyNode = found.pair?.key as Node | undefined;
        if (where === 'key' && keyNode?.range) return at(keyNode.range[0]);
        if (found.node?.range) return at(found.node.range[0]);
        if (keyNode?.range) return at(keyNode.range[0]);
      }
      // An ancestor: point at it (for a missing field, the map that lacks it).
      const parent = find(path.slice(0, found.depth));
      const node = parent.node ?? (doc.contents as Node | null);
      if (node?.range) return at(node.range[0]);
      return { file, line: 1, col: 1 };
    },
    sourceText(path) {
      const found = find(path);
      if (found.depth !== path.length || !isScalar(found.node) || !found.node.range) return undefined;
      return text.slice(found.node.range[0], found.node.range[1]);
    },
  };
  return { ok: true, source, warnings };
}

/**
 * Parses YAML text with the checks every state file gets: flow nesting depth, duplicate keys,
 * undefined, recursive or exploding aliases. Never throws.
 */
export function parseYamlChecked(
  file: string,
  text: string,
): ({ ok: true } & CheckedDocument) | { ok: false; problems: StateProblem[] } {
  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const syntax = (offset: number, message: string, hint?: string): StateProblem =>
    problem('error', 'yaml-syntax', at(offset), [], `YAML syntax error: ${message}`, hint);
  const shape = shapeProblem(text);
  if (shape !== undefined) {
    // The line counter fills while parsing: count the lines up to the offset here.
    const before = text.slice(0, shape.offset);
    const lineStart = before.lastIndexOf('\n') + 1;
    const line = before.split('\n').length;
    return {
      ok: false,
      problems: [
        problem(
          'error',
          'yaml-syntax',
          { file, line, col: shape.offset - lineStart + 1 },
          [],
          `YAML syntax error: ${shape.message}`,
          'state files are small documents that nest a few levels: is this the right file?',
        ),
      ],
    };
  }
  // Duplicate keys are found below in linear time (the parser's own check compares every pair of
  // keys of a map: a map of 80,000 keys took 90 s).
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: false });
  let data: unknown;
  try {
    const errors = [
      ...doc.errors.map((error) => syntax(error.pos[0], cleanYamlMessage(error.message))),
      ...duplicateKeys(doc).map((offset) => syntax(offset, 'Map keys must be unique')),
    ];
    if (errors.length === 0) errors.push(...aliasProblems(doc, syntax));
    if (errors.length > 0) return { ok: false, problems: errors };
    // Aliases were checked above: none is undefined or recursive, and they expand to a bounded
    // number of nodes, so the parser's own (much lower, per-anchor) alias limit is not needed.
    data = doc.toJS({ maxAliasCount: -1 }) ?? undefined;
  } catch (error) {
    // Walking a document nested almost as deep as the parser allows can exhaust the stack.
    return {
      ok: false,
      problems: [syntax(0, cleanYamlMessage(`cannot read the document: ${(error as Error).message}`))],
    };
  }
  const warnings = doc.warnings.map((warning) =>
    problem('warning', 'yaml-warning', at(warning.pos[0]), [], `YAML: ${cleanYamlMessage(warning.message)}`),
  );
  return { ok: true, doc, data, at, warnings };
}

function cleanYamlMessage(message: string): string {
  // The parser reports a stack overflow on deeply nested block collections as an error.
  if (message.includes('Maximum call stack size exceeded')) return 'the document is nested too deeply';
  // yaml's messages end with " at line L, column C" and may carry a code excerpt: keep the sentence.
  const firstLine = message.split('\n')[0] ?? message;
  return firstLine.replace(/ at line \d+, column \d+:?$/, '').trim();
}

/**
 * The first place where `text` has more than {@link MAX_YAML_LINES} lines, nests flow collections
 * deeper than {@link MAX_FLOW_DEPTH} or holds more than {@link MAX_YAML_NODES} nodes, found with the
 * YAML lexer (linear, constant memory, stops there), or undefined.
 */
function shapeProblem(text: string): { offset: number; message: string } | undefined {
  let lines = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
    // The end of the last allowed line: anything after it is one line too many.
    if (++lines === MAX_YAML_LINES) {
      if (at + 1 === text.length) break;
      return { offset: at + 1, message: `more than ${MAX_YAML_LINES.toLocaleString('en-US')} lines` };
    }
  }
  let depth = 0;
  let nodes = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    const first = token[0];
    if (token.length === 1 && (first === '[' || first === '{')) {
      depth++;
      if (depth > MAX_FLOW_DEPTH) {
        return { offset, message: `flow collections nested more than ${MAX_FLOW_DEPTH} levels deep` };
      }
    } else if (token.length === 1 && (first === ']' || first === '}')) {
      depth = Math.max(0, depth - 1);
    }
    // Nodes: scalars (plain and block ones follow a marker token, quoted ones are one token),
    // aliases, sequence items and flow collections; block maps are counted by their keys.
    if (token === '\x1f' || token === '-' || token === '?' || token === '[' || token === '{') nodes++;
    else if (first === '"' || first === "'" || first === '*') nodes++;
    if (nodes > MAX_YAML_NODES) {
      return {
        offset,
        message: `more than ${MAX_YAML_NODES.toLocaleString('en-US')} nodes (state files hold a few dozen, images.yaml about 30 per image)`,
      };
    }
    // The lexer adds one-character control tokens that are not part of the text.
    if (!LEXER_CONTROL_TOKENS.has(token)) offset += token.length;
  }
  return undefined;
}

/** yaml's CST control tokens (document start, flow error end, scalar marker). */
const LEXER_CONTROL_TOKENS = new Set(['\x02', '\x18', '\x1f']);

/**
 * Offsets of keys repeated in their map. Keys are equal as the parser's own check defines it:
 * scalar keys with the same value (collection keys are compared by identity, so never equal).
 */
function duplicateKeys(doc: Document): number[] {
  const offsets: number[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const item of map.items) {
        if (!isScalar(item.key)) continue;
        if (seen.has(item.key.value)) offsets.push(item.key.range?.[0] ?? 0);
        else seen.add(item.key.value);
      }
    },
  });
  return offsets;
}

/**
 * Undefined aliases, aliases inside the node they name (a recursive structure, which no state
 * file describes), and aliases that would expand to more than {@link MAX_ALIAS_NODES} nodes.
 */
function aliasProblems(
  doc: Document,
  syntax: (offset: number, message: string, hint?: string) => StateProblem,
): StateProblem[] {
  // An alias names the last node anchored with its name before it, in document order (YAML 1.2
  // §7.1), which is the order `visit` walks.
  const anchors = new Map<string, Node>();
  const aliases: { alias: Alias; target: Node | undefined }[] = [];
  visit(doc, (_key, node) => {
    if (isAlias(node)) aliases.push({ alias: node, target: anchors.get(node.source) });
    else if ((isScalar(node) || isCollection(node)) && node.anchor) anchors.set(node.anchor, node);
  });
  if (aliases.length === 0) return [];
  const targets = new Map<Alias, Node | undefined>(aliases.map(({ alias, target }) => [alias, target]));
  const problems: StateProblem[] = [];
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  // The first alias found inside the node it names (set while sizing).
  const cycle: { alias?: Alias } = {};
  // The number of nodes `node` stands for once its aliases are expanded (memoized, so shared
  // anchors are counted once each: linear in the document).
  const size = (node: unknown): number => {
    if (isPair(node)) return size(node.key) + size(node.value);
    if (!isScalar(node) && !isCollection(node) && !isAlias(node)) return 0;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    open.add(node);
    let total = 1;
    if (isAlias(node)) {
      const target = targets.get(node);
      if (target !== undefined && open.has(target)) cycle.alias ??= node;
      else if (target !== undefined) total = size(target);
    } else if (isCollection(node)) {
      for (const item of node.items) total += size(item);
    }
    open.delete(node);
    sizes.set(node, total);
    return total;
  };
  let added = 0;
  for (const { alias, target } of aliases) {
    const offset = alias.range?.[0] ?? 0;
    if (target === undefined) {
      problems.push(
        syntax(
          offset,
          `alias *${alias.source} has no anchor &${alias.source} before it`,
          'an alias repeats a node anchored earlier in the same file: define the anchor first, or write the value',
        ),
      );
      continue;
    }
    added += size(target);
    if (cycle.alias !== undefined) {
      problems.push(
        syntax(
          cycle.alias.range?.[0] ?? offset,
          `alias *${cycle.alias.source} is inside the node it repeats (a recursive structure)`,
          'write the value instead of the alias',
        ),
      );
      return problems;
    }
    if (added > MAX_ALIAS_NODES) {
      problems.push(
        syntax(
          offset,
          `aliases expand to more than ${MAX_ALIAS_NODES.toLocaleString('en-US')} nodes (an alias bomb?)`,
          'write the values instead of aliases of aliases',
        ),
      );
      return problems;
    }
  }
  return problems;
}
