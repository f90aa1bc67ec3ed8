/**
 * Orders strings by UTF-16 code units, like `Array.prototype.sort` without a comparator: the same
 * order on every machine whatever its locale (output is deterministic). For comparators that chain
 * several keys with `||`.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
