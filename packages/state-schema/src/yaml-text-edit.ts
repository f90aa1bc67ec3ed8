/**
 * Byte-preserving edits of YAML text for `image-factory migrate`: fields are removed or get a new
 * value in place, at any depth (an entry of images.yaml, a record of a history list), and every
 * other byte — comments, key order, quoting, blank lines, line endings — stays as it was.
 *
 * Edits are collected against the text as parsed and applied at once, from the end backwards, so
 * that offsets stay valid. A removed field takes its whole line(s) with it, including a comment on
 * the same line. At the top level of a file, a paragraph (lines between blank lines) whose fields
 * are all removed goes entirely, with the comment lines heading it: the old tool wrote one comment
 * line above each group of fields (`# Rebuild eligibility`), which would otherwise describe nothing.
 */
import {
  Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  parseDocument,
  type YAMLMap,
} from 'yaml';
import { StateWriteError } from './yaml-edit.js';

type Path = readonly (string | number)[];
type Range = [number, number, number];

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Collects edits of one YAML document's text; {@link result} applies them. */
export class YamlTextEditor {
  private readonly doc: Document.Parsed;
  private readonly edits: Edit[] = [];
  /** Top-level keys removed (handled by paragraphs in {@link result}). */
  private readonly topLevelRemovals = new Set<string>();
  /** Fields removed from flow maps (`{a: 1, b: 2}`), by map: runs of them go with one comma. */
  private readonly flowRemovals = new Map<YAMLMap, Set<Pair<Node, Node | null>>>();
  private readonly newline: string;

  constructor(readonly text: string) {
    this.doc = parseDocument(text, { version: '1.2', keepSourceTokens: false });
    if (this.doc.errors.length > 0)
      throw new StateWriteError(
        `cannot edit a file with YAML errors: ${this.doc.errors[0]?.message.split('\n')[0]}`,
      );
    this.newline = text.includes('\r\n') ? '\r\n' : '\n';
  }

  /** The map at `path` (`[]`: the document), or undefined. */
  map(path: Path): YAMLMap | undefined {
    let node: unknown = this.doc.contents;
    for (const segment of path) {
      if (isMap(node)) node = node.items.find((p) => isScalar(p.key) && p.key.value === segment)?.value;
      else if (isSeq(node) && typeof segment === 'number') node = node.items[segment];
      else return undefined;
    }
    return isMap(node) ? node : undefined;
  }

  private pair(path: Path, key: string): { map: YAMLMap; pair: Pair<Node, Node | null> } | undefined {
    const map = this.map(path);
    const pair = map?.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key) as
      | Pair<Node, Node | null>
      | undefined;
    return map && pair ? { map, pair } : undefined;
  }

  /** Removes the field `key` of the map at `path` (nothing when it is not there). */
  remove(path: Path, key: string): void {
    const found = this.pair(path, key);
    if (!found) return;
    if (path.length === 0 && !found.map.flow) {
      this.topLevelRemovals.add(key);
      return;
    }
    if (found.map.flow) {
      this.flowRemovals.set(found.map, (this.flowRemovals.get(found.map) ?? new Set()).add(found.pair));
      return;
    }
    this.edits.push({ ...this.pairExtent(found.map, found.pair), text: '' });
  }

  /** Gives the scalar field `key` of the map at `path` a new value, written in its old style when possible. */
  setScalar(path: Path, key: string, value: string): void {
    const found = this.pair(path, key);
    const node = found?.pair.value;
    if (!found || !isScalar(node) || !node.range) return;
    const style = node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE' ? node.type : 'PLAIN';
    this.edits.push({ start: node.range[0], end: node.range[1], text: renderScalar(value, style) });
  }

  /** Replaces the field `key` of the map at `path` (key and value; a comment after it stays) with `replacement` (`key: value`). */
  replaceField(path: Path, key: string, replacement: string): void {
    const found = this.pair(path, key);
    if (!found) return;
    const keyRange = (found.pair.key as { range?: Range }).range;
    const valueRange = (found.pair.value as { range?: Range } | null)?.range;
    if (!keyRange) return;
    this.edits.push({ start: keyRange[0], end: valueRange?.[1] ?? keyRange[1], text: replacement });
  }

  /** The edited text. */
  result(): string {
    const edits = [...this.edits, ...this.topLevelEdits(), ...this.flowEdits()].sort(
      (a, b) => b.start - a.start,
    );
    let out = this.text;
    let last = Number.POSITIVE_INFINITY;
    for (const edit of edits) {
      if (edit.end > last) throw new StateWriteError('overlapping edits');
      out = out.slice(0, edit.start) + edit.text.replaceAll('\n', this.newline) + out.slice(edit.end);
      last = edit.start;
    }
    return out;
  }

  /**
   * Removals in flow maps: each run of removed fields goes up to the next kept field, or, at the
   * end of the map, from the end of the last kept one (so that no comma is left dangling).
   */
  private flowEdits(): Edit[] {
    const edits: Edit[] = [];
    for (const [map, removed] of this.flowRemovals) {
      const items = map.items as Pair<Node, Node | null>[];
      const keyStart = (pair: Pair<Node, Node | null>) => (pair.key as { range?: Range }).range?.[0] ?? 0;
      const valueStop = (pair: Pair<Node, Node | null>) =>
        (pair.value as { range?: Range } | null)?.range?.[1] ??
        (pair.key as { range?: Range }).range?.[1] ??
        0;
      // The run of removed fields being passed over, and the last kept field before it.
      let run: { first: Pair<Node, Node | null>; last: Pair<Node, Node | null> } | undefined;
      let kept: Pair<Node, Node | null> | undefined;
      for (const item of items) {
        if (removed.has(item)) {
          run = { first: run?.first ?? item, last: item };
          continue;
        }
        if (run) edits.push({ start: keyStart(run.first), end: keyStart(item), text: '' });
        run = undefined;
        kept = item;
      }
      if (run) {
        edits.push({
          start: kept ? valueStop(kept) : keyStart(run.first),
          end: valueStop(run.last),
          text: '',
        });
      }
    }
    return edits;
  }

  /** Where a field of a block map is in the text: its whole lines. */
  private pairExtent(map: YAMLMap, pair: Pair<Node, Node | null>): { start: number; end: number } {
    const keyStart = (pair.key as { range?: Range }).range?.[0] ?? 0;
    const index = map.items.indexOf(pair as never);
    const next = map.items[index + 1] as Pair<Node, Node | null> | undefined;
    const nextStart = (next?.key as { range?: Range } | undefined)?.range?.[0];
    const lineBegin = this.text.lastIndexOf('\n', keyStart - 1) + 1;
    const before = this.text.slice(lineBegin, keyStart);
    // The first field of a sequence item (`- registry: x`): the next field moves up behind the `- `.
    if (!/^[ \t]*$/.test(before))
      return { start: keyStart, end: nextStart ?? this.lineEnd(this.valueEnd(pair)) };
    return { start: lineBegin, end: this.lineEnd(this.valueEnd(pair)) };
  }

  private valueEnd(pair: Pair<Node, Node | null>): number {
    const valueRange = (pair.value as { range?: Range } | null)?.range;
    const keyRange = (pair.key as { range?: Range }).range;
    return valueRange?.[2] ?? keyRange?.[2] ?? 0;
  }

  /** The offset after the newline ending the line that contains `offset - 1` (or `offset` when at a line start). */
  private lineEnd(offset: number): number {
    if (offset > 0 && this.text[offset - 1] === '\n') return offset;
    const newline = this.text.indexOf('\n', offset);
    return newline === -1 ? this.text.length : newline + 1;
  }

  /** Removals of top-level fields, by whole paragraph when every field of a paragraph goes. */
  private topLevelEdits(): Edit[] {
    if (this.topLevelRemovals.size === 0) return [];
    const root = this.doc.contents;
    if (!isMap(root)) return [];
    const lines = splitLines(this.text);
    const paragraphs: { start: number; end: number; keys: string[] }[] = [];
    let current: { start: number; end: number; keys: string[] } | undefined;
    for (const line of lines) {
      if (line.blank) {
        current = undefined;
        continue;
      }
      if (current === undefined) {
        current = { start: line.start, end: line.end, keys: [] };
        paragraphs.push(current);
      }
      current.end = line.end;
    }
    const pairs = root.items.filter(isPair) as Pair<Node, Node | null>[];
    for (const pair of pairs) {
      const start = (pair.key as { range?: Range }).range?.[0] ?? 0;
      const paragraph = paragraphs.find((p) => p.start <= start && start < p.end);
      if (paragraph && isScalar(pair.key)) paragraph.keys.push(String(pair.key.value));
    }
    const whole = new Set<(typeof paragraphs)[number]>();
    for (const paragraph of paragraphs) {
      if (paragraph.keys.length > 0 && paragraph.keys.every((key) => this.topLevelRemovals.has(key)))
        whole.add(paragraph);
    }
    // Each whole paragraph goes with the blank lines before it (after it, for the first one), and
    // with the rest of a value that runs past a blank line; overlapping spans are merged.
    const spans: [number, number][] = [];
    for (const [index, paragraph] of paragraphs.entries()) {
      if (!whole.has(paragraph)) continue;
      const previous = paragraphs[index - 1];
      const next = paragraphs[index + 1];
      let end = paragraph.end;
      for (const pair of pairs) {
        const start = (pair.key as { range?: Range }).range?.[0] ?? 0;
        if (paragraph.start <= start && start < paragraph.end)
          end = Math.max(end, this.pairExtent(root, pair).end);
      }
      spans.push(
        previous !== undefined ? [previous.end, end] : [paragraph.start, Math.max(end, next?.start ?? end)],
      );
    }
    const edits: Edit[] = [];
    for (const [start, end] of mergeSpans(spans)) edits.push({ start, end, text: '' });
    for (const pair of pairs) {
      if (!isScalar(pair.key) || !this.topLevelRemovals.has(String(pair.key.value))) continue;
      const start = (pair.key as { range?: Range }).range?.[0] ?? 0;
      if (edits.some((edit) => edit.start <= start && start < edit.end)) continue;
      edits.push({ ...this.pairExtent(root, pair), text: '' });
    }
    return edits;
  }
}

function mergeSpans(spans: readonly [number, number][]): [number, number][] {
  const merged: [number, number][] = [];
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

interface Line {
  readonly start: number;
  /** After the line's newline. */
  readonly end: number;
  readonly blank: boolean;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline + 1;
    lines.push({ start, end, blank: /^[ \t]*\r?\n?$/.test(text.slice(start, end)) });
    start = end;
  }
  return lines;
}

/** A string as a YAML scalar in `style`, or in the simplest style that reads back as the same string. */
export function renderScalar(value: string, style: 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE'): string {
  const doc = new Document(value, { version: '1.2' });
  const rendered = doc.toString({ defaultStringType: style, lineWidth: 0 }).replace(/\n$/, '');
  // A plain scalar must read back as the same string under YAML 1.1 too (`yes`, `1.0`).
  if (style === 'PLAIN' && !rendered.startsWith('"') && !rendered.startsWith("'")) {
    const check = parseDocument(`k: ${rendered}`, { version: '1.1' }).toJS() as { k?: unknown } | null;
    if (check?.k !== value) return renderScalar(value, 'QUOTE_DOUBLE');
  }
  return rendered;
}
