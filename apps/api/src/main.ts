import { API, buildApiContainer, isLoopbackHost, loadApiConfig } from '@steptrail/api';
import {
  TOKENS,
  checkDatabaseServes,
  ensureWritableDirectory,
  runMain,
  superviseProcess,
} from '@steptrail/runtime';

// Starts what the container built; nothing else. The schema must be migrated already (steptrail-migrate schema up,
// or the all-in-one app in apps/standalone): start-up refuses an unmigrated or unwritable database
// (docs/architecture.md#start-up). Once serving, faults are logged and only a lost database stops it
// (docs/architecture.md#faults).
runMain('steptrail-api', async () => {
  const config = loadApiConfig();
  await ensureWritableDirectory(config.storageDir, 'STORAGE_DIR');
  await checkDatabaseServes(config.database);
  const container = await buildApiContainer(config);
  const server = container.resolve(API.Server);
  await server.listen();
  const log = container.resolve(API.Logger);
  if (config.tokens.length === 0 && !isLoopbackHost(config.host))
    log.warn(
      { host: config.host },
      'no API_TOKENS on a non-loopback HOST (ALLOW_UNAUTHENTICATED=true): anyone who reaches this port may read, write and delete',
    );
  const store = container.resolve(TOKENS.Store);
  superviseProcess({
    app: 'steptrail-api',
    log,
    ping: () => store.ping(),
    lostAfterMs: config.databaseLostAfterMs,
    stop: () => server.close(),
    stopTimeoutMs: config.shutdownTimeoutMs + 5_000,
  });
});
