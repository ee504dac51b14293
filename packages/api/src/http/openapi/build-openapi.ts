import { z } from 'zod';
import { errorResponse } from '@steptrail/api-schema/common.schemas.js';
import type { Route } from '../routing/route.js';

type Json = Record<string, unknown>;

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'The request is invalid: every problem is listed in error.details.problems',
  401: 'No bearer token, or not a valid one',
  403: 'The token lacks the scope this operation needs',
  404: 'Not found',
  408: 'The request was not complete within REQUEST_TIMEOUT_MS; an upload cut off is discarded first',
  409: 'Conflicts with the current state',
  413: 'The body is larger than this server accepts',
  415: 'The body has a media type this operation does not read',
  500: 'The server failed; the failure was logged (no details are returned)',
  503: 'The database is unavailable or busy; retry',
};

/**
 * The OpenAPI 3.1 document of `routes`, generated from the same zod schemas that validate requests. Named schemas
 * (`.meta({id})`) become components; everything else is inlined.
 */
export function buildOpenApi(
  routes: readonly Route[],
  info: { title: string; version: string; description: string },
): Json {
  const components: Record<string, unknown> = {};
  const convert = (schema: z.ZodType, io: 'input' | 'output'): Json =>
    hoist(z.toJSONSchema(schema, { io, unrepresentable: 'any' }), components);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { spec } of routes) {
    const path = spec.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters = [
      ...parametersOf(spec.schemas.params, 'path', convert),
      ...parametersOf(spec.schemas.query, 'query', convert),
      ...parametersOf(spec.schemas.headers, 'header', convert),
    ];
    const bodies: Record<string, z.ZodType> = { ...spec.documentedBodies };
    if (spec.schemas.body !== undefined) bodies['application/json'] = spec.schemas.body;
    const statuses = new Set<number>([...spec.errors, 500]);
    if (parameters.length > 0 || Object.keys(bodies).length > 0) statuses.add(400);
    if (spec.scope !== null) [401, 403].forEach((status) => statuses.add(status));
    const responses: Record<string, unknown> = {};
    for (const status of [...statuses].sort((a, b) => a - b)) {
      responses[String(status)] = {
        description: ERROR_DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/json': { schema: convert(errorResponse, 'output') } },
      };
    }
    for (const [status, response] of Object.entries(spec.responses)) {
      const contentType = response.contentType ?? 'application/json';
      const content =
        response.schema === null
          ? status === '204'
            ? undefined
            : { [contentType]: {} }
          : { [contentType]: { schema: convert(response.schema, 'output') } };
      responses[status] =
        content === undefined
          ? { description: response.description }
          : { description: response.description, content };
    }
    paths[path] ??= {};
    paths[path][spec.method] = {
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description === undefined ? {} : { description: spec.description }),
      tags: [spec.tag],
      security: spec.scope === null ? [] : [{ bearerAuth: [spec.scope] }],
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(Object.keys(bodies).length === 0
        ? {}
        : {
            requestBody: {
              required: spec.bodyOptional !== true,
              content: Object.fromEntries(
                Object.entries(bodies).map(([type, schema]) => [type, { schema: convert(schema, 'input') }]),
              ),
            },
          }),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [...new Set(routes.map((route) => route.spec.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description:
            'API_TOKENS secret. Scopes: read (GET), write (POST, PATCH), admin (DELETE; grants all).',
        },
      },
    },
  };
}

function parametersOf(
  schema: z.ZodType | undefined,
  location: 'path' | 'query' | 'header',
  convert: (schema: z.ZodType, io: 'input' | 'output') => Json,
): Json[] {
  if (schema === undefined) return [];
  const json = convert(schema, 'input');
  const properties = (json['properties'] ?? {}) as Record<string, Json>;
  const required = new Set((json['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name:
        location === 'header'
          ? name.replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => dash + letter.toUpperCase())
          : name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

/** Moves `$defs` into the components and points their references there; drops the per-schema `$schema`. */
function hoist(schema: Json, components: Record<string, unknown>): Json {
  const { $defs, $schema, ...rest } = schema;
  void $schema;
  for (const [name, definition] of Object.entries(($defs ?? {}) as Record<string, unknown>)) {
    components[name] ??= rewriteRefs(definition);
  }
  return rewriteRefs(rest) as Json;
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string'
        ? inner.replace('#/$defs/', '#/components/schemas/')
        : rewriteRefs(inner),
    ]),
  );
}
