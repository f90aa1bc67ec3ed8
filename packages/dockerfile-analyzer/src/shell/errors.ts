/** A shell-word syntax or expansion error (`${`, bad substitution, `${V:?message}`). Internal. */
export class ShellSyntaxError extends Error {
  override readonly name = 'ShellSyntaxError';
}

/**
 * An expansion grew past {@link MAX_WORD_LENGTH} characters, or the expansions of one Dockerfile
 * past {@link MAX_EXPANSION_TOTAL}. Internal; reported once per file as ExpansionTooLarge.
 */
export class ExpansionLimitError extends ShellSyntaxError {
  constructor(readonly limit: 'word' | 'total' | 'match') {
    super(
      limit === 'word'
        ? `expands to more than ${MAX_WORD_LENGTH.toLocaleString('en-US')} characters`
        : limit === 'total'
          ? `the expansions of this Dockerfile exceed ${MAX_EXPANSION_TOTAL.toLocaleString('en-US')} characters in total`
          : `matching the \${V#pattern} and \${V/pattern/...} patterns of this Dockerfile takes more than ${MAX_MATCH_STEPS.toLocaleString('en-US')} steps`,
    );
  }
}

/**
 * The longest word an expansion may produce, in characters (UTF-16 code units): BuildKit reads a
 * Dockerfile with bufio.Scanner and refuses lines longer than 65535 bytes
 * (frontend/dockerfile/parser/parser.go, handleScannerError), so no value written in a Dockerfile
 * is longer, while ARGs that repeat each other (`ARG B=$A$A`, `ARG C=$B$B`, ...) double at every
 * line: 27 lines of 20 bytes reach 268 million characters.
 */
export const MAX_WORD_LENGTH = 65535;

/**
 * All expansions of one Dockerfile together may produce at most this many characters (4 Mi): each
 * word is bounded by {@link MAX_WORD_LENGTH}, and this bounds their number (10,000 ARGs each
 * repeating a 60,000-character value would otherwise hold 600 million characters).
 */
export const MAX_EXPANSION_TOTAL = 4 * 1024 * 1024;

/**
 * Steps (one automaton thread advanced by one character) that matching the patterns of
 * `${V#pattern}`, `${V%pattern}` and `${V/pattern/r}` may take in one Dockerfile (16 Mi, about a
 * second). Matching is linear in the value for a given pattern, as in Go; this bounds long patterns
 * applied to long values many times. Real patterns on real values take a few hundred steps.
 */
export const MAX_MATCH_STEPS = 1 << 24;

/** What the expansions of one Dockerfile have produced so far. */
export class ExpansionBudget {
  /** Characters still allowed. */
  remaining = MAX_EXPANSION_TOTAL;
  /** Pattern matching steps still allowed. */
  readonly matchSteps = { remaining: MAX_MATCH_STEPS };
  /** Whether a limit was already reported (a limit is reported once per file). */
  reported = false;
}
