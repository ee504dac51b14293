/**
 * Thrown by a handler when retrying cannot help (bad input: a corrupt PDF, an unsupported file type, a rejected
 * credential). The step fails at once; any other error is transient and retried with backoff.
 */
export class PermanentError extends Error {
  readonly permanent = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/** Also recognises errors from plugins that mark themselves `permanent: true` without importing this class. */
export function isPermanentError(error: unknown): boolean {
  if (error instanceof PermanentError) return true;
  return typeof error === 'object' && error !== null && 'permanent' in error && error.permanent === true;
}
