// bench/ is not a workspace package, so it has no node_modules of its own. The API app depends on every
// package this benchmark needs, so its dependencies are resolved the way Node resolves them for the app:
// through the workspace links, to each package's built `dist` (the `@steptrail/source` condition is not set).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const apiMain = join(repoRoot, 'apps', 'api', 'dist', 'main.js');

const fromApi = createRequire(join(repoRoot, 'apps', 'api', 'package.json'));

/** Imports a workspace package by name, as apps/api sees it; a clear error when it is not built. */
export async function importWorkspace(name) {
  let path;
  try {
    path = fromApi.resolve(name);
  } catch (error) {
    throw new Error(`${name} cannot be resolved from apps/api; run "npx -y pnpm@10.34.8 install"`, {
      cause: error,
    });
  }
  try {
    return await import(pathToFileURL(path).href);
  } catch (error) {
    throw new Error(`${name} is not built (${path}); run "npx -y pnpm@10.34.8 build" first`, {
      cause: error,
    });
  }
}
