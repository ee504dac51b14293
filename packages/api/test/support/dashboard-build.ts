import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const BUILD_SCRIPT = fileURLToPath(new URL('../../dashboard/build.mjs', import.meta.url));
let built: Promise<void> | null = null;

/**
 * Bundles the dashboard from its current sources into dist/dashboard (what the API serves), once per test file:
 * tests run from the TypeScript sources, so they must not depend on an earlier build. esbuild takes well under a
 * second.
 */
export function buildDashboard(): Promise<void> {
  built ??= promisify(execFile)(process.execPath, [BUILD_SCRIPT], { timeout: 60_000 }).then(() => undefined);
  return built;
}
