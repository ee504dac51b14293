// Node-side API, free of vitest's runtime: usable from scripts and benchmarks as well as from tests.
// Tests read the URLs of the run through '@steptrail/test-servers/backend-urls'.
export { createDatabase } from './create-database.js';
export { createReadOnlyUser } from './read-only-user.js';
export type { ServerKind } from './env.js';
export { freePort } from './free-port.js';
export {
  findServers,
  installHints,
  type FindServersOptions,
  type FoundServers,
  type MariaDbBinaries,
  type PostgresBinaries,
  type ServerLookup,
} from './find-servers.js';
export { startMariaDb, type StartMariaDbOptions } from './mariadb-server.js';
export { startPostgres, type StartPostgresOptions } from './postgres-server.js';
export type { RestartableServer, RunningServer } from './running-server.js';
