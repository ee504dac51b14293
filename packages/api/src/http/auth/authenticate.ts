import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../errors/api-error.js';
import { checkBearer, type ApiToken, type Scope } from '@steptrail/runtime';

/**
 * Middleware: with tokens configured, the request needs one that grants `scope`; without tokens (allowed only on a
 * loopback HOST) every request passes. The check is the runtime's, shared with the worker's own port.
 */
export function requireScope(tokens: readonly ApiToken[], scope: Scope) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const checked = checkBearer(tokens, scope, req.get('authorization'));
    if ('refusal' in checked) {
      const { code, message, details, wwwAuthenticate } = checked.refusal;
      throw new ApiError(code, message, details, { 'WWW-Authenticate': wwwAuthenticate });
    }
    if (checked.token !== null) res.locals.principal = checked.token;
    next();
  };
}
