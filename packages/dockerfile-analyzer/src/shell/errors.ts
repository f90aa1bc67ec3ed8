/** A shell-word syntax or expansion error (`${`, bad substitution, `${V:?message}`). Internal. */
export class ShellSyntaxError extends Error {
  override readonly name = 'ShellSyntaxError';
}
