// Shell glob patterns of `${v#pat}`, `${v%pat}`, `${v/pat/repl}` as regular expressions (BuildKit's
// convertShellPatternToRegex: `*`, `?` and backslash escapes, no bracket expressions), plus Go's
// `ReplaceAllString` semantics for `${v//pat/repl}`.

import { ShellSyntaxError } from './errors.js';

const REGEX_SPECIAL = new Set(['[', ']', '{', '}', '.', '+', '(', ')', '|', '^', '$']);
const CACHE_LIMIT = 256;
const cache = new Map<string, RegExp>();

/** The regular expression for a shell pattern; compiled once per distinct pattern. */
export function shellPatternToRegExp(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  const key = `${greedy ? 'g' : 'n'}${anchored ? 'a' : 'u'}${pattern}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const chars = Array.from(pattern);
  let out = anchored ? '^' : '';
  for (let i = 0; i < chars.length; i++) {
    const tok = chars[i] ?? '';
    if (tok === '*') {
      out += greedy ? '.*' : '.*?';
    } else if (tok === '?') {
      out += '.';
    } else if (tok === '\\') {
      const next = chars[i + 1];
      // `}` and `/` are escaped only to get through `${...}`: the escape is not part of the pattern.
      if (next === '}' || next === '/') continue;
      if (next !== '*' && next !== '?' && next !== '\\') {
        throw new ShellSyntaxError(
          `invalid pattern (${pattern}) in substitution: invalid escape '\\${next ?? ''}'`,
        );
      }
      out += `\\${next}`;
      i++;
    } else if (REGEX_SPECIAL.has(tok)) {
      out += `\\${tok}`;
    } else {
      out += tok;
    }
  }
  const regex = new RegExp(out, 'u');
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, regex);
  return regex;
}

/** Removes the shortest (or longest) prefix of `value` matching `pattern`. */
export function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const match = shellPatternToRegExp(pattern, greedy, true).exec(value);
  return match ? value.slice(match[0].length) : value;
}

/** Removes the shortest (or longest) suffix of `value` matching `pattern`. */
export function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  // Reverse both so that the suffix search becomes a leftmost prefix search.
  return reverse(trimPrefix(reversePattern(pattern), reverse(value), greedy));
}

/** Replaces the first match of `pattern` in `value` with `replacement`, literally. */
export function replaceFirst(pattern: string, value: string, replacement: string): string {
  const match = shellPatternToRegExp(pattern, true, false).exec(value);
  if (!match) return value;
  return value.slice(0, match.index) + replacement + value.slice(match.index + match[0].length);
}

/**
 * Replaces every match like Go's `Regexp.ReplaceAllString`: successive non-overlapping matches,
 * an empty match right after a previous match is skipped, and `$0`/`${0}` in the replacement is the
 * match (other `$name` references are empty: the pattern has no groups; `$$` is a dollar).
 */
export function replaceAll(pattern: string, value: string, replacement: string): string {
  const source = shellPatternToRegExp(pattern, true, false);
  const regex = new RegExp(source.source, 'gu');
  let out = '';
  let copied = 0;
  let pos = 0;
  let previousEnd = -1;
  while (pos <= value.length) {
    regex.lastIndex = pos;
    const match = regex.exec(value);
    if (!match) break;
    const start = match.index;
    const end = start + match[0].length;
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
      out += value.slice(copied, start) + expandTemplate(replacement, match[0]);
      copied = end;
    }
  }
  return out + value.slice(copied);
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
