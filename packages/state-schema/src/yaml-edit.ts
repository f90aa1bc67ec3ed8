import { Document, isMap, isPair, isScalar, parse, parseDocument, visit } from 'yaml';

/**
 * Top-level field edits of a YAML map document that leave every other byte alone: each changed
 * field's `key: value` text is replaced in place, new fields are inserted in canonical order, and
 * a document whose values would not change is returned as is.
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
 */
export function applyFieldUpdates(
  text: string,
  updates: Readonly<Record<string, unknown>>,
  order: readonly string[],
): string {
  const doc = parseDocument(text, { version: '1.2' });
  if (doc.errors.length > 0) {
    throw new StateWriteError(
      `cannot update a file with YAML errors: ${doc.errors[0]?.message.split('\n')[0]}`,
    );
  }
  const contents = doc.contents;
  if (contents !== null && !isMap(contents))
    throw new StateWriteError('cannot update a file that is not a YAML map');
  const current = (doc.toJS() ?? {}) as Record<string, unknown>;
  let out = text;
  // Edits are applied from the end of the text backwards so earlier offsets stay valid.
  // `rank` orders insertions at one offset: canonical field order, unknown fields after, as given.
  const edits: { start: number; end: number; replacement: string; insertion: boolean; rank: number }[] = [];
  const pairs = contents ? contents.items.filter(isPair) : [];
  const keyOf = (pair: (typeof pairs)[number]) => (isScalar(pair.key) ? String(pair.key.value) : undefined);
  for (const [key, value] of Object.entries(updates)) {
    if (value === undefined) continue;
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
      let replacement = renderField(key, value);
      if (!original.endsWith('\n')) replacement = replacement.replace(/\n$/, '');
      edits.push({ start, end, replacement, insertion: false, rank: 0 });
    } else {
      if (value === null) continue;
      const point = insertionPoint(text, pairs, keyOf, key, order);
      const needsNewline = point > 0 && text[point - 1] !== '\n';
      edits.push({
        start: point,
        end: point,
        replacement: (needsNewline ? '\n' : '') + renderField(key, value),
        insertion: true,
        rank: order.includes(key) ? order.indexOf(key) : order.length + edits.length,
      });
    }
  }
  // At one offset, replacements go first (an insertion applied first would shift the range the
  // replacement cuts), then insertions by descending rank (each lands in front of the previous one,
  // so the fields end up in ascending rank).
  edits.sort((a, b) => b.start - a.start || Number(a.insertion) - Number(b.insertion) || b.rank - a.rank);
  for (const edit of edits) out = out.slice(0, edit.start) + edit.replacement + out.slice(edit.end);
  return out;
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
