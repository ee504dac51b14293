/** The API answered with an error: `status` is the HTTP status, `code` the API's stable code (FILE_NOT_FOUND, ...). */
export class SteptrailApiError extends Error {
  override readonly name = 'SteptrailApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** The API could not be reached (refused, reset, timed out) after every retry. */
export class SteptrailNetworkError extends Error {
  override readonly name = 'SteptrailNetworkError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
