import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { z } from 'zod';
import { defineRoute, type Route } from './routing/route.js';

/** apps/api/public, from src/http as from dist/http. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

const openApiDocument = z.record(z.string(), z.unknown()).meta({ description: 'An OpenAPI 3.1 document' });

/** The dashboard page and the API's own description; both public. */
export function documentRoutes(openApi: () => Record<string, unknown>): Route[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/',
        operationId: 'dashboard',
        summary: 'Live dashboard (HTML): files with status badges, steps, history, live updates',
        tag: 'operations',
        scope: null,
        schemas: {},
        responses: { 200: { description: 'The dashboard page', schema: null, contentType: 'text/html' } },
        errors: [],
      },
      async (_input, _req, res) => {
        await new Promise<void>((resolve, reject) =>
          res.sendFile('index.html', { root: PUBLIC_DIR }, (error) =>
            error === undefined ? resolve() : reject(error),
          ),
        );
        return { handled: true };
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/api/openapi.json',
        operationId: 'openApi',
        summary: 'This OpenAPI 3.1 document, generated from the request and response schemas',
        tag: 'operations',
        scope: null,
        schemas: {},
        responses: { 200: { description: 'The OpenAPI document', schema: openApiDocument } },
        errors: [],
      },
      async () => ({ status: 200, body: openApi() }),
    ),
  ];
}

/** The dashboard's script and stylesheet. */
export function serveDashboardAssets(app: Express): void {
  app.use(express.static(PUBLIC_DIR, { index: false, fallthrough: true, maxAge: 0 }));
}
