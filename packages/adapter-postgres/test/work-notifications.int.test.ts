import { DEFAULT_WORKFLOW, StepTracker, systemClock, type NewFile, type Store } from '@steptrail/domain';
import { TypeormStore } from '@steptrail/persistence-typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createPostgresDataSource,
  openPostgresStore,
  postgresDialect,
  postgresWorkNotifications,
} from '../src/index.js';
import { freshDatabase, migrate, postgresTitle, serverUrl, withClient } from './support/postgres-database.js';

const managedFile = (tag: string): NewFile => ({
  filehash: `hash-${tag}`,
  originalFilename: `${tag}.pdf`,
  localFilename: `/data/${tag}.pdf`,
  fileSize: 1,
  mimeType: 'application/pdf',
  workflow: DEFAULT_WORKFLOW,
  managed: true,
});

/** Counts wake-ups and lets a test await the next one. */
class WakeCounter {
  count = 0;
  private waiters: Array<() => void> = [];

  readonly listener = (): void => {
    this.count += 1;
    for (const waiter of this.waiters.splice(0)) waiter();
  };

  next(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no wake-up within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

const listenerSessions = (url: string, applicationName: string): Promise<number[]> =>
  withClient(url, async (client) => {
    const result = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
      [applicationName],
    );
    return result.rows.map((row) => row.pid);
  });

/** The listening sessions once they settle: a backend that was told to go may show for a moment after. */
async function settledSessions(url: string, applicationName: string, expected: number): Promise<number[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const sessions = await listenerSessions(url, applicationName);
    if (sessions.length === expected || Date.now() > deadline) return sessions;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(serverUrl === null)(postgresTitle('LISTEN/NOTIFY wake-ups'), () => {
  let url = '';
  let announcer: Store;
  const opened: Array<{ close(): Promise<unknown> }> = [];

  beforeAll(async () => {
    url = await freshDatabase('adapter_pg_notify');
    await migrate(url);
    announcer = await openPostgresStore({ url, poolSize: 2 });
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((resource) => resource.close()));
  });

  afterAll(async () => {
    await announcer?.close();
  });

  const register = (store: Store, tag: string) =>
    new StepTracker({ unitOfWork: store.unitOfWork, clock: systemClock }).registerFile(managedFile(tag));

  /** A store with its own pool, like another process's, whose wake-ups are counted on their way in. */
  async function listeningStore(counter: WakeCounter, origin?: string): Promise<Store> {
    const subscribe = postgresWorkNotifications({ url, ownOrigin: origin });
    const store = await TypeormStore.open({
      dataSource: await createPostgresDataSource({ url, poolSize: 2 }).initialize(),
      dialect: postgresDialect({ origin }),
      clock: systemClock,
      subscribeToWakeups: (listener) =>
        subscribe(() => {
          counter.listener();
          listener();
        }),
    });
    opened.push(store);
    return store;
  }

  it('registering a managed file in one process wakes an idle worker of another through NOTIFY', async () => {
    const heard = new WakeCounter();
    const idle = await listeningStore(heard);
    const waiting = idle.workSignal.wait(10_000);
    await register(announcer, 'wakes');
    await waiting;
    expect(heard.count).toBe(1);
  });

  it('an announcement whose transaction rolls back wakes no one', async () => {
    const heard = new WakeCounter();
    await listeningStore(heard);
    const failed = announcer.unitOfWork.transaction(async (repos) => {
      await repos.queue.announce();
      throw new Error('changed my mind');
    });
    await expect(failed).rejects.toThrow('changed my mind');
    // A committed announcement after it: when it arrives, the rolled-back one would have arrived before it.
    const next = heard.next(10_000);
    await register(announcer, 'after-rollback');
    await next;
    expect(heard.count).toBe(1);
  });

  it('a store does not hear its own announcements through LISTEN: it woke its workers at commit already', async () => {
    const heard = new WakeCounter();
    const store = await listeningStore(heard, 'store-a');
    const ownWake = store.workSignal.wait(10_000);
    await register(store, 'own');
    await ownWake;
    // An announcement of another store after it: when it arrives, the store's own would have arrived before it.
    const next = heard.next(10_000);
    await register(announcer, 'other');
    await next;
    expect(heard.count).toBe(1);
  });

  it('stores opened with openPostgresStore wake each other long before the wait times out', async () => {
    const idle = await openPostgresStore({ url, poolSize: 2 });
    opened.push(idle);
    const started = Date.now();
    const waiting = idle.workSignal.wait(10_000);
    await register(announcer, 'factory');
    await waiting;
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a listener whose session the server ends reconnects, wakes once, and hears later announcements', async () => {
    const heard = new WakeCounter();
    const applicationName = 'reconnecting-listener';
    const subscribe = postgresWorkNotifications({
      url,
      applicationName,
      initialBackoffMs: 20,
      maxBackoffMs: 200,
    });
    opened.push({ close: await subscribe(heard.listener) });
    const [pid] = await listenerSessions(url, applicationName);
    const reconnected = heard.next(10_000);
    await withClient(url, (client) => client.query('SELECT pg_terminate_backend($1)', [pid]));
    await reconnected;
    const sessions = await settledSessions(url, applicationName, 1);
    expect(sessions).toHaveLength(1);
    expect(sessions).not.toContain(pid);

    const announced = heard.next(10_000);
    await register(announcer, 'after-reconnect');
    await announced;
    expect(heard.count).toBe(2);
  });

  it('closing the store ends its listening session', async () => {
    const store = await openPostgresStore({ url, poolSize: 1, applicationName: 'closing' });
    expect(await listenerSessions(url, 'closing-work-listener')).toHaveLength(1);
    await store.close();
    expect(await settledSessions(url, 'closing-work-listener', 0)).toEqual([]);
  });
});
