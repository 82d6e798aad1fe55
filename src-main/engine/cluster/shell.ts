// Words made only of these need no quotes in a POSIX shell.
const PLAIN_WORD = /^[\w@%+=:,./-]+$/;

/** One word for a POSIX shell: single quotes keep everything literal but a single quote, which closes, escapes and reopens. */
export function shellWord(text: string): string {
  return PLAIN_WORD.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A command line whose words reach the program exactly as given. */
export function shellLine(words: readonly string[]): string {
  return words.map(shellWord).join(' ');
}
