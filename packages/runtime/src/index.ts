export * from './database-url.js';
export * from './database-config.js';
export * from './env-config.js';
export * from './env-helpers.js';
// The logger (pino) and the metrics (prom-client) are subpaths, `@steptrail/runtime/logger` and
// `@steptrail/runtime/metrics`: a process that neither logs nor serves metrics (the migrator) loads neither
// (docs/architecture.md#start-up-cost). Their types stay here: a type import loads nothing.
export type { DestinationStream, Logger, LoggerOptions } from './logger.js';
export * from './log-levels.js';
export * from './startup.js';
export * from './open-store.js';
export * from './container-parts.js';
export * from './stall-config.js';
export * from './stall-sweeper.js';
export { BACKFILL_PROGRESS_TABLE, SCHEMA_META_TABLE, utcText } from '@steptrail/persistence-typeorm';
export * from './reconcile-loop.js';
export * from './database-checks.js';
export * from './process-supervision.js';
export * from './request-scope.js';
export * from './access/index.js';
