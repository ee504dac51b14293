import { createDatabase } from '@steptrail/test-servers';
import { backendUrls, titleWithSkipReason } from '@steptrail/test-servers/backend-urls';
import type { DataSource } from 'typeorm';
import { createMysqlDataSource } from '../../src/index.js';

const urls = backendUrls();

/** True when this run has no MySQL/MariaDB server; suites skip with `mysqlTitle`'s reason. */
export const noMysql = urls.mysql === null;

/** A describe title carrying the reason the MySQL suites were skipped, if they were. */
export const mysqlTitle = (title: string): string => titleWithSkipReason(title, urls.skipReason.mysql);

/** A new, empty database for one suite (dropped first if an earlier run left it), and its URL. */
export function freshDatabase(name: string): Promise<string> {
  if (urls.mysql === null) throw new Error(`No MySQL server: ${urls.skipReason.mysql ?? 'unknown reason'}`);
  return createDatabase(urls.mysql, name);
}

/** An initialized data source on `url` with steptrail's migrations registered; the caller destroys it. */
export function connect(url: string, poolSize = 4): Promise<DataSource> {
  return createMysqlDataSource({ url, poolSize }).initialize();
}

/** Applies every pending steptrail migration to the database at `url`. */
export async function migrate(url: string): Promise<void> {
  const dataSource = await connect(url, 1);
  try {
    await dataSource.runMigrations();
  } finally {
    await dataSource.destroy();
  }
}

/** A promise with its resolve function, to make two connections take turns. */
export function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
