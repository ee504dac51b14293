// `node --conditions=@steptrail/source --import ./ts-register.mjs script.ts` runs TypeScript sources directly (Node 20
// has no type stripping), so e2e tests can start real processes from the sources without a build.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
