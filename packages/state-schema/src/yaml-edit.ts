import {
  type Alias,
  Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  parse,
  visit,
} from 'yaml';
import { parseYamlChecked } from './yaml-source.js';

/**
 * Top-level field edits of a YAML map document that leave every other byte alone: each changed
 * field's `key: value` text is replaced in place, new fields are inserted in canonical order, and
 * a document whose values would not change is returned as is. Inserted text uses the file's line
 * endings; a block list of names keeps the comments of the names it keeps; an alias whose anchor
 * is in replaced text is expanded to the value it had. Every result is read back and must hold
 * exactly the intended data, or nothing is returned.
 */

/** Thrown when a state file cannot be edited (not a YAML map, or a syntax error). */
export class StateWriteError extends Error {
  override readonly name = 'StateWriteError';
}

/** True when a plain (unquoted) YAML scalar `text` would not read back as the same string. */
export function needsQuotes(text: string): boolean {
  if (text === '') return true;
  for (const version of ['1.1', '1.2'] as const) {
    try {
      if (parse(`k: ${text}`, { version }).k !== text) return true;
    } catch {
      return true;
    }
  }
  return false;
}

/** Renders `key: value` as YAML block text ending in a newline; strings YAML would retype are double-quoted. */
export function renderField(key: string, value: unknown): string {
  const doc = new Document({ [key]: value }, { version: '1.2' });
  quoteAmbiguousStrings(doc);
  return doc.toString({ lineWidth: 0, indentSeq: true, nullStr: '' });
}

/** Renders a whole map document: fields in the given order (others after, sorted), undefined omitted. */
export function renderDocument(
  fields: Readonly<Record<string, unknown>>,
  order: readonly string[],
  header = '',
): string {
  const keys = orderedKeys(Object.keys(fields), order).filter((key) => fields[key] !== undefined);
  return header + keys.map((key) => renderField(key, fields[key])).join('');
}

function quoteAmbiguousStrings(doc: Document): void {
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && needsQuotes(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
}

function orderedKeys(keys: readonly string[], order: readonly string[]): string[] {
  const known = order.filter((key) => keys.includes(key));
  const rest = keys.filter((key) => !order.includes(key)).sort();
  return [...known, ...rest];
}

/**
 * Applies `updates` (undefined values are left alone; `null` removes the field) to the top-level
 * map in `text`. Unchanged values (deep-equal) keep their text, comments and formatting.
 * @throws StateWriteError when `text` is not a YAML map or does not parse, or (a bug) when the
 * edited text would not read back as the intended data.
 */
export function applyFieldUpdates(
  text: string,
  updates: Readonly<Record<string, unknown>>,
  order: readonly string[],
): string {
  const checked = parseYamlChecked('', text);
  if (!checked.ok) {
    const first = checked.problems[0];
    const where = first && first.line > 0 ? ` (line ${first.line}, column ${first.col})` : '';
    throw new StateWriteError(
      `cannot update a file with YAML errors: ${first?.message ?? 'unknown'}${where}`,
    );
  }
  const { doc } = checked;
  const contents = doc.contents;
  if (contents !== null && !isMap(contents))
    throw new StateWriteError('cannot update a file that is not a YAML map');
  const current = (checked.data ?? {}) as Record<string, unknown>;
  const eol = lineEnding(text);
  // Edits are applied from the end of the text backwards so earlier offsets stay valid.
  // `rank` orders insertions at one offset: canonical field order, unknown fields after, as given.
  const edits: Edit[] = [];
  const pairs = contents ? contents.items.filter(isPair) : [];
  const keyOf = (pair: (typeof pairs)[number]) => (isScalar(pair.key) ? String(pair.key.value) : undefined);
  const expected: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(updates)) {
    if (value === undefined) continue;
    if (value === null) delete expected[key];
    else expected[key] = value;
    const pair = pairs.find((p) => keyOf(p) === key);
    if (pair) {
      if (value !== null && deepEqual(current[key], value)) continue;
      const keyNode = pair.key as { range?: [number, number, number] };
      const valueNode = pair.value as { range?: [number, number, number] } | null;
      const start = keyNode.range?.[0] ?? 0;
      const end = valueNode?.range?.[1] ?? keyNode.range?.[2] ?? start;
      const original = text.slice(start, end);
      if (value === null) {
        // Remove the whole line(s) of the field, including its newline.
        const lineEnd = text.indexOf('\n', end - (original.endsWith('\n') ? 1 : 0));
        edits.push({
          start,
          end: lineEnd === -1 ? text.length : lineEnd + 1,
          replacement: '',
          insertion: false,
          rank: 0,
        });
        continue;
      }
      const listEdit = editNameList(text, pair, value, eol);
      if (listEdit) {
        edits.push(listEdit);
        continue;
      }
      let replacement = withEol(renderField(key, value), eol);
      if (!original.endsWith('\n')) replacement = replacement.replace(/\r?\n$/, '');
      edits.push({ start, end, replacement, insertion: false, rank: 0 });
    } else {
      if (value === null) continue;
      const point = insertionPoint(text, pairs, keyOf, key, order);
      const needsNewline = point > 0 && text[point - 1] !== '\n';
      edits.push({
        start: point,
        end: point,
        replacement: (needsNewline ? eol : '') + withEol(renderField(key, value), eol),
        insertion: true,
        rank: order.includes(key) ? order.indexOf(key) : order.length + edits.length,
      });
    }
  }
  edits.push(...expandOrphanedAliases(doc, edits));
  // At one offset, replacements go first (an insertion applied first would shift the range the
  // replacement cuts), then insertions by descending rank (each lands in front of the previous one,
  // so the fields end up in ascending rank).
  edits.sort((a, b) => b.start - a.start || Number(a.insertion) - Number(b.insertion) || b.rank - a.rank);
  let out = text;
  for (const edit of edits) out = out.slice(0, edit.start) + edit.replacement + out.slice(edit.end);
  // Never hand back text that does not load as the intended document.
  const reread = parseYamlChecked('', out);
  if (
    !reread.ok ||
    (reread.data !== undefined && !isPlainObject(reread.data)) ||
    !deepEqual(reread.data ?? {}, expected)
  ) {
    throw new StateWriteError(
      'the edited file would not read back as intended (nothing was written); please report this with the file',
    );
  }
  return out;
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
  readonly insertion: boolean;
  readonly rank: number;
}

/** The file's line ending: that of its first line (`\n` for a file without one). */
function lineEnding(text: string): '\n' | '\r\n' {
  const newline = text.indexOf('\n');
  return newline > 0 && text[newline - 1] === '\r' ? '\r\n' : '\n';
}

function withEol(rendered: string, eol: '\n' | '\r\n'): string {
  return eol === '\n' ? rendered : rendered.replace(/\n/g, eol);
}

function isPlainObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Replacing a field drops the anchors (`&name`) written in it. Every alias (`*name`) outside the
 * replaced text that named such an anchor is replaced by the value it stood for, so it neither
 * dangles nor silently picks up another anchor of the same name.
 */
function expandOrphanedAliases(doc: Document.Parsed, edits: readonly Edit[]): Edit[] {
  const cut = edits.filter((edit) => !edit.insertion && edit.end > edit.start);
  if (cut.length === 0) return [];
  const inside = (offset: number) => cut.some((edit) => offset >= edit.start && offset < edit.end);
  const anchors = new Map<string, Node>();
  const orphans: { alias: Alias; target: Node }[] = [];
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      const at = node.range?.[0];
      const targetAt = target?.range?.[0];
      if (target && at !== undefined && targetAt !== undefined && !inside(at) && inside(targetAt)) {
        orphans.push({ alias: node, target });
      }
    } else if ((isScalar(node) || isCollection(node)) && node.anchor) {
      anchors.set(node.anchor, node);
    }
  });
  return orphans.map(({ alias, target }) => ({
    start: alias.range?.[0] ?? 0,
    end: alias.range?.[1] ?? 0,
    replacement: renderFlow(target.toJS(doc, { maxAliasCount: -1 })),
    insertion: false,
    rank: 0,
  }));
}

/** `value` as one line of YAML (flow collections, double-quoted strings), for an expanded alias. */
function renderFlow(value: unknown): string {
  const doc = new Document(value, { version: '1.2' });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string') node.type = 'QUOTE_DOUBLE';
    },
    Map(_key, node) {
      node.flow = true;
    },
    Seq(_key, node) {
      node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false }).replace(/\n$/, '');
}

/** One list item as YAML text (quoted when YAML would read it as something else). */
function renderItem(value: string): string {
  const doc = new Document(value, { version: '1.2' });
  quoteAmbiguousStrings(doc);
  return doc.toString({ lineWidth: 0 }).replace(/\n$/, '');
}

/**
 * Rewrites a block list of plain names (such as `baseImages`) line by line: kept names keep their
 * lines with their comments (the comment lines directly above a name, and anything after it up to
 * the next name, belong to it), new names get a line of the same indentation, and the lines of
 * removed names go. Undefined when the list is not of that simple shape (the whole field is then
 * rendered anew).
 */
function editNameList(text: string, pair: Pair, value: unknown, eol: '\n' | '\r\n'): Edit | undefined {
  const seq = pair.value;
  if (!isSeq(seq) || seq.flow || seq.items.length === 0) return undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string'))
    return undefined;
  const chunks: { value: string; start: number; lineStart: number; end: number }[] = [];
  let indent: string | undefined;
  for (const item of seq.items) {
    if (!isScalar(item) || typeof item.value !== 'string' || item.anchor || item.tag || !item.range)
      return undefined;
    if (item.type !== 'PLAIN' && item.type !== 'QUOTE_DOUBLE' && item.type !== 'QUOTE_SINGLE')
      return undefined;
    const [from, to] = item.range;
    if (text.slice(from, to).includes('\n')) return undefined;
    const lineStart = text.lastIndexOf('\n', from - 1) + 1;
    const prefix = /^([ \t]*)-[ \t]+$/.exec(text.slice(lineStart, from));
    if (!prefix) return undefined;
    indent ??= prefix[1];
    const newline = text.indexOf('\n', to);
    chunks.push({
      value: item.value,
      start: aboveLeadingComments(text, lineStart),
      lineStart,
      end: newline === -1 ? text.length : newline + 1,
    });
  }
  const first = chunks[0];
  const last = chunks[chunks.length - 1];
  if (!first || !last) return undefined;
  // The comments above the first name stay at the top only when a blank line separates them.
  const regionStart = first.start;
  const regionEnd = last.end;
  const texts = chunks.map((chunk, i) => {
    const next = chunks[i + 1];
    const body = text.slice(chunk.start, next ? next.start : regionEnd);
    return body.endsWith('\n') ? body : body + eol;
  });
  const used = new Set<number>();
  let out = '';
  for (const name of value as string[]) {
    const found = chunks.findIndex((chunk, i) => !used.has(i) && chunk.value === name);
    if (found === -1) {
      out += `${indent ?? '  '}- ${renderItem(name)}${eol}`;
    } else {
      used.add(found);
      out += texts[found];
    }
  }
  if (!text.slice(regionStart, regionEnd).endsWith('\n')) out = out.replace(/\r?\n$/, '');
  return { start: regionStart, end: regionEnd, replacement: out, insertion: false, rank: 0 };
}

function insertionPoint<P extends { key: unknown; value: unknown }>(
  text: string,
  pairs: readonly P[],
  keyOf: (pair: P) => string | undefined,
  key: string,
  order: readonly string[],
): number {
  const rank = order.indexOf(key);
  if (rank !== -1) {
    const next = pairs.find((p) => order.indexOf(keyOf(p) ?? '') > rank);
    const start = (next?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
    if (start !== undefined) return aboveLeadingComments(text, lineStart(text, start));
  }
  const last = pairs.at(-1);
  if (!last) return text.length;
  const valueEnd =
    (last.value as { range?: [number, number, number] } | null)?.range?.[1] ??
    (last.key as { range?: [number, number, number] }).range?.[2] ??
    text.length;
  if (valueEnd > 0 && text[valueEnd - 1] === '\n') return valueEnd;
  const newline = text.indexOf('\n', valueEnd);
  return newline === -1 ? text.length : newline + 1;
}

/** Moves an insertion point at a line start above the comment lines directly preceding it. */
function aboveLeadingComments(text: string, offset: number): number {
  let at = offset;
  while (at > 0) {
    const previous = lineStart(text, at - 1);
    if (!text.slice(previous, at).trimStart().startsWith('#')) break;
    at = previous;
  }
  return at;
}

function lineStart(text: string, offset: number): number {
  const previous = text.lastIndexOf('\n', offset - 1);
  return previous + 1;
}

/** Structural equality of plain YAML data. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]))
    );
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
    return (
      ka.length === kb.length &&
      ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return false;
}
