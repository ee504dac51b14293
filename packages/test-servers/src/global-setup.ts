import type { TestProject } from 'vitest/node';
import type { TestServerSkipReasons } from './provided-context.js';
import { acquireTestServers, releaseTestServers } from './shared-test-servers.js';

/**
 * Vitest globalSetup of the int and e2e projects: gives their tests a PostgreSQL and a MariaDB URL
 * (or null with the reason), through inject() and through TEST_POSTGRES_URL / TEST_MYSQL_URL for the
 * processes tests spawn. The returned teardown stops whatever was started here.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers = await acquireTestServers();
  project.provide('postgresUrl', servers.postgres.url);
  project.provide('mysqlUrl', servers.mysql.url);
  const skipReasons: TestServerSkipReasons = {
    postgres: servers.postgres.skipReason,
    mysql: servers.mysql.skipReason,
  };
  project.provide('testServerSkipReasons', skipReasons);
  return releaseTestServers;
}
