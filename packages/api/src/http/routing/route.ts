import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Scope } from '../auth/api-tokens.js';
import { parseParts } from './validation.js';

export type HttpMethod = 'get' | 'post' | 'patch' | 'delete';
export type BodyKind = 'json' | 'multipart';

export interface ResponseSpec {
  description: string;
  /** The JSON body's schema; null for responses without a JSON body (204, streams, text). */
  schema: z.ZodType | null;
  /** Defaults to application/json when there is a schema. */
  contentType?: string;
}

export type Responses = Record<number, ResponseSpec>;

export interface RequestSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  headers?: z.ZodType;
  /** A JSON body parsed and validated before the handler runs. */
  body?: z.ZodType;
}

/** What a route is: the single description both Express and the OpenAPI document are built from. */
export interface RouteSpec<S extends RequestSchemas, R extends Responses> {
  method: HttpMethod;
  /** Express path syntax: /api/files/:id */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Scope a bearer token needs; null for public routes. */
  scope: Scope | null;
  schemas: S;
  /** A missing JSON body is read as {} (bodies whose fields are all optional). */
  bodyOptional?: boolean;
  /** Request body media types the route reads; anything else is 415. Defaults to json when there is a body. */
  accepts?: readonly BodyKind[];
  /** Request bodies the handler parses itself, for the document only. */
  documentedBodies?: Partial<Record<'application/json' | 'multipart/form-data', z.ZodType>>;
  responses: R;
  /** Error statuses this route can answer besides 400/401/403/500, which every route documents. */
  errors: readonly number[];
}

type Parsed<S extends RequestSchemas> = { [K in keyof S]: S[K] extends z.ZodType ? z.output<S[K]> : never };

type Reply<R extends Responses> =
  | {
      [K in keyof R & number]: {
        status: K;
        body: R[K]['schema'] extends z.ZodType ? z.input<R[K]['schema']> : undefined;
        headers?: Record<string, string>;
      };
    }[keyof R & number]
  | { handled: true };

export type Handler<S extends RequestSchemas, R extends Responses> = (
  input: Parsed<S>,
  req: Request,
  res: Response,
) => Promise<Reply<R>>;

/** A route with its types erased: what the router mounts and the OpenAPI builder reads. */
export interface Route {
  spec: RouteSpec<RequestSchemas, Responses>;
  run(req: Request, res: Response): Promise<void>;
}

export function defineRoute<S extends RequestSchemas, R extends Responses>(
  spec: RouteSpec<S, R>,
  handler: Handler<NoInfer<S>, NoInfer<R>>,
): Route {
  return {
    spec,
    async run(req, res) {
      const hasBodySchema = spec.schemas.body !== undefined;
      const body: unknown =
        hasBodySchema && req.body === undefined && spec.bodyOptional === true ? {} : req.body;
      const input = parseParts(spec.schemas, {
        params: req.params,
        query: req.query,
        headers: req.headers,
        body,
      });
      const reply = await handler(input, req, res);
      if ('handled' in reply) return;
      for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
      if (reply.body === undefined) res.status(reply.status).end();
      else res.status(reply.status).json(reply.body);
    },
  };
}
