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
