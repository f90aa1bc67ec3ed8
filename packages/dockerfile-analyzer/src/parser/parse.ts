// The Dockerfile line scanner, following BuildKit's frontend/dockerfile/parser: BOM, CRLF,
// directives, continuation lines (escape character as the last non-blank character, unless it is
// itself escaped), comment and blank lines inside continuations, heredocs (bodies are never
// instructions) and ONBUILD sub-instructions. Produces nodes; never throws.

import { trimLeftSpace, utf8Length } from '../chars.js';
import { EMPTY_ENV, lexWord } from '../shell/lex.js';
import { DirectiveError, DirectiveParser } from './directives.js';
import { isJsonForm, parseWords, splitCommand, splitWhitespace } from './split.js';

/** One instruction (a logical line). */
export interface Node {
  /** The keyword as written, e.g. `From`. */
  readonly keyword: string;
  /** The keyword lowercased, e.g. `from`. */
  readonly command: string;
  /** `--flag[=value]` words, quotes removed. */
  readonly flags: readonly string[];
  /** Argument text after the flags. */
  readonly args: string;
  /** FROM: whitespace-separated words; ARG: shell words (quotes kept). */
  readonly words: readonly string[];
  /** Exec (JSON array) form. */
  readonly json: boolean;
  /** ONBUILD: the trigger instruction. */
  readonly trigger?: Node | undefined;
  /** 1-based first line. */
  readonly startLine: number;
  /** 1-based last line (including heredoc bodies). */
  readonly endLine: number;
}

/** A problem found while scanning. */
export interface ParseProblem {
  readonly line: number;
  readonly code:
    | 'InvalidDirective'
    | 'LineTooLong'
    | 'UnterminatedHeredoc'
    | 'ParseError'
    | 'NoEmptyContinuation';
  readonly message: string;
}

/** The scanned file. */
export interface ParsedDockerfile {
  readonly nodes: readonly Node[];
  /** The escape character in effect (`\` or a backtick). */
  readonly escape: string;
  readonly problems: readonly ParseProblem[];
}

/** BuildKit reads lines with bufio.Scanner: a line may not exceed 64 KiB - 1 bytes. */
export const MAX_LINE_BYTES = 65535;

const HEREDOC = /^([0-9]*)<<(-?)([^<]*)$/;
/** The words of instructions that have none (shared, never modified). */
const NO_WORDS: readonly string[] = [];
const SPACE = 0x20;
const TAB = 0x09;
const HEREDOC_INSTRUCTIONS = new Set(['add', 'copy', 'run']);

interface Heredoc {
  readonly name: string;
  readonly chomp: boolean;
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  if (lines[0]?.startsWith('\uFEFF')) lines[0] = lines[0].slice(1);
  const directives = new DirectiveParser();
  const problems: ParseProblem[] = [];
  const nodes: Node[] = [];
  let escapeToken = '\\';
  let next = 0;

  // BuildKit's scanner rejects lines over MAX_LINE_BYTES. A UTF-16 unit is at most 3 UTF-8 bytes,
  // so only a line longer than a third of the limit needs its bytes counted.
  const tooLong = (index: number): boolean => {
    const line = lines[index] ?? '';
    if (line.length * 3 <= MAX_LINE_BYTES || utf8Length(line) <= MAX_LINE_BYTES) return false;
    problems.push({
      line: index + 1,
      code: 'LineTooLong',
      message: `dockerfile line greater than max allowed size of ${MAX_LINE_BYTES} bytes`,
    });
    return true;
  };

  const directive = (line: string, number: number): void => {
    if (directives.finished) return;
    try {
      const found = directives.parseLine(line, number);
      if (found?.name === 'escape') {
        if (found.value !== '\\' && found.value !== '`') {
          throw new DirectiveError(`invalid escape token '${found.value}' does not match \` or \\`);
        }
        escapeToken = found.value;
      }
    } catch (error) {
      problems.push({ line: number, code: 'InvalidDirective', message: (error as Error).message });
    }
  };

  // BuildKit's parser.Parse (frontend/dockerfile/parser/parser.go): a comment line is dropped, an
  // escape character at the end continues the instruction on the next line.
  scan: while (next < lines.length) {
    if (tooLong(next)) break;
    const startLine = next + 1;
    let first = trimLeftSpace(trimNewline(lines[next] ?? ''));
    next++;
    directive(first, startLine);
    if (first.startsWith('#')) first = '';
    let cut = continuationAt(first, escapeToken);
    let continues = cut !== -1;
    let line = continues ? first.slice(0, cut) : first;
    if (!continues && line === '') continue;

    let emptyContinuation = false;
    while (continues && next < lines.length) {
      if (tooLong(next)) break scan;
      const current = trimNewline(lines[next] ?? '');
      next++;
      directive(current, next);
      const content = trimLeftSpace(current);
      if (content.startsWith('#')) continue;
      if (content === '') {
        emptyContinuation = true;
        continue;
      }
      cut = continuationAt(current, escapeToken);
      continues = cut !== -1;
      line += continues ? current.slice(0, cut) : current;
    }
    if (emptyContinuation) {
      problems.push({ line: next, code: 'NoEmptyContinuation', message: 'Empty continuation line' });
    }

    let node: MutableNode;
    try {
      node = newNode(line, escapeToken, startLine);
    } catch (error) {
      problems.push({ line: startLine, code: 'ParseError', message: (error as Error).message });
      continue;
    }

    if (canContainHeredoc(node) && line.includes('<<')) {
      let heredocs: Heredoc[];
      try {
        heredocs = heredocsFromLine(line);
      } catch (error) {
        problems.push({ line: startLine, code: 'ParseError', message: (error as Error).message });
        heredocs = [];
      }
      for (const heredoc of heredocs) {
        let terminated = false;
        while (next < lines.length) {
          if (tooLong(next)) break scan;
          let candidate = trimNewline(lines[next] ?? '');
          next++;
          if (heredoc.chomp) candidate = candidate.replace(/^\t+/, '');
          if (candidate === heredoc.name) {
            terminated = true;
            break;
          }
        }
        if (!terminated) {
          problems.push({ line: startLine, code: 'UnterminatedHeredoc', message: 'unterminated heredoc' });
          node.endLine = next;
          nodes.push(node);
          break scan;
        }
      }
    }
    node.endLine = next;
    nodes.push(node);
  }
  return { nodes, escape: escapeToken, problems };
}

type MutableNode = { -readonly [K in keyof Node]: Node[K] };

function newNode(line: string, escapeToken: string, startLine: number): MutableNode {
  const { keyword, flags, args } = splitCommand(line);
  const command = keyword.toLowerCase();
  let words: readonly string[] = NO_WORDS;
  let json = false;
  let trigger: Node | undefined;
  switch (command) {
    case 'from':
    case 'expose':
      words = splitWhitespace(args);
      break;
    case 'arg':
      words = parseWords(args, escapeToken);
      break;
    case 'run':
    case 'cmd':
    case 'entrypoint':
    case 'shell':
    case 'add':
    case 'copy':
    case 'volume':
      json = args !== '' && isJsonForm(args);
      break;
    case 'healthcheck': {
      const typeEnd = args.search(/\s/);
      json = typeEnd !== -1 && isJsonForm(args.slice(typeEnd));
      break;
    }
    case 'onbuild':
      if (args !== '') trigger = newNode(args, escapeToken, startLine);
      break;
  }
  return { keyword, command, flags, args, words, json, trigger, startLine, endLine: startLine };
}

function canContainHeredoc(node: Node): boolean {
  const target = node.command === 'onbuild' && node.trigger ? node.trigger : node;
  return HEREDOC_INSTRUCTIONS.has(target.command) && !target.json;
}

/** The heredocs a line opens (`<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`), in order. */
function heredocsFromLine(line: string): Heredoc[] {
  let words: readonly string[];
  try {
    words = lexWord(line, EMPTY_ENV, {
      escape: '\\',
      rawQuotes: true,
      rawEscapes: true,
      skipUnsetEnv: true,
      words: true,
    }).words;
  } catch {
    return [];
  }
  const heredocs: Heredoc[] = [];
  for (const word of words) {
    const match = HEREDOC.exec(word);
    const rest = match?.[3] ?? '';
    if (!match || rest === '') continue;
    const names = lexWord(rest, EMPTY_ENV, { escape: '\\', skipUnsetEnv: true, words: true }).words;
    if (names.length !== 1) continue;
    heredocs.push({ name: names[0] ?? '', chomp: match[2] === '-' });
  }
  return heredocs;
}

/** Strips the line terminator: BuildKit trims every trailing CR and LF. */
function trimNewline(line: string): string {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 0x0d || line.charCodeAt(end - 1) === 0x0a)) end--;
  return end === line.length ? line : line.slice(0, end);
}

/**
 * BuildKit's continuation rule `([^E])E[ \t]*$|^E[ \t]*$` for escape character E: the escape
 * character as the last non-blank character continues the line unless it is itself escaped.
 * Returns where the continued text ends (the escape character's index), or -1.
 */
function continuationAt(line: string, escapeToken: string): number {
  let end = line.length;
  const escapeCode = escapeToken.charCodeAt(0);
  if (end === 0) return -1;
  let last = line.charCodeAt(end - 1);
  while ((last === SPACE || last === TAB) && end > 1) last = line.charCodeAt(--end - 1);
  if (last !== escapeCode) return -1;
  if (end >= 2 && line.charCodeAt(end - 2) === escapeCode) return -1;
  return end - 1;
}
