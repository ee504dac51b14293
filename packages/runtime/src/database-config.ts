import { z } from 'zod';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl, type DatabaseTarget } from './database-url.js';

/** The DATABASE_URL part of every app's environment schema; `cwd` anchors relative SQLite paths. */
export function databaseEnv(cwd: string) {
  return z.object({
    DATABASE_URL: z
      .string()
      .default(DEFAULT_DATABASE_URL)
      .transform((value, context): DatabaseTarget => {
        const parsed = parseDatabaseUrl(value, cwd);
        if (parsed.ok) return parsed.value;
        context.addIssue({ code: 'custom', message: parsed.error.message });
        return z.NEVER;
      }),
  });
}
