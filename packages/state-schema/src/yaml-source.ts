import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, type Pair, parseDocument } from 'yaml';
import type { StateProblem } from './model.js';
import { problem } from './problems.js';

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

/** Parses YAML text, returning the source or its syntax problems (with positions). */
export function parseYamlSource(
  file: string,
  text: string,
): { ok: true; source: YamlSource; warnings: StateProblem[] } | { ok: false; problems: StateProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: false });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) =>
        problem(
          'error',
          'yaml-syntax',
          at(error.pos[0]),
          [],
          `YAML syntax error: ${cleanYamlMessage(error.message)}`,
        ),
      ),
    };
  }
  const warnings = doc.warnings.map((warning) =>
    problem('warning', 'yaml-warning', at(warning.pos[0]), [], `YAML: ${cleanYamlMessage(warning.message)}`),
  );
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
    data: doc.toJS({ maxAliasCount: 100 }) ?? undefined,
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

function cleanYamlMessage(message: string): string {
  // yaml's messages end with " at line L, column C" and may carry a code excerpt: keep the sentence.
  const firstLine = message.split('\n')[0] ?? message;
  return firstLine.replace(/ at line \d+, column \d+:?$/, '').trim();
}
