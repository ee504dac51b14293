import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../errors/api-error.js';
import { grants, identifyToken, type ApiToken, type Scope } from './api-tokens.js';

const REALM = 'Bearer realm="steptrail"';

/** The bearer token of a request, or null when there is no Authorization header (a malformed one is 401). */
function presentedToken(req: Request): string | null {
  const header = req.get('authorization');
  if (header === undefined) return null;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  if (match?.[1] === undefined) {
    throw new ApiError('UNAUTHORIZED', 'The Authorization header must be "Bearer <token>".', undefined, {
      'WWW-Authenticate': `${REALM}, error="invalid_request"`,
    });
  }
  return match[1];
}

/**
 * Middleware: with tokens configured, the request needs one that grants `scope`; without tokens (allowed only on a
 * loopback HOST) every request passes.
 */
export function requireScope(tokens: readonly ApiToken[], scope: Scope) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (tokens.length === 0) {
      next();
      return;
    }
    const presented = presentedToken(req);
    if (presented === null) {
      throw new ApiError(
        'UNAUTHORIZED',
        'This endpoint needs a bearer token (Authorization: Bearer <token>).',
        undefined,
        {
          'WWW-Authenticate': REALM,
        },
      );
    }
    const token = identifyToken(tokens, presented);
    if (token === null) {
      throw new ApiError('UNAUTHORIZED', 'The bearer token is not valid.', undefined, {
        'WWW-Authenticate': `${REALM}, error="invalid_token"`,
      });
    }
    res.locals.principal = token;
    if (!grants(token, scope)) {
      throw new ApiError(
        'FORBIDDEN',
        `Token "${token.name}" lacks the "${scope}" scope this endpoint needs.`,
        { required: scope },
        {
          'WWW-Authenticate': `${REALM}, error="insufficient_scope", scope="${scope}"`,
        },
      );
    }
    next();
  };
}
