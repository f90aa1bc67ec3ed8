// The Go standard-library behaviour Kargo's template evaluation depends on, reproduced in TypeScript:
// `strconv.ParseFloat` / `strconv.ParseBool` (which decide whether an evaluated string becomes a number or a
// bool), `encoding/json` (how non-string expression results are written into the template, and whether the
// result parses as JSON), and `strconv.Quote` (what Kargo's `quote()` makes of a string).
//
// Kargo v1.11.2 is built with Go 1.26 (go.mod); the rules below follow that version of the standard library.
import { GoStruct, isUnknown, LookupMap } from './values.js';

/** Thrown when `encoding/json` would refuse to marshal a value (NaN, ±Inf, an unknown value). */
export class GoMarshalError extends Error {
  public override readonly name = 'GoMarshalError';
}

const SPECIAL_FLOAT = /^([+-]?)(?:inf|infinity)$/i;
const NAN = /^nan$/i;

/**
 * Go's `strconv.underscoreOK`: underscores may only separate digits (or follow a base prefix), never start,
 * end or double up.
 */
function underscoreOK(text: string): boolean {
  let s = text;
  let saw = '^';
  let i = 0;
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(s.charAt(1).toLowerCase())) {
    i = 2;
    saw = '0';
    hex = s.charAt(1).toLowerCase() === 'x';
  }
  for (; i < s.length; i++) {
    const c = s.charAt(i);
    if ((c >= '0' && c <= '9') || (hex && /[a-f]/i.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** Value of a hexadecimal mantissa (`1a.8`) times 2^exponent; approximate beyond 2^53, which is enough here. */
function hexFloat(mantissa: string, exponent: number): number {
  const [whole = '', fraction = ''] = mantissa.split('.');
  let value = 0;
  for (const digit of whole) value = value * 16 + Number.parseInt(digit, 16);
  let scale = 1 / 16;
  for (const digit of fraction) {
    value += Number.parseInt(digit, 16) * scale;
    scale /= 16;
  }
  return value * 2 ** exponent;
}

/**
 * Go's `strconv.ParseFloat(s, 64)`: the number, or `undefined` where Go returns an error. Accepted: an
 * optional sign, decimal digits with at most one `.` and an optional exponent (`e`/`E`, optional sign,
 * digits), or a hexadecimal mantissa after `0x`/`0X` with a mandatory `p` exponent; underscores only between
 * digits; `inf`/`infinity` with an optional sign and `nan`, in any case. A finite-looking number out of the
 * float64 range (`1e400`) is an error (ErrRange), as is anything with surrounding space.
 *
 * @see https://pkg.go.dev/strconv#ParseFloat (src/strconv/atof.go: special, readFloat, underscoreOK)
 */
export function parseGoFloat(s: string): number | undefined {
  const special = SPECIAL_FLOAT.exec(s);
  if (special) return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (NAN.test(s)) return Number.NaN;

  let i = 0;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') {
    negative = s[i] === '-';
    i++;
  }
  // readFloat: a hexadecimal mantissa needs at least one character after the prefix (`i+2 < len(s)`).
  const hex = i + 2 < s.length && s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X');
  if (hex) i += 2;
  const mantissaStart = i;
  let sawDot = false;
  let sawDigits = false;
  let underscores = false;
  for (; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === '_') {
      underscores = true;
      continue;
    }
    if (c === '.') {
      if (sawDot) break;
      sawDot = true;
      continue;
    }
    if ((c >= '0' && c <= '9') || (hex && /[a-f]/i.test(c))) {
      sawDigits = true;
      continue;
    }
    break;
  }
  if (!sawDigits) return undefined;
  const mantissa = s.slice(mantissaStart, i).replaceAll('_', '');
  let exponent = 0;
  const expChar = hex ? 'p' : 'e';
  if (i < s.length && s.charAt(i).toLowerCase() === expChar) {
    i++;
    if (i >= s.length) return undefined;
    let sign = 1;
    if (s[i] === '+' || s[i] === '-') {
      sign = s[i] === '-' ? -1 : 1;
      i++;
    }
    if (i >= s.length || !/[0-9]/.test(s.charAt(i))) return undefined;
    let digits = '';
    for (; i < s.length && /[0-9_]/.test(s.charAt(i)); i++) {
      if (s[i] === '_') underscores = true;
      else digits += s[i];
    }
    exponent = sign * Number(digits);
  } else if (hex) {
    return undefined; // a hexadecimal float must have an exponent
  }
  if (underscores && !underscoreOK(s.slice(0, i))) return undefined;
  if (i !== s.length) return undefined; // ParseFloat rejects trailing characters
  const magnitude = hex ? hexFloat(mantissa, exponent) : Number(`${mantissa}e${exponent}`);
  if (!Number.isFinite(magnitude)) return undefined; // ErrRange
  return negative ? -magnitude : magnitude;
}

/**
 * Go's `strconv.ParseBool`: exactly `1 t T TRUE true True` and `0 f F FALSE false False`.
 *
 * @see https://pkg.go.dev/strconv#ParseBool (src/strconv/atob.go)
 */
export function parseGoBool(s: string): boolean | undefined {
  switch (s) {
    case '1':
    case 't':
    case 'T':
    case 'true':
    case 'TRUE':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'false':
    case 'FALSE':
    case 'False':
      return false;
    default:
      return undefined;
  }
}

function hasNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (Array.isArray(value)) return value.some(hasNonFinite);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasNonFinite);
  return false;
}

/**
 * Go's `json.Unmarshal(data, &any)`: `{ ok: true, value }` when the text is one valid JSON value (surrounding
 * JSON whitespace allowed), else `{ ok: false }`. Numbers beyond the float64 range fail, as in Go.
 */
export function unmarshalGoJson(text: string): { ok: true; value: unknown } | { ok: false } {
  // A JSON value starts, after JSON whitespace, with one of {["-0-9tfn: anything else is not JSON (and
  // most evaluated texts — tags, URLs, messages — are decided here without a parse).
  if (!/^[ \t\n\r]*[{["\-0-9tfn]/.test(text)) return { ok: false };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false };
  }
  if (hasNonFinite(value)) return { ok: false };
  return { ok: true, value };
}

const HEX = '0123456789abcdef';

/** A string as `encoding/json` writes it (HTML-safe, as `json.Marshal` does by default). */
function marshalString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '<':
      case '>':
      case '&':
        out += `\\u00${HEX[code >> 4]}${HEX[code & 0xf]}`;
        continue;
    }
    if (code < 0x20) out += `\\u00${HEX[code >> 4]}${HEX[code & 0xf]}`;
    else if (code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16)}`;
    else if (code >= 0xd800 && code <= 0xdfff)
      out += '\\ufffd'; // a lone surrogate is invalid UTF-8 in Go
    else out += ch;
  }
  return `${out}"`;
}

/** A float64 as `encoding/json` writes it: `%f` style, exponent form below 1e-6 and from 1e21. */
function marshalNumber(n: number): string {
  if (!Number.isFinite(n)) throw new GoMarshalError(`json: unsupported value: ${n}`);
  if (Object.is(n, -0)) return '-0';
  // JavaScript's Number#toString switches to exponent form at the same thresholds (1e-6, 1e21) and,
  // like Go's cleanup of `e-07` to `e-7`, writes exponents without leading zeros.
  return String(n);
}

/**
 * Go's `json.Marshal` (or `json.MarshalIndent(v, "", indent)` when `indent` is given): maps with sorted
 * keys, structs ({@link GoStruct}) in field order with their JSON names (empty `omitempty` fields left out),
 * HTML-safe string escaping. Throws {@link GoMarshalError} for values Go cannot marshal (NaN, ±Inf) and for
 * unknown values.
 *
 * @see https://pkg.go.dev/encoding/json#Marshal
 */
export function marshalGoJson(value: unknown, indent?: string): string {
  return marshal(value, indent, '');
}

function marshal(value: unknown, indent: string | undefined, prefix: string): string {
  if (value === null || value === undefined) return 'null';
  if (isUnknown(value)) throw new GoMarshalError('cannot marshal an unknown value');
  if (value instanceof LookupMap) throw new GoMarshalError(`cannot marshal ${value.description} as a whole`);
  if (typeof value === 'string') return marshalString(value);
  if (typeof value === 'number') return marshalNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const inner = indent === undefined ? '' : prefix + indent;
  const wrap = (open: string, close: string, items: readonly string[]): string => {
    if (items.length === 0) return open + close;
    if (indent === undefined) return `${open}${items.join(',')}${close}`;
    return `${open}\n${items.map((item) => inner + item).join(',\n')}\n${prefix}${close}`;
  };
  const colon = indent === undefined ? ':' : ': ';
  if (Array.isArray(value))
    return wrap(
      '[',
      ']',
      value.map((item) => marshal(item, indent, inner)),
    );
  if (value instanceof GoStruct) {
    const parts: string[] = [];
    for (const field of value.fields) {
      const v = value.values[field.name];
      if (field.omitEmpty && isEmpty(v)) continue;
      parts.push(`${marshalString(field.json)}${colon}${marshal(v, indent, inner)}`);
    }
    return wrap('{', '}', parts);
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return wrap(
      '{',
      '}',
      entries.map(([k, v]) => `${marshalString(k)}${colon}${marshal(v, indent, inner)}`),
    );
  }
  throw new GoMarshalError(`json: unsupported type ${typeof value}`);
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (
    typeof value === 'object' &&
    !(value instanceof GoStruct) &&
    !isUnknown(value) &&
    !(value instanceof LookupMap)
  ) {
    return Object.keys(value).length === 0;
  }
  return false;
}

/** Unicode's printable runes as Go's `unicode.IsPrint` defines them: L, M, N, P, S and the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/**
 * Go's `strconv.Quote` (what `fmt.Sprintf("%q", s)` produces): double quotes, `\"` and `\\` escaped,
 * non-printable runes as `\a \b \f \n \r \t \v`, `\xNN` (below 0x20 and DEL), `\uNNNN` or `\UNNNNNNNN`.
 *
 * @see https://pkg.go.dev/strconv#Quote (src/strconv/quote.go appendEscapedRune)
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') {
      out += `\\${ch}`;
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      out += '\\ufffd';
      continue;
    }
    if (PRINTABLE.test(ch)) {
      out += ch;
      continue;
    }
    const named: Record<number, string> = { 7: 'a', 8: 'b', 12: 'f', 10: 'n', 13: 'r', 9: 't', 11: 'v' };
    const letter = named[code];
    if (letter !== undefined) out += `\\${letter}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}
