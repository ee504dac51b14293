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

/** The API's error answer (`{error: {code, message, details}}`) as a SteptrailApiError; consumes the body. */
export async function apiError(response: Response): Promise<SteptrailApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as {
      error?: { code?: string; message?: string; details?: Record<string, unknown> };
    };
    if (body.error?.code !== undefined) {
      return new SteptrailApiError(
        response.status,
        body.error.code,
        body.error.message ?? `HTTP ${response.status}`,
        body.error.details,
      );
    }
  } catch {
    // Not the API's JSON error (a proxy's page): the status says enough.
  }
  return new SteptrailApiError(
    response.status,
    `HTTP_${response.status}`,
    `HTTP ${response.status}: ${text.slice(0, 200)}`,
  );
}
