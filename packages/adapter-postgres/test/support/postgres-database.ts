import { createDatabase } from '@steptrail/test-servers';
import { backendUrls, titleWithSkipReason } from '@steptrail/test-servers/backend-urls';
import pg from 'pg';
import { createPostgresDataSource } from '../../src/index.js';

const urls = backendUrls();

/** The PostgreSQL server of this run, or null with the reason in `skipReason`. */
export const serverUrl: string | null = urls.postgres;

/** A describe title that shows why the suite was skipped when there is no PostgreSQL. */
export const postgresTitle = (title: string): string => titleWithSkipReason(title, urls.skipReason.postgres);

/** A fresh, empty database of its own for one suite (an older one of that name is dropped). */
export function freshDatabase(name: string): Promise<string> {
  if (serverUrl === null) throw new Error('No PostgreSQL server in this run.');
  return createDatabase(serverUrl, name);
}

/** Runs steptrail's migrations on the database and returns the names applied. */
export async function migrate(url: string): Promise<string[]> {
  const dataSource = await createPostgresDataSource({ url, poolSize: 2 }).initialize();
  try {
    return (await dataSource.runMigrations()).map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

/** A plain pg client for statements the test runs behind steptrail's back. */
export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
