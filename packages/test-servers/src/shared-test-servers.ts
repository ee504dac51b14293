import { exportTestServerUrls, readTestServerEnv } from './env.js';
import { findServers, type ServerLookup } from './find-servers.js';
import { startMariaDb } from './mariadb-server.js';
import { startPostgres } from './postgres-server.js';
import type { RunningServer } from './running-server.js';

export interface Backend {
  readonly url: string | null;
  /** Why url is null; null when there is a URL. */
  readonly skipReason: string | null;
}

export interface TestServers {
  readonly postgres: Backend;
  readonly mysql: Backend;
}

interface Started extends TestServers {
  readonly stop: () => Promise<void>;
}

interface Shared {
  users: number;
  readonly started: Promise<Started>;
}

// Vitest loads a globalSetup file once per project, each copy with its own module state, so the int and
// e2e projects would each start their own pair of servers. The copies share the main process's
// globalThis, so the servers live there, counted by the projects that use them.
const sharedKey = Symbol.for('@steptrail/test-servers');
const holder = globalThis as typeof globalThis & { [sharedKey]?: Shared };

/** Starts (or reuses) the servers of this test run; every call needs one releaseTestServers() after it. */
export async function acquireTestServers(): Promise<TestServers> {
  const shared = holder[sharedKey] ?? { users: 0, started: startTestServers() };
  holder[sharedKey] = shared;
  shared.users += 1;
  try {
    return await shared.started;
  } catch (error) {
    shared.users -= 1;
    if (shared.users === 0) delete holder[sharedKey];
    throw error;
  }
}

/** Stops the servers when the last project that acquired them lets go. */
export async function releaseTestServers(): Promise<void> {
  const shared = holder[sharedKey];
  if (shared === undefined) return;
  shared.users -= 1;
  if (shared.users > 0) return;
  delete holder[sharedKey];
  await (await shared.started).stop();
}

interface Plan {
  readonly label: 'PostgreSQL' | 'MariaDB';
  readonly variable: 'TEST_POSTGRES_URL' | 'TEST_MYSQL_URL';
  readonly givenUrl: string | null;
  readonly lookup: ServerLookup<unknown>;
  readonly start: () => Promise<RunningServer>;
}

interface Resolved extends Backend {
  /** True when this run started the server, and so has something to stop. */
  readonly owned: boolean;
  readonly stop: () => Promise<void>;
}

async function startTestServers(): Promise<Started> {
  const env = readTestServerEnv();
  const found = findServers({ only: env.allowedServers });
  const plans: readonly [Plan, Plan] = [
    {
      label: 'PostgreSQL',
      variable: 'TEST_POSTGRES_URL',
      givenUrl: env.postgresUrl,
      lookup: found.postgres,
      start: startPostgres,
    },
    {
      label: 'MariaDB',
      variable: 'TEST_MYSQL_URL',
      givenUrl: env.mysqlUrl,
      lookup: found.mariadb,
      start: startMariaDb,
    },
  ];
  if (env.ci) requireEveryBackend(plans);
  // Both servers start at once: their set-up steps mostly wait on the disk, not on the two cores.
  const [postgres, mysql] = await Promise.allSettled([resolve(plans[0]), resolve(plans[1])]);
  if (postgres.status === 'rejected' || mysql.status === 'rejected') {
    const results = [postgres, mysql];
    await Promise.all(
      results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.stop()] : [])),
    );
    const reasons = results.flatMap((result): unknown[] =>
      result.status === 'rejected' ? [result.reason] : [],
    );
    throw reasons.length === 1
      ? reasons[0]
      : new AggregateError(reasons, 'the test servers could not be started');
  }
  const restoreEnv = exportTestServerUrls({ postgres: postgres.value.url, mysql: mysql.value.url });
  return {
    postgres: postgres.value,
    mysql: mysql.value,
    stop: async () => {
      const stopping = Date.now();
      await Promise.all([postgres.value.stop(), mysql.value.stop()]);
      restoreEnv();
      if (postgres.value.owned || mysql.value.owned)
        log(`test servers stopped in ${Date.now() - stopping} ms`);
    },
  };
}

/** On CI a skipped backend would turn a broken install into a green run, so every missing one fails it. */
function requireEveryBackend(plans: readonly Plan[]): void {
  const missing = plans.flatMap(({ label, variable, givenUrl, lookup }) =>
    givenUrl !== null || lookup.available
      ? []
      : [`${label}: ${lookup.reason}; install with ${lookup.installHint} (or set ${variable})`],
  );
  if (missing.length > 0)
    throw new Error(`database servers are required when CI=true:\n  ${missing.join('\n  ')}`);
}

async function resolve({ label, variable, givenUrl, lookup, start }: Plan): Promise<Resolved> {
  if (givenUrl !== null) {
    log(`${label}: using ${variable} (${withoutPassword(givenUrl)})`);
    return { url: givenUrl, skipReason: null, owned: false, stop: async () => {} };
  }
  if (!lookup.available) {
    const why = `${lookup.reason}; install with ${lookup.installHint}`;
    log(`${label} tests skipped: ${why}`);
    return { url: null, skipReason: `${label} not available: ${why}`, owned: false, stop: async () => {} };
  }
  const started = Date.now();
  const server = await start().catch((error: unknown) => {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${label} is installed but did not start (STEPTRAIL_TEST_SERVERS=none skips it): ${why}`,
      {
        cause: error,
      },
    );
  });
  log(`${label} started in ${Date.now() - started} ms at ${server.url}`);
  return { url: server.url, skipReason: null, owned: true, stop: server.stop };
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

function log(line: string): void {
  console.log(`[test-servers] ${line}`);
}
