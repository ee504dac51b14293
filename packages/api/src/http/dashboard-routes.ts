import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { z } from 'zod';
import { defineRoute, type Route } from './routing/route.js';

/**
 * The bundled dashboard (index.html, dashboard.js, dashboard.css), which `node dashboard/build.mjs` writes to
 * packages/api/dist/dashboard: found from src/http as from dist/http (docs/architecture.md#dashboard).
 */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../dist/dashboard/', import.meta.url));

const openApiDocument = z.record(z.string(), z.unknown()).meta({ description: 'An OpenAPI 3.1 document' });

/** The dashboard page and the API's own description; both public. */
export function documentRoutes(openApi: () => Record<string, unknown>): Route[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/',
        operationId: 'dashboard',
        summary:
          'Live dashboard (HTML): overview, files with filters and bulk actions, file timelines and history, upload',
        tag: 'operations',
        scope: null,
        schemas: {},
        responses: { 200: { description: 'The dashboard page', schema: null, contentType: 'text/html' } },
        errors: [],
      },
      async (_input, _req, res) => {
        await new Promise<void>((resolve, reject) =>
          res.sendFile(
            'index.html',
            { root: DASHBOARD_DIR, headers: { 'Cache-Control': 'no-cache' } },
            (error) => (error === undefined ? resolve() : reject(dashboardMissing(error))),
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

/** A checkout that was never built has no bundle: say how to make one instead of a bare 500. */
function dashboardMissing(error: Error): Error {
  return (error as NodeJS.ErrnoException).code === 'ENOENT'
    ? new Error(`The dashboard is not built (${DASHBOARD_DIR}): run the build, e.g. pnpm build`, {
        cause: error,
      })
    : error;
}

/** The dashboard's script, stylesheet and source map; revalidated on every load so a new build shows at once. */
export function serveDashboardAssets(app: Express): void {
  app.use(express.static(DASHBOARD_DIR, { index: false, fallthrough: true, maxAge: 0 }));
}
