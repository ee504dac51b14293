import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { runInRequestScope, type Logger } from '@steptrail/runtime';
import type { ApiToken } from './auth/api-tokens.js';

declare global {
  // Express's documented way to type res.locals.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      requestId: string;
      log: Logger;
      /** The token that authenticated the request; null when auth is off or the route is public. */
      principal: ApiToken | null;
      /** The route pattern that matched, for metrics and logs (never the raw URL with ids). */
      routePattern: string;
    }
  }
}

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (the caller's X-Request-Id when it is sane), a child logger, and a log line; everything
 * the request starts runs in its request scope, so an error escaping from it is logged with its id
 * (docs/architecture.md#faults).
 */
export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.get('x-request-id');
    const requestId = incoming !== undefined && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.locals.principal = null;
    res.locals.routePattern = 'unmatched';
    res.locals.log = logger.child({ requestId });
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    // 'close' also fires for streams the client ended, which never 'finish'.
    res.on('close', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const level = res.statusCode >= 500 ? 'error' : 'info';
      res.locals.log[level](
        {
          method: req.method,
          route: res.locals.routePattern,
          path: req.path,
          status: res.statusCode,
          durationMs: Math.round(durationMs * 100) / 100,
          token: res.locals.principal?.name ?? null,
        },
        'request finished',
      );
    });
    runInRequestScope(requestId, next);
  };
}
