/** The sentence to show for a failed call: the host's own message, or the error's. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
