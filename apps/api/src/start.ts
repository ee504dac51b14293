import { TOKENS, migrateToLatest } from '@steptrail/runtime';
import { loadApiConfig } from './config.js';
import { API, buildApiContainer } from './container.js';
import { runMain, stopOnSignals } from './process-lifecycle.js';
import { prepareWorker } from './worker-seam.js';

// `pnpm start`: migrate the configured database (the embedded SQLite file by default), run the API and the worker in
// this process (START_WORKER=false runs the API alone), and say where the dashboard is.
runMain(async () => {
  const config = loadApiConfig();
  const prepared = config.startWorker ? await prepareWorker() : null;
  const applied = await migrateToLatest(config.database);
  const container = await buildApiContainer(config);
  const log = container.resolve(API.Logger);
  log.info(
    { database: config.database.display, migrationsApplied: applied },
    'database schema is up to date',
  );
  const server = container.resolve(API.Server);
  const url = await server.listen();
  const worker = prepared === null ? null : await prepared.start(container.resolve(TOKENS.Store));
  stopOnSignals(async () => {
    await worker?.stop();
    await server.close();
  });
  const parts = [`Dashboard: ${url}/`, `API: ${url}/api/files`, `OpenAPI: ${url}/api/openapi.json`];
  process.stdout.write(
    `\nsteptrail is running${worker === null ? ' (API only)' : ' (API and worker)'}. ${parts.join('  ')}\n\n`,
  );
});
