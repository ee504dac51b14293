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
    const body = apiError.toBody();
    // A fault is looked up in the log by its request id: the answer carries it (docs/architecture.md#faults).
    if (status >= 500) body.error.details = { ...body.error.details, requestId: res.locals.requestId };
    res.status(status).json(body);
  };
}

/** Unknown paths under the API answer in the same error shape. */
export function notFoundHandler() {
  return (req: Request): never => {
    throw new ApiError('ROUTE_NOT_FOUND', `No route ${req.method} ${req.path}.`);
  };
}
