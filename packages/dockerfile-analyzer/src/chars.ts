// Character classes with Go's semantics (BuildKit is written in Go): `unicode.IsSpace`,
// `unicode.IsLetter`, `unicode.IsDigit`. Code points, not UTF-16 units.

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

/** Go's `unicode.IsSpace`. */
export function isSpace(cp: number): boolean {
  if (cp <= 0xff) {
    return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp === 0x85 || cp === 0xa0;
  }
  return (
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

/** Go's `unicode.IsLetter`. */
export function isLetter(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  return LETTER.test(String.fromCodePoint(cp));
}

/** Go's `unicode.IsDigit`. */
export function isDigit(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x30 && cp <= 0x39;
  return DIGIT.test(String.fromCodePoint(cp));
}

/** `strings.TrimLeftFunc(s, unicode.IsSpace)`. */
export function trimLeftSpace(s: string): string {
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i) ?? 0;
    if (!isSpace(cp)) break;
    i += cp > 0xffff ? 2 : 1;
  }
  return i === 0 ? s : s.slice(i);
}

/** `strings.TrimSpace(s)`. */
export function trimSpace(s: string): string {
  // Fast path: printable ASCII at both ends. The length is checked first, as in trimLeftSpace.
  if (s.length === 0) return s;
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  if (first > 0x20 && first < 0x7f && last > 0x20 && last < 0x7f) return s;
  const left = trimLeftSpace(s);
  let end = left.length;
  while (end > 0) {
    const unit = left.charCodeAt(end - 1);
    // A low surrogate: look at the whole code point.
    if (unit >= 0xdc00 && unit <= 0xdfff && end >= 2) {
      const cp = left.codePointAt(end - 2) ?? 0;
      if (!isSpace(cp)) break;
      end -= 2;
    } else {
      if (!isSpace(unit)) break;
      end -= 1;
    }
  }
  return end === left.length ? left : left.slice(0, end);
}

/** Number of bytes `s` takes in UTF-8 (lone surrogates count as the 3-byte replacement character). */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
