// Bundles the dashboard (src/main.tsx and the styles it imports) with esbuild into ../dist/dashboard, next to index.html, for
// the API to serve at / (docs/architecture.md#dashboard). Everything the page loads is in that folder: no CDN, no
// web fonts. `node dashboard/build.mjs` from packages/api; `--watch` rebuilds on change.
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const outdir = here('../dist/dashboard/');

/** @type {import('esbuild').BuildOptions} */
const options = {
  entryPoints: { dashboard: here('src/main.tsx') }, // its CSS import becomes dashboard.css
  outdir,
  bundle: true,
  format: 'esm',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  tsconfig: here('tsconfig.json'),
  // Workspace packages (@steptrail/client, @steptrail/api-schema) from their sources, so a build needs no earlier one.
  conditions: ['@steptrail/source'],
};

await mkdir(outdir, { recursive: true });
await copyFile(here('index.html'), `${outdir}index.html`);
if (process.argv.includes('--watch')) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
