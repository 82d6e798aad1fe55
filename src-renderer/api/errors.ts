/** An error reply from the host: message is the one sentence to show; details, when present, are for "copy details". */
export class ApiError extends Error {
  readonly details: string | undefined;

  constructor(message: string, details?: string) {
    super(message);
    this.name = 'ApiError';
    this.details = details;
  }
}
