import { fileURLToPath } from 'node:url';

/**
 * The deployables these tests start as processes, from their TypeScript sources: the API app's entry (apps/api, a
 * thin `main.ts` over this package) and the all-in-one app (apps/standalone). The tests stay here because what they
 * check is this package's behaviour; only the process around it is the app's.
 */
export const API_MAIN = fileURLToPath(new URL('../../../../apps/api/src/main.ts', import.meta.url));
export const STANDALONE_MAIN = fileURLToPath(
  new URL('../../../../apps/standalone/src/main.ts', import.meta.url),
);
