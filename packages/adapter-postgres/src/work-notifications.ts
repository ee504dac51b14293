import { retryDelayMs } from '@steptrail/domain';
import pg from 'pg';
import { mapPostgresError } from './errors.js';
import { WORK_CHANNEL } from './postgres-dialect.js';

export interface WorkNotificationOptions {
  /** The database whose `steptrail_work` channel to LISTEN on. */
  url: string;
  /** First pause before reconnecting after the listening connection dropped; doubles up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  connectTimeoutMs?: number;
  /** Shown in pg_stat_activity for the listening session. */
  applicationName?: string;
  /** Notifications with this payload come from this process's own store (postgresDialect's origin): not delivered. */
  ownOrigin?: string;
  /** Told about every failed (re)connect, e.g. to log it; the listener keeps retrying regardless. */
  onConnectionError?: (error: unknown) => void;
}

/** Subscribes a listener to wake-ups; resolves with the function that ends the subscription. */
export type WakeupSubscription = (listener: () => void) => Promise<() => Promise<void>>;

/**
 * LISTEN/NOTIFY wake-ups on a dedicated pg client, outside the TypeORM pool: a LISTEN lives as long as its session,
 * and a pooled connection would carry it to whoever borrows it next. Fits TypeormStore's `subscribeToWakeups`.
 */
export function postgresWorkNotifications(options: WorkNotificationOptions): WakeupSubscription {
  return async (listener) => {
    const subscription = new WorkListener(options, listener);
    await subscription.start();
    return () => subscription.stop();
  };
}

class WorkListener {
  private client: pg.Client | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly options: WorkNotificationOptions,
    private readonly listener: () => void,
  ) {}

  /** The first connection must succeed: a store that cannot listen would make its idle workers sleep blind. */
  async start(): Promise<void> {
    try {
      await this.connect();
    } catch (error) {
      throw mapPostgresError(error);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const client = this.client;
    this.client = null;
    if (client !== null) await endQuietly(client);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: this.options.applicationName ?? 'steptrail-work-listener',
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 10_000,
      // A silently dead peer (a cut network, a failed-over server) would otherwise leave us listening to nothing.
      keepAlive: true,
    });
    client.on('notification', (message) => {
      const own = this.options.ownOrigin !== undefined && message.payload === this.options.ownOrigin;
      if (message.channel === WORK_CHANNEL && !own) this.listener();
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${WORK_CHANNEL}`);
    } catch (error) {
      await endQuietly(client);
      throw error;
    }
    if (this.stopped) {
      await endQuietly(client);
      return;
    }
    this.client = client;
    this.failures = 0;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    void endQuietly(client);
    if (!this.stopped) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    // Jittered, so the workers of a restarted server do not all reconnect in the same instant.
    const delay = retryDelayMs(this.failures + 1, {
      baseMs: this.options.initialBackoffMs ?? 100,
      maxMs: this.options.maxBackoffMs ?? 10_000,
    });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.reconnect();
    }, delay);
  }

  private async reconnect(): Promise<void> {
    try {
      await this.connect();
    } catch (error) {
      this.failures += 1;
      this.options.onConnectionError?.(error);
      if (!this.stopped) this.scheduleReconnect();
      return;
    }
    // Announcements made while we were disconnected are lost: wake once so idle workers look for work.
    if (!this.stopped) this.listener();
  }
}

async function endQuietly(client: pg.Client): Promise<void> {
  // The connection may already be broken; an 'error' without a handler would crash the process.
  client.removeAllListeners('error');
  client.on('error', () => undefined);
  try {
    await client.end();
  } catch {
    // Already closed.
  }
}
