import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { ApiToken } from '../auth/api-tokens.js';
import { requireScope } from '../auth/authenticate.js';
import { ApiError } from '../errors/api-error.js';
import type { BodyKind, Route } from './route.js';

const MEDIA_TYPES: Readonly<Record<BodyKind, string>> = {
  json: 'application/json',
  multipart: 'multipart/form-data',
};

const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? '0') > 0;

/** 415 for a body of a media type the route does not read (checked after auth, before anything parses it). */
function acceptOnly(kinds: readonly BodyKind[]) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!hasBody(req) || kinds.some((kind) => typeof req.is(MEDIA_TYPES[kind]) === 'string')) {
      next();
      return;
    }
    const accepted = kinds.map((kind) => MEDIA_TYPES[kind]);
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `This endpoint reads ${accepted.join(' or ')} bodies.`, {
      received: req.get('content-type') ?? null,
      accepted,
    });
  };
}

/** Registers each route: its pattern for logs and metrics, its scope, its body parsing, its handler. */
export function mountRoutes(
  app: Express,
  routes: readonly Route[],
  options: { tokens: readonly ApiToken[]; maxJsonBytes: number },
): void {
  const json = express.json({ limit: options.maxJsonBytes, strict: true, type: MEDIA_TYPES.json });
  for (const route of routes) {
    const { spec } = route;
    const accepts = spec.accepts ?? (spec.schemas.body === undefined ? [] : ['json' as const]);
    app[spec.method](
      spec.path,
      (_req: Request, res: Response, next: NextFunction) => {
        res.locals.routePattern = spec.path;
        next();
      },
      ...(spec.scope === null ? [] : [requireScope(options.tokens, spec.scope)]),
      ...(accepts.length === 0 ? [] : [acceptOnly(accepts), json]),
      (req: Request, res: Response) => route.run(req, res),
    );
  }
}
