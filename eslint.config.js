// Flat config with type-aware rules: promises must be awaited or handled, and no `any` leaks across boundaries.
// Below them, the shape of the house (STYLE.md "The shape"): where the environment is read, what the domain may
// import, and that no app imports another.
import { readdirSync, readFileSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Every app: each folder under apps/ and its package name, read from the tree so a new app is covered at once. */
const APPS = readdirSync(new URL('./apps/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => ({
    dir: entry.name,
    name: JSON.parse(readFileSync(new URL(`./apps/${entry.name}/package.json`, import.meta.url), 'utf8'))
      .name,
  }));

/**
 * Forbids importing every app but `self` (a folder under apps/, or null for code outside apps/): by package name, or
 * by a relative path into apps/<name>/. Inside apps/ a bare `../<name>/` also reaches a sibling app.
 */
const appImports = (self) => {
  const forbidden = APPS.filter((app) => app.dir !== self);
  const dirs = forbidden.map((app) => app.dir);
  // `../cli/` inside the migrator is its own folder: the CLI app is only recognised with its apps/ prefix.
  const bare = self === null ? [] : dirs.filter((dir) => dir !== 'cli');
  const regex =
    bare.length === 0
      ? `^(\\.\\./)+apps/(${dirs.join('|')})/`
      : `^(\\.\\./)+((apps/)?(${bare.join('|')})|apps/(${dirs.join('|')}))/`;
  const message = 'An app never imports another app: move what both need into a package under packages/.';
  return {
    paths: forbidden.map((app) => ({ name: app.name, message })),
    patterns: [
      { group: forbidden.map((app) => `${app.name}/*`), message },
      { regex, message },
    ],
  };
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.turbo/**',
      'bench/reports/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/test/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },

  // The environment is read once, in config files, and handed on as parsed config.
  {
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message:
            "Read the environment in the app's config.ts (processEnv() of @steptrail/runtime) and pass config on.",
        },
      ],
    },
  },
  {
    files: [
      '**/config.ts',
      // processEnv(): the one reader every app's config.ts calls.
      'packages/runtime/src/env-config.ts',
      // The switches the throwaway test servers obey (TEST_POSTGRES_URL, CI, PATH).
      'packages/test-servers/src/env.ts',
      // Tests pin TZ and hand their environment to the processes they start.
      '**/test/**/*.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },

  // Packages import no app either (the domain's stricter rule below replaces this one for it).
  {
    files: ['packages/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', appImports(null)] },
  },

  // The domain imports nothing outside itself: no workspace package, no library, no node: module.
  {
    files: ['packages/domain/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.{1,2}/)',
              message:
                'packages/domain imports only its own files; adapters and apps depend on it, never the reverse.',
            },
          ],
        },
      ],
    },
  },

  // The client runs in browsers too: its sources import no node: module (docs/architecture.md#the-client).
  {
    files: ['packages/client/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...appImports(null),
          patterns: [
            ...appImports(null).patterns,
            {
              regex: '^node:',
              message: '@steptrail/client runs in browsers: use web APIs (fetch, streams, crypto).',
            },
          ],
        },
      ],
    },
  },

  // Apps import no app, the all-in-one app included: it composes the API's and the worker's packages.
  ...APPS.map((app) => ({
    files: [`apps/${app.dir}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', appImports(app.dir)] },
  })),
);
