import { basename, relative, resolve } from 'node:path';
import { ConfigError, databaseEnv, parseEnv, processEnv, type DatabaseTarget } from '@steptrail/runtime';

/** Everything the migrator is configured with, parsed once at start-up. */
export interface MigratorConfig {
  database: DatabaseTarget;
}

export interface ConfigSources {
  /** --database-url from the command line; wins over DATABASE_URL. */
  databaseUrl: string | null;
  /** Defaults to a snapshot of the process environment; the only place the migrator reads it. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Anchors relative SQLite paths. */
  cwd: string;
}

/** Parses the configuration with zod; throws ConfigError listing every problem. */
export function loadConfig(sources: ConfigSources): MigratorConfig {
  const env = sources.env ?? processEnv();
  const fromFlag = sources.databaseUrl !== null;
  try {
    const parsed = parseEnv(databaseEnv(sources.cwd), {
      DATABASE_URL: sources.databaseUrl ?? env['DATABASE_URL'],
    });
    return { database: parsed.DATABASE_URL };
  } catch (error) {
    // The schema names the variable; say --database-url when that is where the value came from.
    if (error instanceof ConfigError && fromFlag) {
      throw new ConfigError(
        error.problems.map((problem) => problem.replace(/^DATABASE_URL: /, '--database-url: ')),
      );
    }
    throw error;
  }
}

/**
 * How the user started the migrator, as a command they can paste: the package script through the package manager
 * that ran it (`npx -y pnpm@10.34.8 migrate --`, as the README says, since a bare `pnpm` may not be installed), a
 * linked `steptrail-migrate` bin, or `node <path to main.js>`.
 */
export function programName(
  scriptPath: string,
  cwd: string,
  env: Readonly<Record<string, string | undefined>> = processEnv(),
): string {
  const agent = /^(pnpm|npm)\/(\S+)/.exec(env['npm_config_user_agent'] ?? '');
  const script = env['npm_lifecycle_event'];
  // A package script that starts this file (not, say, `test` whose child processes inherit its environment).
  const viaScript = (env['npm_lifecycle_script'] ?? '')
    .split(/\s+/)
    .some((word) => word !== '' && resolve(cwd, word) === resolve(scriptPath));
  if (agent !== null && script !== undefined && viaScript) {
    const [, manager, version] = agent;
    return manager === 'pnpm' ? `npx -y pnpm@${version} ${script} --` : `npm run ${script} --`;
  }
  if (basename(scriptPath) === 'steptrail-migrate') return 'steptrail-migrate';
  const path = relative(cwd, scriptPath);
  return `node ${path.startsWith('..') || path === '' ? scriptPath : path}`;
}
