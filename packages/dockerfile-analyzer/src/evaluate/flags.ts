// BuildKit's BFlags for the flags the analyzer checks: `--name=value` words, `--` ends the flags.

/** One parsed flag. */
export interface FlagValue {
  readonly name: string;
  /** Undefined when written without `=`. */
  readonly value: string | undefined;
}

/** The flags of an instruction without any (shared, never modified). */
const NO_FLAGS: readonly FlagValue[] = [];

/** Splits `--name[=value]` words; stops at a bare `--` like BuildKit. */
export function readFlags(words: readonly string[]): readonly FlagValue[] {
  if (words.length === 0) return NO_FLAGS;
  const out: FlagValue[] = [];
  for (const word of words) {
    if (word === '--') break;
    const body = word.startsWith('--') ? word.slice(2) : word;
    const eq = body.indexOf('=');
    out.push(
      eq === -1 ? { name: body, value: undefined } : { name: body.slice(0, eq), value: body.slice(eq + 1) },
    );
  }
  return out;
}
