// Shell-word processing as BuildKit's lexer (frontend/dockerfile/shell/lex.go), scanning
// character by character as it does: quote removal, escapes
// (with the Dockerfile's escape character) and variable expansion `$V`, `${V}`, `${V:-w}`,
// `${V-w}`, `${V:+w}`, `${V+w}`, `${V:?m}`, `${V?m}`, `${V#p}`, `${V##p}`, `${V%p}`, `${V%%p}`,
// `${V/p/r}`, `${V//p/r}`. Records which variable names were found and which were not.

import { isDigit, isLetter, isSpace } from '../chars.js';
import { type ExpansionBudget, ExpansionLimitError, MAX_WORD_LENGTH, ShellSyntaxError } from './errors.js';
import { replaceAll, replaceFirst, trimPrefix, trimSuffix } from './pattern.js';

export {
  ExpansionBudget,
  ExpansionLimitError,
  MAX_EXPANSION_TOTAL,
  MAX_MATCH_STEPS,
  MAX_WORD_LENGTH,
  ShellSyntaxError,
} from './errors.js';

/** Variables visible to an expansion. `undefined` means unset (different from empty). */
export interface Env {
  get(name: string): string | undefined;
}

/** How to process a word. */
export interface LexOptions {
  /** The Dockerfile's escape character, `\` or a backtick. */
  readonly escape: string;
  /** Keep quote characters in the result. */
  readonly rawQuotes?: boolean;
  /** Keep escape characters in the result. */
  readonly rawEscapes?: boolean;
  /** Leave references to unset variables as written. */
  readonly skipUnsetEnv?: boolean;
  /** Split the result into words (as `ProcessWords`). */
  readonly words?: boolean;
  /** Charged with every expanded word; shared by all expansions of one Dockerfile. */
  readonly budget?: ExpansionBudget | undefined;
}

/** The processed word. */
export interface LexResult {
  /** The word after quote removal and expansion. */
  readonly value: string;
  /** The result split into words (only when requested). */
  readonly words: readonly string[];
  /** Names that were looked up and found. */
  readonly matched: ReadonlySet<string>;
  /** Names that were looked up and not found. */
  readonly unmatched: ReadonlySet<string>;
}

/** No variables at all. */
export const EMPTY_ENV: Env = { get: () => undefined };

const EOF = -1;
const DOLLAR = 0x24;
const SINGLE_QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const LEFT_BRACE = 0x7b;
const RIGHT_BRACE = 0x7d;
const COLON = 0x3a;
const SLASH = 0x2f;
const HASH = 0x23;
const PERCENT = 0x25;
const PLUS = 0x2b;
const MINUS = 0x2d;
const QUESTION = 0x3f;
const UNDERSCORE = 0x5f;
const SPECIAL_PARAMS = new Set([0x40, 0x2a, 0x23, 0x3f, 0x2d, 0x24, 0x21, 0x30]); // @ * # ? - $ ! 0
const PLAIN = /^[^$'"\\`]*$/;
const NO_SET: ReadonlySet<string> = new Set();

/**
 * Processes `word` like BuildKit's `Lex.ProcessWordWithMatches` (and `ProcessWords` when
 * `options.words`). Throws {@link ShellSyntaxError} for malformed input, and
 * {@link ExpansionLimitError} (a ShellSyntaxError) when the result would be longer than
 * {@link MAX_WORD_LENGTH} or `options.budget` is spent: BuildKit has no such limit, but it never
 * reads a line longer than that, and an analysis must not hold gigabytes for a 546-byte file.
 */
export function lexWord(word: string, env: Env, options: LexOptions): LexResult {
  if (PLAIN.test(word)) {
    return { value: word, words: options.words ? splitWords(word) : [], matched: NO_SET, unmatched: NO_SET };
  }
  const budget = options.budget;
  if (budget !== undefined && budget.remaining < 0) throw new ExpansionLimitError('total');
  const lexer = new Lexer(word, env, options);
  const { value, words } = lexer.processStopOn(EOF, options.rawEscapes === true);
  checkLength(value);
  if (budget !== undefined) {
    budget.remaining -= value.length;
    if (budget.remaining < 0) throw new ExpansionLimitError('total');
  }
  return { value, words, matched: lexer.matched ?? NO_SET, unmatched: lexer.unmatched ?? NO_SET };
}

/** Throws when an expansion has grown past {@link MAX_WORD_LENGTH}. */
function checkLength(value: string): void {
  if (value.length > MAX_WORD_LENGTH) throw new ExpansionLimitError('word');
}

/** The words of a word without quotes or variables: split on Go's `unicode.IsSpace`, like {@link Words}. */
function splitWords(word: string): string[] {
  const words = new Words();
  words.addString(word);
  return words.get();
}

class Words {
  readonly list: string[] = [];
  buf = '';
  inWord = false;
  addChar(cp: number): void {
    if (isSpace(cp)) {
      if (this.inWord && this.buf !== '') {
        this.list.push(this.buf);
        this.buf = '';
        this.inWord = false;
      }
    } else this.addRawChar(cp);
  }
  addRawChar(cp: number): void {
    this.buf += String.fromCodePoint(cp);
    this.inWord = true;
  }
  addString(s: string): void {
    for (const ch of s) this.addChar(ch.codePointAt(0) ?? 0);
  }
  addRawString(s: string): void {
    this.buf += s;
    this.inWord = true;
  }
  get(): string[] {
    if (this.buf !== '') {
      this.list.push(this.buf);
      this.buf = '';
      this.inWord = false;
    }
    return this.list;
  }
}

class Lexer {
  private pos = 0;
  private rawEscapes: boolean;
  private readonly escape: number;
  matched: Set<string> | undefined;
  unmatched: Set<string> | undefined;

  constructor(
    private readonly src: string,
    private readonly env: Env,
    private readonly options: LexOptions,
  ) {
    this.escape = options.escape.codePointAt(0) ?? 0x5c;
    this.rawEscapes = options.rawEscapes === true;
  }

  private peek(): number {
    return this.pos < this.src.length ? (this.src.codePointAt(this.pos) ?? EOF) : EOF;
  }

  private next(): number {
    if (this.pos >= this.src.length) return EOF;
    const cp = this.src.codePointAt(this.pos) ?? EOF;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  processStopOn(stop: number, rawEscapes: boolean): { value: string; words: string[] } {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      return this.scan(stop);
    } finally {
      this.rawEscapes = saved;
    }
  }

  private scan(stop: number): { value: string; words: string[] } {
    const collect = this.options.words === true;
    const words = new Words();
    let result = '';
    for (let ch = this.peek(); ch !== EOF; ch = this.peek()) {
      if (stop !== EOF && ch === stop) {
        this.next();
        return { value: result, words: collect ? words.get() : [] };
      }
      if (ch === DOLLAR) {
        const tmp = this.processDollar();
        result += tmp;
        checkLength(result);
        if (collect) words.addString(tmp);
        continue;
      }
      if (ch === SINGLE_QUOTE || ch === DOUBLE_QUOTE) {
        const tmp = ch === SINGLE_QUOTE ? this.processSingleQuote() : this.processDoubleQuote();
        result += tmp;
        checkLength(result);
        if (collect) words.addRawString(tmp);
        continue;
      }
      if (!collect) {
        // A run of plain characters is copied in one slice rather than one character at a time.
        const run = this.plainRun(stop);
        if (run !== '') {
          result += run;
          continue;
        }
      }
      let c = this.next();
      if (c === this.escape) {
        if (this.rawEscapes) {
          if (collect) words.addRawChar(c);
          result += String.fromCodePoint(c);
        }
        c = this.next();
        if (c === EOF) break;
        if (collect) words.addRawChar(c);
      } else if (collect) {
        words.addChar(c);
      }
      result += String.fromCodePoint(c);
    }
    if (stop !== EOF) {
      throw new ShellSyntaxError(
        `unexpected end of statement while looking for matching ${String.fromCodePoint(stop)}`,
      );
    }
    return { value: result, words: collect ? words.get() : [] };
  }

  /**
   * Consumes and returns the characters up to the next `$`, quote, escape character, `stop` or
   * surrogate (those take the character-by-character path).
   */
  private plainRun(stop: number): string {
    const src = this.src;
    const start = this.pos;
    let end = start;
    while (end < src.length) {
      const c = src.charCodeAt(end);
      if (c === DOLLAR || c === SINGLE_QUOTE || c === DOUBLE_QUOTE || c === this.escape || c === stop) break;
      if (c >= 0xd800 && c <= 0xdfff) break;
      end++;
    }
    this.pos = end;
    return src.slice(start, end);
  }

  private processSingleQuote(): string {
    let result = '';
    const open = this.next();
    if (this.options.rawQuotes) result += String.fromCodePoint(open);
    for (;;) {
      const ch = this.next();
      if (ch === EOF) {
        throw new ShellSyntaxError('unexpected end of statement while looking for matching single-quote');
      }
      if (ch === SINGLE_QUOTE) {
        if (this.options.rawQuotes) result += "'";
        return result;
      }
      result += String.fromCodePoint(ch);
    }
  }

  private processDoubleQuote(): string {
    let result = '';
    const open = this.next();
    if (this.options.rawQuotes) result += String.fromCodePoint(open);
    for (;;) {
      const peeked = this.peek();
      if (peeked === EOF) {
        throw new ShellSyntaxError('unexpected end of statement while looking for matching double-quote');
      }
      if (peeked === DOUBLE_QUOTE) {
        this.next();
        if (this.options.rawQuotes) result += '"';
        return result;
      }
      if (peeked === DOLLAR) {
        result += this.processDollar();
        checkLength(result);
        continue;
      }
      let ch = this.next();
      if (ch === this.escape) {
        if (this.rawEscapes) result += String.fromCodePoint(ch);
        const after = this.peek();
        if (after === EOF) continue;
        if (after === DOUBLE_QUOTE || after === DOLLAR || after === this.escape) ch = this.next();
      }
      result += String.fromCodePoint(ch);
    }
  }

  private processDollar(): string {
    this.next(); // $
    if (this.peek() !== LEFT_BRACE) {
      const name = this.processName();
      if (name === '') return '$';
      const value = this.getEnv(name);
      if (value === undefined && this.options.skipUnsetEnv) return `$${name}`;
      return value ?? '';
    }
    this.next(); // {
    const first = this.peek();
    if (first === EOF) throw new ShellSyntaxError("syntax error: missing '}'");
    if (first === LEFT_BRACE || first === RIGHT_BRACE || first === COLON) {
      throw new ShellSyntaxError('syntax error: bad substitution');
    }
    const name = this.processName();
    let ch = this.next();
    let chs = ch === EOF ? '' : String.fromCodePoint(ch);
    let nullIsUnset = false;
    if (ch === RIGHT_BRACE) {
      const value = this.getEnv(name);
      if (value === undefined && this.options.skipUnsetEnv) return `\${${name}}`;
      return value ?? '';
    }
    if (ch === SLASH) return this.processReplace(name);
    if (ch === COLON) {
      nullIsUnset = true;
      ch = this.next();
      chs += ch === EOF ? '' : String.fromCodePoint(ch);
    } else if (ch !== PLUS && ch !== MINUS && ch !== QUESTION && ch !== HASH && ch !== PERCENT) {
      throw new ShellSyntaxError(`unsupported modifier (${chs}) in substitution`);
    }
    const rawEscapes = ch === HASH || ch === PERCENT;
    if (nullIsUnset && rawEscapes)
      throw new ShellSyntaxError(`unsupported modifier (${chs}) in substitution`);
    let word: string;
    try {
      word = this.processStopOn(RIGHT_BRACE, rawEscapes).value;
    } catch (error) {
      if (this.peek() === EOF) throw new ShellSyntaxError("syntax error: missing '}'");
      throw error;
    }
    const value = this.getEnv(name);
    const set = value !== undefined;
    if (this.options.skipUnsetEnv && !set) return `\${${name}${chs}${word}}`;
    const empty = !set || (nullIsUnset && value === '');
    switch (ch) {
      case MINUS:
        return empty ? word : (value ?? '');
      case PLUS:
        return empty ? '' : word;
      case QUESTION:
        if (!set) throw new ShellSyntaxError(`${name}: ${word === '' ? 'is not allowed to be unset' : word}`);
        if (nullIsUnset && value === '') {
          throw new ShellSyntaxError(`${name}: ${word === '' ? 'is not allowed to be empty' : word}`);
        }
        return value ?? '';
      case HASH:
      case PERCENT: {
        const marker = String.fromCodePoint(ch);
        const greedy = word.startsWith(marker);
        const pattern = greedy ? word.slice(1) : word;
        return ch === PERCENT
          ? trimSuffix(pattern, value ?? '', greedy, this.options.budget)
          : trimPrefix(pattern, value ?? '', greedy, this.options.budget);
      }
      default:
        throw new ShellSyntaxError(`unsupported modifier (${chs}) in substitution`);
    }
  }

  private processReplace(name: string): string {
    const all = this.peek() === SLASH;
    if (all) this.next();
    let pattern: string;
    try {
      pattern = this.processStopOn(SLASH, true).value;
    } catch (error) {
      if (this.peek() === EOF) throw new ShellSyntaxError("syntax error: missing '/' in ${}");
      throw error;
    }
    let replacement: string;
    try {
      replacement = this.processStopOn(RIGHT_BRACE, true).value;
    } catch (error) {
      if (this.peek() === EOF) throw new ShellSyntaxError("syntax error: missing '}'");
      throw error;
    }
    const value = this.getEnv(name);
    if (value === undefined && this.options.skipUnsetEnv) return `\${${name}/${pattern}/${replacement}}`;
    return all
      ? replaceAll(pattern, value ?? '', replacement, MAX_WORD_LENGTH, this.options.budget)
      : replaceFirst(pattern, value ?? '', replacement, this.options.budget);
  }

  private processName(): string {
    let name = '';
    for (let ch = this.peek(); ch !== EOF; ch = this.peek()) {
      if (name === '' && isDigit(ch)) {
        while (this.peek() !== EOF && isDigit(this.peek())) name += String.fromCodePoint(this.next());
        return name;
      }
      if (name === '' && SPECIAL_PARAMS.has(ch)) {
        this.next();
        return String.fromCodePoint(ch);
      }
      if (!isLetter(ch) && !isDigit(ch) && ch !== UNDERSCORE) break;
      name += String.fromCodePoint(this.next());
    }
    return name;
  }

  private getEnv(name: string): string | undefined {
    const value = this.env.get(name);
    if (value !== undefined) {
      this.matched ??= new Set();
      this.matched.add(name);
    } else {
      this.unmatched ??= new Set();
      this.unmatched.add(name);
    }
    return value;
  }
}
