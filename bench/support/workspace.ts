// Where the benchmarks find what they measure: the repository root and the built API. Workspace packages are
// imported by name (bench/ is a workspace package): Node resolves them to their built `dist`, as for the apps
// (the `@steptrail/source` condition is not set), so a benchmark measures what `pnpm build` produced.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const apiMain = join(repoRoot, 'apps', 'api', 'dist', 'main.js');
export const migratorMain = join(repoRoot, 'apps', 'migrator', 'dist', 'main.js');

/** Throws a clear error when `path` (a built file) is missing. */
export function requireBuilt(path: string): void {
  if (!existsSync(path)) throw new Error(`${path} does not exist: build first (npx -y pnpm@10.34.8 build)`);
}
