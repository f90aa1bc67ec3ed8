// Parser directives (`# syntax=`, `# escape=`, `# check=`) with BuildKit's quirks: only in the
// leading block of comment lines, keys case-insensitive, each at most once, the first other line
// (blank line, plain comment, instruction, unknown key) ends the block.

import { trimLeftSpace } from '../chars.js';

const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*([^\n]+?)[\t\n\f\r ]*$/;
const VALID = new Set(['syntax', 'escape', 'check']);

/** A parser directive found in the leading block. */
export interface Directive {
  /** Lowercased key: `syntax`, `escape` or `check`. */
  readonly name: string;
  readonly value: string;
  /** 1-based line. */
  readonly line: number;
}

/** Thrown for a repeated directive or an invalid escape character (a BuildKit parse error). */
export class DirectiveError extends Error {}

/** Recognizes directives line by line, like BuildKit's `DirectiveParser`. */
export class DirectiveParser {
  private done = false;
  private readonly seen = new Set<string>();
  readonly found: Directive[] = [];

  constructor(private readonly comment = '#') {}

  /** True once the directive block has ended: later lines are never directives. */
  get finished(): boolean {
    return this.done;
  }

  /** Looks at one line (1-based `line`); returns the directive it holds, if any. */
  parseLine(text: string, line: number): Directive | undefined {
    if (this.done) return undefined;
    if (!text.startsWith(this.comment)) {
      this.done = true;
      return undefined;
    }
    const match = DIRECTIVE.exec(trimLeftSpace(text.slice(this.comment.length)));
    const name = match?.[1]?.toLowerCase();
    if (!match || name === undefined || !VALID.has(name)) {
      this.done = true;
      return undefined;
    }
    if (this.seen.has(name)) throw new DirectiveError(`only one ${name} parser directive can be used`);
    this.seen.add(name);
    const directive = { name, value: match[2] ?? '', line };
    this.found.push(directive);
    return directive;
  }
}

/** A directive read by {@link detectDirective}. */
export interface DetectedDirective {
  readonly value: string;
  readonly line: number;
}

/** The `syntax` and `check` directives of a file, as {@link detectDirectives} finds them. */
export interface DetectedDirectives {
  readonly syntax?: DetectedDirective | undefined;
  readonly check?: DetectedDirective | undefined;
}

const NONE: DetectedDirectives = {};

/**
 * Finds the directives the way BuildKit chooses the frontend (`DetectSyntax`) and reads `# check=`:
 * BOM and a `#!` shebang line skipped, then the leading `#` block (one pass for both keys); for
 * `syntax` also a `//` block and a JSON document with a string `syntax` key. Never throws.
 */
export function detectDirectives(text: string): DetectedDirectives {
  // Fast path: a file that starts with a letter (FROM, ARG, ...) has neither a comment block nor a
  // JSON document, so no directive.
  const first = text.charCodeAt(text.charCodeAt(0) === 0xfeff ? 1 : 0);
  if ((first >= 0x41 && first <= 0x5a) || (first >= 0x61 && first <= 0x7a)) return NONE;
  let body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let offset = 0;
  const firstBreak = body.indexOf('\n');
  const firstLine = firstBreak === -1 ? body : body.slice(0, firstBreak);
  if (firstLine.startsWith('#!')) {
    body = firstBreak === -1 ? '' : body.slice(firstBreak + 1);
    offset = 1;
  }
  const hash = commentBlock(body, offset, '#');
  const check = hash.get('check');
  const syntax =
    hash.get('syntax') ?? commentBlock(body, offset, '//').get('syntax') ?? jsonSyntax(body, offset);
  return syntax === undefined && check === undefined ? NONE : { syntax, check };
}

/** The directives of the leading block of `comment` lines (up to the first other or repeated one). */
function commentBlock(body: string, offset: number, comment: string): Map<string, DetectedDirective> {
  const found = new Map<string, DetectedDirective>();
  const parser = new DirectiveParser(comment);
  let start = 0;
  for (let line = offset + 1; start <= body.length; line++) {
    const end = body.indexOf('\n', start);
    let text = end === -1 ? body.slice(start) : body.slice(start, end);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    let directive: Directive | undefined;
    try {
      directive = parser.parseLine(text, line);
    } catch {
      break;
    }
    if (!directive) break;
    found.set(directive.name, { value: directive.value, line: directive.line });
    if (end === -1) break;
    start = end + 1;
  }
  return found;
}

function jsonSyntax(body: string, offset: number): DetectedDirective | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  try {
    const json: unknown = JSON.parse(body);
    if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
      const value = (json as Record<string, unknown>).syntax;
      if (typeof value === 'string') return { value, line: offset };
    }
  } catch {
    // not JSON
  }
  return undefined;
}
