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

/**
 * Content encodings each body kind is read in. JSON is decoded by the body parser; multipart is streamed to storage
 * as it arrives, so it must come unencoded.
 */
const ENCODINGS: Readonly<Record<BodyKind, readonly string[]>> = {
  json: ['identity', 'gzip', 'deflate', 'br'],
  multipart: ['identity'],
};

const encodingOf = (req: Request): string =>
  (req.get('content-encoding') ?? 'identity').trim().toLowerCase() || 'identity';

/** 415 for a Content-Encoding the body's media type is not read in, naming the ones that are. */
function acceptEncodings(req: Request, _res: Response, next: NextFunction): void {
  const kind: BodyKind = typeof req.is(MEDIA_TYPES.multipart) === 'string' ? 'multipart' : 'json';
  const encoding = encodingOf(req);
  const accepted = ENCODINGS[kind];
  if (!hasBody(req) || accepted.includes(encoding)) {
    next();
    return;
  }
  throw new ApiError(
    'UNSUPPORTED_MEDIA_TYPE',
    `${MEDIA_TYPES[kind]} bodies are read with Content-Encoding ${accepted.join(', ')}; this one is "${encoding.slice(0, 64)}".`,
    { received: encoding.slice(0, 64), accepted },
  );
}

/**
 * The JSON body parser, with data that does not decode in its declared encoding (corrupt gzip, a body that is not
 * brotli) reported as the client's 400 instead of an unknown fault.
 */
function jsonBody(maxJsonBytes: number) {
  const parse = express.json({ limit: maxJsonBytes, strict: true, type: MEDIA_TYPES.json });
  return (req: Request, res: Response, next: NextFunction): void => {
    parse(req, res, (error?: unknown) => {
      const encoding = encodingOf(req);
      if (error === undefined || error === null || encoding === 'identity' || hasParserType(error)) {
        next(error);
        return;
      }
      next(
        new ApiError(
          'INVALID_JSON',
          `The request body is not valid ${encoding} data (Content-Encoding: ${encoding}); accepted encodings: ${ENCODINGS.json.join(', ')}.`,
          { encoding, accepted: ENCODINGS.json },
        ),
      );
    });
  };
}

const hasParserType = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'type' in error && typeof error.type === 'string';

/** Registers each route: its pattern for logs and metrics, its scope, its body parsing, its handler. */
export function mountRoutes(
  app: Express,
  routes: readonly Route[],
  options: { tokens: readonly ApiToken[]; maxJsonBytes: number },
): void {
  const json = jsonBody(options.maxJsonBytes);
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
      ...(accepts.length === 0 ? [] : [acceptOnly(accepts), acceptEncodings, json]),
      (req: Request, res: Response) => route.run(req, res),
    );
  }
}
