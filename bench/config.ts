// The one module of the benchmarks that reads the environment (ESLint allows process.env only in config files):
// what the runner hands each benchmark (BENCH_*), the servers a caller may name instead of the throwaway ones, and
// the environment the benchmarks pass on to the processes they measure (the API, the migrator's CLI).

const blank = (value: string | undefined): string | null =>
  value === undefined || value.trim() === '' ? null : value.trim();

/** A PostgreSQL or MariaDB server for a benchmark: its URL, or why there is none. */
export interface ServerSetting {
  url: string | null;
  skip: string | null;
}

export interface BenchEnvironment {
  /** BENCH_SCALE: the runner's --scale. */
  scale: string | null;
  /** BENCH_DATABASES: the databases that have a server in this run. */
  databases: string | null;
  /** BENCH_REPORT_FILE: where the runner wants the JSON report. */
  reportFile: string | null;
  postgres: ServerSetting;
  mariadb: ServerSetting;
  /** STEPTRAIL_TEST_SERVERS: which servers count as installed (as for the tests); null for all. */
  testServers: string | null;
  /** TEST_POSTGRES_URL / TEST_MYSQL_URL: the tests' servers, which the migrator benchmark also accepts. */
  testPostgresUrl: string | null;
  testMysqlUrl: string | null;
}

export function readBenchEnvironment(env: NodeJS.ProcessEnv = process.env): BenchEnvironment {
  return {
    scale: blank(env.BENCH_SCALE),
    databases: blank(env.BENCH_DATABASES),
    reportFile: blank(env.BENCH_REPORT_FILE),
    postgres: { url: blank(env.BENCH_POSTGRES_URL), skip: blank(env.BENCH_POSTGRES_SKIP) },
    mariadb: { url: blank(env.BENCH_MYSQL_URL), skip: blank(env.BENCH_MYSQL_SKIP) },
    testServers: blank(env.STEPTRAIL_TEST_SERVERS),
    testPostgresUrl: blank(env.TEST_POSTGRES_URL),
    testMysqlUrl: blank(env.TEST_MYSQL_URL),
  };
}

/** The environment of a measured child process: this process's own (PATH, HOME, TZ ...) with `extra` on top. */
export function childEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
