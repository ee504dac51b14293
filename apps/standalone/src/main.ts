#!/usr/bin/env node
import { API, isLoopbackHost } from '@steptrail/api';
import {
  TOKENS,
  checkDatabaseServes,
  ensureWritableDirectory,
  migrateToLatest,
  runMain,
  superviseProcess,
} from '@steptrail/runtime';
import { loadStandaloneConfig } from './config.js';
import { STANDALONE, buildStandaloneContainer } from './container.js';

// `pnpm start`: migrate the configured database (the embedded SQLite file by default), run the API and the worker in
// this process (START_WORKER=false runs the API alone), and say where the dashboard is.
runMain('steptrail', async () => {
  const config = await loadStandaloneConfig();
  await ensureWritableDirectory(config.api.storageDir, 'STORAGE_DIR');
  if (config.worker !== null)
    await (await import('@steptrail/worker')).prepareWorkerDirectories(config.worker);
  const applied = await migrateToLatest(config.api.database);
  await checkDatabaseServes(config.api.database);
  const container = await buildStandaloneContainer(config);
  container
    .resolve(STANDALONE.Logger)
    .info(
      { database: config.api.database.display, migrationsApplied: applied },
      'database schema is up to date',
    );
  const server = container.resolve(API.Server);
  const url = await server.listen();
  if (config.api.tokens.length === 0 && !isLoopbackHost(config.api.host))
    container
      .resolve(STANDALONE.Logger)
      .warn(
        { host: config.api.host },
        'no API_TOKENS on a non-loopback HOST (ALLOW_UNAUTHENTICATED=true): anyone who reaches this port may read, write and delete',
      );
  const worker = await container.resolve(STANDALONE.Worker).start();
  const store = container.resolve(TOKENS.Store);
  superviseProcess({
    app: 'steptrail',
    log: container.resolve(STANDALONE.Logger),
    ping: () => store.ping(),
    lostAfterMs: config.api.databaseLostAfterMs,
    stop: async () => {
      await worker?.stop();
      await server.close();
    },
    stopTimeoutMs: (config.worker?.shutdownGraceMs ?? 0) + config.api.shutdownTimeoutMs + 5_000,
  });
  const parts = [`Dashboard: ${url}/`, `API: ${url}/api/files`, `OpenAPI: ${url}/api/openapi.json`];
  process.stdout.write(
    `\nsteptrail is running${worker === null ? ' (API only)' : ' (API and worker)'}. ${parts.join('  ')}\n\n`,
  );
});
