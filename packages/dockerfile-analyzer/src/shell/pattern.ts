// Shell glob patterns of `${v#pat}`, `${v%pat}`, `${v/pat/repl}` with BuildKit's semantics: its
// convertShellPatternToRegex (frontend/dockerfile/shell/lex.go) turns `*` into `.*?` (or `.*` for
// `##`, `%%` and replacements), `?` into `.`, and keeps backslash escapes (no bracket
// expressions); Go's regexp then finds the leftmost-first match in linear time. JavaScript's
// backtracking RegExp takes time exponential in the number of stars (`${V#*a*a*a*a*a*a*b}` on a
// few thousand characters does not finish), so the patterns run on a small Pike VM instead: the
// threads of a nondeterministic automaton stepped together in priority order, which is what
// Go's regexp does, and matches the same strings.

import { type ExpansionBudget, ExpansionLimitError, MAX_MATCH_STEPS, ShellSyntaxError } from './errors.js';

/** One instruction of a compiled pattern. */
type Instruction =
  | { readonly op: 'char'; readonly cp: number }
  /** Go's `.`: any character but a newline. */
  | { readonly op: 'any' }
  /** Continue at `first`, then (lower priority) at `second`. */
  | { readonly op: 'split'; readonly first: number; readonly second: number }
  | { readonly op: 'jump'; readonly to: number }
  | { readonly op: 'match' };

type Program = readonly Instruction[];

const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
const STAR = 0x2a;
const QUESTION = 0x3f;
const CACHE_LIMIT = 256;
const cache = new Map<string, Program>();

/** Compiles `pattern` (once per distinct pattern) with greedy or lazy stars. */
function compile(pattern: string, greedy: boolean): Program {
  const key = `${greedy ? 'g' : 'n'}${pattern}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const chars = Array.from(pattern, (c) => c.codePointAt(0) ?? 0);
  const program: Instruction[] = [];
  for (let i = 0; i < chars.length; i++) {
    const cp = chars[i] ?? 0;
    if (cp === STAR) {
      // Consecutive stars match what one does, with the same preference.
      while (chars[i + 1] === STAR) i++;
      const split = program.length;
      // split -> any, jump back; or past the loop (lazy stars prefer leaving it).
      program.push(
        greedy
          ? { op: 'split', first: split + 1, second: split + 3 }
          : { op: 'split', first: split + 3, second: split + 1 },
      );
      program.push({ op: 'any' }, { op: 'jump', to: split });
    } else if (cp === QUESTION) {
      program.push({ op: 'any' });
    } else if (cp === BACKSLASH) {
      const next = chars[i + 1];
      // `}` and `/` are escaped only to get through `${...}`: the escape is not part of the pattern.
      if (next === 0x7d || next === 0x2f) continue;
      if (next !== STAR && next !== QUESTION && next !== BACKSLASH) {
        const shown = next === undefined ? '' : String.fromCodePoint(next);
        throw new ShellSyntaxError(
          `invalid pattern (${pattern}) in substitution: invalid escape '\\${shown}'`,
        );
      }
      program.push({ op: 'char', cp: next });
      i++;
    } else {
      program.push({ op: 'char', cp });
    }
  }
  program.push({ op: 'match' });
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, program);
  return program;
}

/** Threads of the VM at one position: program counters in priority order with their start. */
class ThreadList {
  readonly pcs: number[] = [];
  readonly starts: number[] = [];
  private readonly seen: Uint32Array;
  private generation = 1;
  constructor(size: number) {
    this.seen = new Uint32Array(size);
  }
  clear(): void {
    this.pcs.length = 0;
    this.starts.length = 0;
    this.generation++;
  }
  /** Adds `pc` and everything reachable from it without reading a character, in priority order. */
  add(program: Program, pc: number, start: number): void {
    const stack = [pc];
    while (stack.length > 0) {
      const at = stack.pop() ?? 0;
      if (this.seen[at] === this.generation) continue;
      this.seen[at] = this.generation;
      const instruction = program[at];
      if (instruction?.op === 'jump') stack.push(instruction.to);
      else if (instruction?.op === 'split') stack.push(instruction.second, instruction.first);
      else {
        this.pcs.push(at);
        this.starts.push(start);
      }
    }
  }
}

/** The shared step allowance of a search. */
interface Steps {
  remaining: number;
}

/**
 * The leftmost-first match of `program` in `value` at or after `from` (only at `from` when
 * `anchored`), as Go's regexp finds it: `[start, end)` in UTF-16 offsets, or undefined.
 */
function search(
  program: Program,
  value: string,
  from: number,
  anchored: boolean,
  steps: Steps,
): [number, number] | undefined {
  let current = new ThreadList(program.length);
  let next = new ThreadList(program.length);
  let matched: [number, number] | undefined;
  for (let pos = from; ; ) {
    // A new thread starting here has the lowest priority (leftmost matches win), and none is
    // started once a match is found.
    if (matched === undefined && (!anchored || pos === from)) current.add(program, 0, pos);
    if (current.pcs.length === 0 && (matched !== undefined || anchored)) break;
    const cp = pos < value.length ? (value.codePointAt(pos) ?? 0) : -1;
    const width = cp > 0xffff ? 2 : 1;
    next.clear();
    steps.remaining -= current.pcs.length;
    if (steps.remaining < 0) throw new ExpansionLimitError('match');
    for (let t = 0; t < current.pcs.length; t++) {
      const instruction = program[current.pcs[t] ?? 0];
      const start = current.starts[t] ?? pos;
      if (instruction?.op === 'match') {
        matched = [start, pos];
        break; // Lower-priority threads lose to this match.
      }
      if (cp === -1) continue;
      if (instruction?.op === 'char' ? instruction.cp === cp : instruction?.op === 'any' && cp !== NEWLINE) {
        next.add(program, (current.pcs[t] ?? 0) + 1, start);
      }
    }
    if (cp === -1) break;
    pos += width;
    [current, next] = [next, current];
  }
  return matched;
}

/** Removes the shortest (or longest) prefix of `value` matching `pattern`. */
export function trimPrefix(
  pattern: string,
  value: string,
  greedy: boolean,
  budget?: ExpansionBudget,
): string {
  const match = search(compile(pattern, greedy), value, 0, true, stepsOfMatch(budget));
  return match ? value.slice(match[1]) : value;
}

/** Removes the shortest (or longest) suffix of `value` matching `pattern`. */
export function trimSuffix(
  pattern: string,
  value: string,
  greedy: boolean,
  budget?: ExpansionBudget,
): string {
  // Reverse both so that the suffix search becomes a leftmost prefix search (as BuildKit does).
  return reverse(trimPrefix(reversePattern(pattern), reverse(value), greedy, budget));
}

/** Replaces the first match of `pattern` in `value` with `replacement`, literally. */
export function replaceFirst(
  pattern: string,
  value: string,
  replacement: string,
  budget?: ExpansionBudget,
): string {
  const match = search(compile(pattern, true), value, 0, false, stepsOfMatch(budget));
  if (!match) return value;
  return value.slice(0, match[0]) + replacement + value.slice(match[1]);
}

/**
 * Replaces every match like Go's `Regexp.ReplaceAllString`: successive non-overlapping matches,
 * an empty match right after a previous match is skipped, and `$0`/`${0}` in the replacement is the
 * match (other `$name` references are empty: the pattern has no groups; `$$` is a dollar).
 * Throws {@link ExpansionLimitError} as soon as the result is longer than `maxLength`.
 */
export function replaceAll(
  pattern: string,
  value: string,
  replacement: string,
  maxLength = Number.POSITIVE_INFINITY,
  budget?: ExpansionBudget,
): string {
  const program = compile(pattern, true);
  const steps = stepsOfMatch(budget);
  let out = '';
  let copied = 0;
  let pos = 0;
  let previousEnd = -1;
  while (pos <= value.length) {
    const match = search(program, value, pos, false, steps);
    if (!match) break;
    const [start, end] = match;
    let accept = true;
    if (end === start) {
      if (start === previousEnd) accept = false;
      const cp = value.codePointAt(end);
      pos = end + (cp !== undefined && cp > 0xffff ? 2 : 1);
    } else {
      pos = end;
    }
    previousEnd = end;
    if (accept) {
      out += value.slice(copied, start) + expandTemplate(replacement, value.slice(start, end));
      // `${V//?/$V}` replaces every character of V with all of V: stop as soon as it is too long.
      if (out.length > maxLength) throw new ExpansionLimitError('word');
      copied = end;
    }
  }
  return out + value.slice(copied);
}

/**
 * The matching steps allowed: those left to the Dockerfile's budget, or {@link MAX_MATCH_STEPS}
 * for a single operation without one.
 */
function stepsOfMatch(budget: ExpansionBudget | undefined): Steps {
  return budget?.matchSteps ?? { remaining: MAX_MATCH_STEPS };
}

const TEMPLATE_NAME = /^[A-Za-z0-9_]+/;

function expandTemplate(template: string, match: string): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar === -1) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, dollar);
    const rest = template.slice(dollar + 1);
    if (rest.startsWith('$')) {
      out += '$';
      i = dollar + 2;
      continue;
    }
    let name: string | undefined;
    let consumed = 0;
    if (rest.startsWith('{')) {
      const close = rest.indexOf('}');
      const inner = close === -1 ? '' : rest.slice(1, close);
      if (close !== -1 && TEMPLATE_NAME.exec(inner)?.[0] === inner) {
        name = inner;
        consumed = close + 1;
      }
    } else {
      const m = TEMPLATE_NAME.exec(rest);
      if (m) {
        name = m[0];
        consumed = m[0].length;
      }
    }
    if (name === undefined) {
      out += '$';
      i = dollar + 1;
      continue;
    }
    if (/^[0-9]+$/.test(name) && Number(name) === 0) out += match;
    i = dollar + 1 + consumed;
  }
  return out;
}

function reverse(value: string): string {
  return Array.from(value).reverse().join('');
}

/** Reverses a pattern but keeps escape pairs in order (`a\*c` -> `c\*a`). */
function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const out: string[] = new Array(chars.length);
  const last = chars.length - 1;
  for (let i = 0; i <= last; ) {
    const tok = chars[i] ?? '';
    const outIdx = last - i;
    if (tok === '\\' && i !== last) {
      out[outIdx - 1] = tok;
      out[outIdx] = chars[i + 1] ?? '';
      i += 2;
    } else {
      out[outIdx] = tok;
      i++;
    }
  }
  return out.join('');
}
