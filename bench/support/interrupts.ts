// Ctrl-C or the runner's SIGTERM must not leave an API process listening or gigabytes of SQLite in /tmp:
// whatever is registered here is undone before the benchmark exits on a signal.
type Cleanup = () => Promise<unknown>;

const cleanups = new Set<Cleanup>();
let installed = false;

function onSignal(signal: NodeJS.Signals): void {
  console.log(`\n${signal}: stopping the API and removing scratch data ...`);
  const timer = setTimeout(() => process.exit(130), 20_000);
  void Promise.allSettled([...cleanups].map((cleanup) => cleanup())).then(() => {
    clearTimeout(timer);
    process.exit(130);
  });
}

/** Registers `cleanup` to run on SIGINT/SIGTERM; returns the function that unregisters it. */
export function onInterrupt(cleanup: Cleanup): () => void {
  if (!installed) {
    installed = true;
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}
