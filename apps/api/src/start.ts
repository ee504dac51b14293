import { migrateToLatest } from '@steptrail/runtime';
import { loadApiConfig } from './config.js';
import { API, buildApiContainer } from './container.js';
import { runMain, stopOnSignals } from './process-lifecycle.js';
import { startWorkerIfInstalled } from './worker-seam.js';

// `pnpm start`: migrate the configured database (the embedded SQLite file by default), run the API and, when it is
// installed, the worker in this process, and say where the dashboard is.
runMain(async () => {
  const config = loadApiConfig();
  const applied = await migrateToLatest(config.database);
  const container = await buildApiContainer(config);
  const log = container.resolve(API.Logger);
  log.info({ database: config.database.display, migrationsApplied: applied }, 'database schema is up to date');
  const server = container.resolve(API.Server);
  const url = await server.listen();
  const worker = config.startWorker ? await startWorkerIfInstalled(log) : null;
  stopOnSignals(async () => {
    await worker?.stop();
    await server.close();
  });
  process.stdout.write(`\nsteptrail is running. Dashboard: ${url}/  (API: ${url}/api, OpenAPI: ${url}/api/openapi.json)\n\n`);
});
