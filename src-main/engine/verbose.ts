/** Set by the CLI's --verbose and inherited by job processes: native libraries' own messages then reach the terminal. */
export const VERBOSE_VARIABLE = 'SAE_STUDIO_VERBOSE';

export function isVerbose(): boolean {
  return Boolean(process.env[VERBOSE_VARIABLE]);
}
