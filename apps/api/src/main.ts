import { loadApiConfig } from './config.js';
import { API, buildApiContainer } from './container.js';
import { runMain, stopOnSignals } from './process-lifecycle.js';

// Starts what the container built; nothing else.
runMain(async () => {
  const container = await buildApiContainer(loadApiConfig());
  const server = container.resolve(API.Server);
  await server.listen();
  stopOnSignals(() => server.close());
});
