// Preloaded into the benchmarked CLI (node --require): reports, on stderr, how many milliseconds after the
// process started (performance.now() counts from the process's time origin) the first SQL statement reached
// better-sqlite3, and which modules were loaded by then.
const Module = require('node:module');

let reported = false;
const report = () => {
  if (reported) return;
  reported = true;
  const ms = performance.now();
  const modules = Object.keys(require.cache).length;
  process.stderr.write(`${JSON.stringify({ event: 'first-query', ms, cjsModules: modules })}\n`);
};

const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  const loaded = originalLoad.call(this, request, parent, isMain);
  if (request === 'better-sqlite3' && typeof loaded === 'function' && !loaded.__firstQueryWrapped) {
    loaded.__firstQueryWrapped = true;
    for (const name of ['prepare', 'exec', 'pragma']) {
      const original = loaded.prototype[name];
      loaded.prototype[name] = function wrapped(...args) {
        report();
        return original.apply(this, args);
      };
    }
  }
  return loaded;
};
