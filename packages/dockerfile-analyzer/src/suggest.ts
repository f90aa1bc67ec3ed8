// "Did you mean" suggestions, as BuildKit's util/suggest: the option with the smallest Levenshtein
// distance below 3. Options are considered in sorted order so the answer is deterministic.

const MAX_DISTANCE = 3;

/** The closest option to `value` (distance < 3), or undefined. An exact match suggests nothing. */
export function suggest(
  value: string,
  options: Iterable<string>,
  caseSensitive: boolean,
): string | undefined {
  if (value === '') return undefined;
  const wanted = caseSensitive ? value : value.toLowerCase();
  let best: string | undefined;
  let bestDistance = MAX_DISTANCE;
  for (const option of [...options].sort()) {
    const candidate = caseSensitive ? option : option.toLowerCase();
    if (candidate === wanted) return undefined;
    // The distance is at least the difference in length: skip hopeless (and huge) candidates.
    if (Math.abs(candidate.length - wanted.length) >= bestDistance) continue;
    const distance = levenshtein(wanted, candidate, bestDistance);
    if (distance < bestDistance) {
      best = caseSensitive ? option : matchCase(option, value);
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below `limit`. */
function levenshtein(a: string, b: string, limit: number): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return previous[b.length] ?? limit;
}

function matchCase(option: string, original: string): string {
  if (original === original.toLowerCase()) return option.toLowerCase();
  if (original === original.toUpperCase()) return option.toUpperCase();
  return option;
}
