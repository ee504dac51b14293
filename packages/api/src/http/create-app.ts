import express, { type Express } from 'express';
import { securityHeaders, type Logger } from '@steptrail/runtime';
import { documentRoutes, serveDashboardAssets } from './dashboard-routes.js';
import { errorHandler, notFoundHandler } from './errors/error-handler.js';
import { buildOpenApi } from './openapi/build-openapi.js';
import { requestContext } from './request-context.js';
import { mountRoutes } from './routing/mount-routes.js';
import type { Route } from './routing/route.js';
import { bulkRoutes } from './routes/bulk.routes.js';
import { downloadRoutes } from './routes/downloads.routes.js';
import { eventRoutes } from './routes/events.routes.js';
import { fileCommandRoutes } from './routes/files-command.routes.js';
import { fileQueryRoutes } from './routes/files-query.routes.js';
import { fileRegisterRoutes } from './routes/file-register.routes.js';
import { insightRoutes } from './routes/insights.routes.js';
import { webhookRoutes } from './routes/webhooks.routes.js';
import { webhookConsoleRoutes } from './routes/webhook-console.routes.js';
import { opsRoutes } from './routes/ops.routes.js';
import { stallRoutes } from './routes/stall.routes.js';
import type { RouteDeps } from './routes/route-deps.js';

export const API_VERSION = '0.1.0';

/** Every route of the API, in the order they are matched. */
export function apiRoutes(deps: RouteDeps): Route[] {
  let document: Record<string, unknown> | null = null;
  const routes: Route[] = [
    ...fileRegisterRoutes(deps),
    ...fileQueryRoutes(deps),
    ...downloadRoutes(deps),
    ...fileCommandRoutes(deps),
    ...eventRoutes(deps),
    ...insightRoutes(deps),
    ...stallRoutes(deps),
    ...bulkRoutes(deps),
    ...webhookRoutes(deps),
    ...webhookConsoleRoutes(deps),
    ...opsRoutes(deps),
    ...documentRoutes(() => (document ??= buildOpenApi(routes, OPENAPI_INFO))),
  ];
  return routes;
}

const OPENAPI_INFO = {
  title: 'steptrail API',
  version: API_VERSION,
  description:
    'Current state and complete history of every processing step of every file. Errors are {error: {code, message, details?}}.',
};

/** The Express application: security headers, request ids and logs, metrics, routes, one error shape. */
export function createApp(deps: RouteDeps, logger: Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestContext(logger));
  // The same security headers as every steptrail port (docs/architecture.md#access).
  app.use(securityHeaders());
  app.use(deps.metrics.middleware());
  mountRoutes(app, apiRoutes(deps), { tokens: deps.config.tokens, maxJsonBytes: deps.config.maxJsonBytes });
  serveDashboardAssets(app);
  app.use(notFoundHandler());
  app.use(errorHandler());
  return app;
}
