export * from './database-url.js';
export * from './database-config.js';
export * from './env-config.js';
export * from './env-helpers.js';
export * from './logger.js';
export * from './startup.js';
export * from './open-store.js';
export * from './container-parts.js';
export { BACKFILL_PROGRESS_TABLE, SCHEMA_META_TABLE, utcText } from '@steptrail/persistence-typeorm';
