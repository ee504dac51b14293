import { statSync } from 'node:fs';
import { dirname } from 'node:path';
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
        const problem = parsed.ok ? sqliteFolderProblem(parsed.value, cwd) : parsed.error.message;
        if (parsed.ok && problem === null) return parsed.value;
        context.addIssue({ code: 'custom', message: problem ?? 'invalid' });
        return z.NEVER;
      }),
  });
}

/**
 * A SQLite file in a folder that does not exist is almost always a typo, and creating the folder would hide it;
 * only the default's folder (./data) is created when the database is first opened.
 */
function sqliteFolderProblem(target: DatabaseTarget, cwd: string): string | null {
  if (target.kind !== 'sqlite') return null;
  const folder = dirname(target.path);
  const fallback = parseDatabaseUrl(DEFAULT_DATABASE_URL, cwd);
  if (fallback.ok && fallback.value.kind === 'sqlite' && folder === dirname(fallback.value.path)) return null;
  const stats = statSync(folder, { throwIfNoEntry: false });
  if (stats?.isDirectory() === true) return null;
  return (
    `the folder ${folder} of ${target.display} ${stats === undefined ? 'does not exist' : 'is not a folder'}; ` +
    `create it first, or give a path in an existing folder (only the default ${DEFAULT_DATABASE_URL} creates its folder).`
  );
}
