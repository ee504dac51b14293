import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '@steptrail/domain';
import { TypeormStore } from '@steptrail/persistence-typeorm';
import { createPostgresDataSource } from './data-source.js';
import { mapPostgresError } from './errors.js';
import { postgresDialect } from './postgres-dialect.js';
import { postgresWorkNotifications } from './work-notifications.js';

export { createPostgresDataSource, type PostgresConnectionOptions } from './data-source.js';
export { parseUtcTimestamp } from './utc-timestamp.js';
export { postgresCapabilities } from './capabilities.js';
export { mapPostgresError } from './errors.js';
export { postgresDialect, postgresTime, WORK_CHANNEL } from './postgres-dialect.js';
export {
  postgresWorkNotifications,
  type WakeupSubscription,
  type WorkNotificationOptions,
} from './work-notifications.js';
export { postgresMigrations } from '../migrations/index.js';

export interface OpenPostgresStoreOptions {
  /** postgres://user:password@host:port/database of a migrated database. */
  url: string;
  clock?: Clock;
  /** Connections this process keeps open at most (plus one for LISTEN). */
  poolSize?: number;
  connectTimeoutMs?: number;
  applicationName?: string;
  /** Told when the LISTEN connection fails to reconnect; it keeps retrying with backoff. */
  onNotificationError?: (error: unknown) => void;
}

/** Opens a Store on a migrated PostgreSQL database: one connection pool plus one listening connection. */
export async function openPostgresStore(options: OpenPostgresStoreOptions): Promise<TypeormStore> {
  const dataSource = createPostgresDataSource(options);
  const origin = randomUUID();
  try {
    await dataSource.initialize();
    return await TypeormStore.open({
      dataSource,
      dialect: postgresDialect({ origin }),
      clock: options.clock ?? systemClock,
      subscribeToWakeups: postgresWorkNotifications({
        url: options.url,
        connectTimeoutMs: options.connectTimeoutMs,
        applicationName: `${options.applicationName ?? 'steptrail'}-work-listener`,
        onConnectionError: options.onNotificationError,
        ownOrigin: origin,
      }),
    });
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    throw mapPostgresError(error);
  }
}
