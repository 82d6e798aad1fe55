/** A problem with the user's input: shown as it is, never with a stack trace. */
export class InputError extends Error {
  readonly file: string | undefined;

  constructor(message: string, file?: string) {
    super(message);
    this.name = 'InputError';
    this.file = file;
  }
}

export function isInputError(error: unknown): error is InputError {
  return error instanceof Error && error.name === 'InputError';
}

/** The one sentence a user sees for any failure; our own bugs keep their details for "copy details". */
export function describeError(error: unknown): { message: string; details?: string } {
  if (isInputError(error)) return { message: error.message };
  if (error instanceof Error) return { message: `Unexpected error: ${error.message}`, details: error.stack };
  return { message: `Unexpected error: ${String(error)}` };
}
