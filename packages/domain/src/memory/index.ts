// The in-memory Store, for tests and benchmarks: `@steptrail/domain/memory`, apart from the domain's own entry
// so that production code reaching for it stands out.
export { MemoryStore, type MemoryState } from './memory-store.js';
