import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './api-error.js';
import { statusOf, toApiError } from './error-table.js';

/** The last middleware: every failure leaves as {error: {code, message, details?}}; stacks go to the log only. */
export function errorHandler() {
  return (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    const apiError = toApiError(error);
    const status = statusOf(apiError.code);
    const log = res.locals.log;
    if (status >= 500) log.error({ err: error, code: apiError.code }, 'request failed');
    else log.debug({ code: apiError.code, message: apiError.message }, 'request refused');
    if (res.headersSent) {
      // A stream (SSE, a large body) broke after it started: nothing valid can be sent any more.
      next(error);
      return;
    }
    for (const [name, value] of Object.entries(apiError.headers)) res.setHeader(name, value);
    res.status(status).json(apiError.toBody());
  };
}

/** Unknown paths under the API answer in the same error shape. */
export function notFoundHandler() {
  return (req: Request): never => {
    throw new ApiError('ROUTE_NOT_FOUND', `No route ${req.method} ${req.path}.`);
  };
}
