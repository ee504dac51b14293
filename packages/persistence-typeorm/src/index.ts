export * from './dialect.js';
export * from './define-dialect.js';
export * from './transactions.js';
export * from './sql-executor.js';
export * from './json-rows-update.js';

export * from './typeorm-store.js';
export * from './mappers/column-parsers.js';
export { readUtcWallTime, utcText } from './mappers/utc-wall-time.js';
export * from './mappers/row-mappers.js';
export * from './repositories/typeorm-legacy-store.js';
export { BACKFILL_PROGRESS_TABLE } from './repositories/typeorm-backfill-progress.js';
export * from './schema/schema-plan.js';
export * from './schema/apply-schema-plan.js';
export * from './repositories/set-based-rebuild.js';
export * from './named-parameters.js';
