import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources in tests (no build needed); Node itself uses dist.
// No 'module' condition: it makes some packages (the AWS SDK) load bundler-only builds that Node cannot run.
const source = { conditions: ['@steptrail/source', 'node', 'development|production'] };
// Workers may also get these as `node --conditions`, so they must not contain 'import': with it,
// require('pg-pool') inside pg loads pg-pool's ESM build and pg fails to construct its Pool.
const ssr = { resolve: source };

// Starts a throwaway PostgreSQL and MariaDB once per run (shared by int and e2e), or skips them with a
// written reason when they are not installed and CI is not set.
const testServers = './packages/test-servers/src/global-setup.ts';

export default defineConfig({
  resolve: source,
  ssr,
  test: {
    projects: [
      {
        resolve: source,
        ssr,
        test: {
          name: 'unit',
          include: [
            'packages/*/test/**/*.test.ts',
            'apps/*/test/**/*.test.ts',
            'packages/*/src/**/*.test.ts',
            'test/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts', '**/*.e2e.test.ts', '**/*.rel.test.ts', '**/node_modules/**'],
        },
      },
      {
        resolve: source,
        ssr,
        test: {
          name: 'int',
          include: ['packages/*/test/**/*.int.test.ts', 'apps/*/test/**/*.int.test.ts'],
          globalSetup: [testServers],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One file at a time: the two database servers already want the machine's two cores, and
          // suites that migrate the shared steptrail_test database must not interleave.
          fileParallelism: false,
          // After the unit tests, so they do not compete with the servers for CPU.
          sequence: { groupOrder: 1 },
        },
      },
      {
        resolve: source,
        ssr,
        test: {
          name: 'e2e',
          include: ['**/*.e2e.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          globalSetup: [testServers],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
      {
        resolve: source,
        ssr,
        test: {
          // The reliability suite (test/reliability/README.md): small in every test run, full with
          // `pnpm test:reliability`. Its second setup prints one summary of what the suites recorded.
          name: 'reliability',
          include: ['test/reliability/**/*.rel.test.ts'],
          globalSetup: [testServers, './test/reliability/support/summary-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
