import { delimiter } from 'node:path';
import { z } from 'zod';

// The one module of this package that touches process.env (the project rule: only env*.ts/config*.ts do),
// so every switch the test servers obey is listed here and nowhere else.

export type ServerKind = 'postgres' | 'mariadb';

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? null : value.trim()));

const serverList = optionalText.transform((value, ctx): readonly ServerKind[] | null => {
  if (value === null || value === 'all') return null;
  if (value === 'none') return [];
  const kinds = value.split(',').map((part) => part.trim());
  const unknown = kinds.filter((kind) => kind !== 'postgres' && kind !== 'mariadb');
  if (unknown.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown server(s) ${unknown.join(', ')}; use all, none or a list of postgres,mariadb`,
    });
    return z.NEVER;
  }
  return kinds.filter((kind): kind is ServerKind => kind === 'postgres' || kind === 'mariadb');
});

const urlWithScheme = (schemes: readonly string[]) =>
  optionalText.refine(
    (value) => value === null || schemes.some((scheme) => value.startsWith(`${scheme}://`)),
    {
      message: `must start with ${schemes.map((scheme) => `${scheme}://`).join(' or ')}`,
    },
  );

const schema = z.object({
  CI: optionalText.transform((value) => value === 'true' || value === '1'),
  TEST_POSTGRES_URL: urlWithScheme(['postgres', 'postgresql']),
  TEST_MYSQL_URL: urlWithScheme(['mysql', 'mariadb']),
  STEPTRAIL_TEST_SERVERS: serverList,
});

export interface TestServerEnv {
  /** On CI a missing server fails the run instead of skipping its tests. */
  readonly ci: boolean;
  /** Servers someone already runs; when set, nothing is started for that backend. */
  readonly postgresUrl: string | null;
  readonly mysqlUrl: string | null;
  /** Which servers may be started; null means every installed one, [] pretends none is installed. */
  readonly allowedServers: readonly ServerKind[] | null;
}

/** Parses the variables once; a wrong value throws with every problem listed. */
export function readTestServerEnv(): TestServerEnv {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid test-server environment:\n  ${problems.join('\n  ')}`);
  }
  const env = parsed.data;
  return {
    ci: env.CI,
    postgresUrl: env.TEST_POSTGRES_URL,
    mysqlUrl: env.TEST_MYSQL_URL,
    allowedServers: env.STEPTRAIL_TEST_SERVERS,
  };
}

/** The directories of PATH, to find server binaries the way a shell would. */
export function searchPath(): string[] {
  return (process.env['PATH'] ?? '').split(delimiter).filter((dir) => dir !== '');
}

/**
 * Hands the URLs to processes that tests spawn (apps, CLIs), which cannot call vitest's inject.
 * Returns a function that puts the previous values back, so a run leaves the environment as it found it.
 */
export function exportTestServerUrls(urls: { postgres: string | null; mysql: string | null }): () => void {
  const previous = { postgres: process.env['TEST_POSTGRES_URL'], mysql: process.env['TEST_MYSQL_URL'] };
  setOrDelete('TEST_POSTGRES_URL', urls.postgres ?? undefined);
  setOrDelete('TEST_MYSQL_URL', urls.mysql ?? undefined);
  return () => {
    setOrDelete('TEST_POSTGRES_URL', previous.postgres);
    setOrDelete('TEST_MYSQL_URL', previous.mysql);
  };
}

function setOrDelete(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** This process's environment, for a child process started on top of it. */
export const inheritedEnv = (): Record<string, string | undefined> => ({ ...process.env });
