// Quoting for a POSIX shell: for the one command line git runs through a shell (its credential
// helper) and for commands printed for a person to paste. Nothing here runs a shell.

/** `text` as one single-quoted shell word. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** `text` as one shell word, quoted only when it holds anything but characters that need none. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : shellQuote(text);
}
