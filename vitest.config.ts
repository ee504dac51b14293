import { defineConfig } from 'vitest/config';

const source = { conditions: ['@steptrail/source'] };

export default defineConfig({
  resolve: source,
  test: {
    projects: [
      {
        resolve: source,
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.e2e.test.ts', '**/node_modules/**'],
        },
      },
    ],
  },
});
