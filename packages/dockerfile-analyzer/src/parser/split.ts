// Splitting a logical Dockerfile line like BuildKit's parser: the instruction keyword, the leading
// `--flags`, and the arguments of the instructions the analyzer cares about.

import { isSpace, trimLeftSpace, trimSpace } from '../chars.js';

const TOKEN_WHITESPACE = /[\t\v\f\r ]+/;
const TOKEN_WHITESPACE_ALL = /[\t\v\f\r ]+/g;

/** The keyword, flags and remaining argument text of a line (BuildKit's `splitCommand`). */
export interface SplitCommand {
  /** The keyword as written, e.g. `From`. */
  readonly keyword: string;
  /** The `--flag[=value]` words before the arguments, quotes and escapes removed. */
  readonly flags: readonly string[];
  /** The argument text after the flags, trimmed. */
  readonly args: string;
}

export function splitCommand(line: string): SplitCommand {
  const trimmed = trimSpace(line);
  // `search` and a loop rather than `exec`: no match array per instruction.
  const space = trimmed.search(TOKEN_WHITESPACE);
  if (space === -1) return { keyword: trimmed, flags: NO_FLAGS, args: '' };
  let after = space + 1;
  while (isTokenSpace(trimmed.charCodeAt(after))) after++;
  const { rest, flags } = extractBuilderFlags(trimmed.slice(after));
  return { keyword: trimmed.slice(0, space), flags, args: trimSpace(rest) };
}

/** The characters of `[\t\v\f\r ]`. */
function isTokenSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0b || code === 0x0c || code === 0x0d;
}

/** The flags of an instruction without any (shared, never modified). */
const NO_FLAGS: readonly string[] = [];

/** The leading `--flag` words of `line` and what follows them (BuildKit's `extractBuilderFlags`). */
export function extractBuilderFlags(line: string): { rest: string; flags: readonly string[] } {
  // Most instructions have no flags (and an empty line has none): answer them without the word
  // loop or a new array. The length is checked before reading the first character.
  if (line.length === 0) return { rest: line, flags: NO_FLAGS };
  const first = line.charCodeAt(0);
  if (first !== 0x2d /* - */ && !isSpace(first)) return { rest: line, flags: NO_FLAGS };
  const flags: string[] = [];
  let pos = 0;
  for (;;) {
    while (pos < line.length && isSpace(line.charCodeAt(pos))) pos++;
    if (pos === line.length) return { rest: '', flags };
    if (line[pos] !== '-' || line[pos + 1] !== '-') return { rest: line.slice(pos), flags };
    // A word: runs of plain characters, quoted parts (quotes removed) and backslash escapes.
    let word = '';
    let blankOK = false;
    let quote = '';
    while (pos < line.length) {
      const ch = line[pos] ?? '';
      if (quote === '') {
        if (isSpace(line.charCodeAt(pos))) break;
        if (ch === "'" || ch === '"') {
          quote = ch;
          blankOK = true;
          pos++;
          continue;
        }
      } else if (ch === quote) {
        quote = '';
        pos++;
        continue;
      }
      if (ch === '\\') {
        if (pos + 1 === line.length) {
          quote = '';
          pos++;
          continue;
        }
        word += line[pos + 1] ?? '';
        pos += 2;
        continue;
      }
      const start = pos;
      pos++;
      while (pos < line.length) {
        const next = line[pos];
        if (next === '\\' || next === "'" || next === '"' || (quote === '' && isSpace(line.charCodeAt(pos))))
          break;
        pos++;
      }
      word += line.slice(start, pos);
    }
    if (pos === line.length) {
      if (word !== '--' && (blankOK || word.length > 0)) flags.push(word);
      return { rest: '', flags };
    }
    if (word === '--') return { rest: line.slice(pos), flags };
    if (blankOK || word.length > 0) flags.push(word);
  }
}

/**
 * Words separated by blanks, quotes and escapes kept (BuildKit's `parseWords`, used by ARG). The
 * character-by-character state machine mirrors BuildKit's
 * (frontend/dockerfile/parser/line_parsers.go), including its final step past the last character.
 */
export function parseWords(rest: string, escapeToken: string): string[] {
  const words: string[] = [];
  const chars = Array.from(rest);
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = '';
  let blankOK = false;
  let word = '';
  for (let pos = 0; pos <= chars.length; pos++) {
    const atEnd = pos === chars.length;
    let ch = atEnd ? '' : (chars[pos] ?? '');
    if (phase === 'spaces') {
      if (atEnd) break;
      if (isSpace(ch.codePointAt(0) ?? 0)) continue;
      phase = 'word';
    }
    if (atEnd) {
      if (blankOK || word.length > 0) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch.codePointAt(0) ?? 0)) {
        phase = 'spaces';
        if (blankOK || word.length > 0) words.push(word);
        word = '';
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = 'quote';
      }
      if (ch === escapeToken) {
        if (pos + 1 === chars.length) continue;
        word += ch;
        pos++;
        ch = chars[pos] ?? '';
      }
      word += ch;
      continue;
    }
    // phase === 'quote'
    if (ch === quote) phase = 'word';
    if (ch === escapeToken && quote !== "'") {
      if (pos + 1 === chars.length) {
        phase = 'word';
        continue;
      }
      pos++;
      word += ch;
      ch = chars[pos] ?? '';
    }
    word += ch;
  }
  return words;
}

/** `[\t\v\f\r ]+`-separated words (BuildKit's `parseStringsWhitespaceDelimited`, used by FROM). */
export function splitWhitespace(rest: string): string[] {
  if (rest === '') return [];
  return rest.split(TOKEN_WHITESPACE_ALL);
}

/** Thrown for a JSON array with non-string elements (a BuildKit parse error). */
export class NotStringArrayError extends Error {
  constructor() {
    super('when using JSON array syntax, arrays must be comprised of strings only');
  }
}

/** True when `rest` is a JSON array of strings (exec form); throws {@link NotStringArrayError}. */
export function isJsonForm(rest: string): boolean {
  const trimmed = trimLeftSpace(rest);
  if (!trimmed.startsWith('[')) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return false;
  }
  if (!Array.isArray(parsed)) return false;
  if (parsed.some((item) => typeof item !== 'string')) throw new NotStringArrayError();
  return true;
}
