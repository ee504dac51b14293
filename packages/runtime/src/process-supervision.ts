import { setTimeout as delay } from 'node:timers/promises';
import { envMilliseconds } from './env-helpers.js';
import type { Logger } from './logger.js';
import { currentRequestId } from './request-scope.js';
import { describeError } from './startup.js';

// What keeps a serving process (API, worker, pnpm start) alive through faults and ends it only for what it cannot
// survive: its database gone for longer than DATABASE_LOST_AFTER_MS (docs/architecture.md#faults).

/** The exit code of a process that stopped because its database stayed unreachable past the limit. */
export const EXIT_DATABASE_LOST = 3;

/** DATABASE_LOST_AFTER_MS for an app's environment schema: 0 never stops, default one minute. */
export const databaseLostEnv = {
  DATABASE_LOST_AFTER_MS: envMilliseconds(0, 86_400_000).default(60_000),
};

/**
 * Logs what escaped every handler instead of letting Node end the process: a rejected promise nobody awaited, or an
 * exception thrown from a callback or an 'error' event nobody listened to. Every write is one transaction, so a
 * fault cannot leave the database half-written; what one fault could leave behind is a request without an answer
 * (its timeout ends it) or a leaked handle, which the logged error points at — with the id of the request it
 * escaped from, when one was being served (request-scope.ts). Returns a function removing both.
 */
export function installSafetyNet(log: Logger): () => void {
  // Node calls both listeners in the async context the error escaped from, so the request's scope is still there.
  const request = (): { requestId?: string } => {
    const requestId = currentRequestId();
    return requestId === undefined ? {} : { requestId };
  };
  const onRejection = (reason: unknown) =>
    log.error({ err: reason, ...request() }, 'unhandled promise rejection: logged, the process carries on');
  const onException = (error: Error, origin: string) =>
    log.error({ err: error, origin, ...request() }, 'uncaught exception: logged, the process carries on');
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}

export interface DatabaseWatchOptions {
  /** How long the database may stay unreachable before `onLost`; 0 never calls it. */
  lostAfterMs: number;
  /** Pause between pings; defaults to a second, or a fifth of `lostAfterMs` when that is shorter. */
  intervalMs?: number;
}

/**
 * Pings the database in the background: logs when it stops answering and when it answers again, and calls `onLost`
 * once when it has not answered for `lostAfterMs`. A ping that hangs (a paused server) counts as a failure.
 */
export class DatabaseWatch {
  private readonly stopper = new AbortController();
  private running: Promise<void> | null = null;
  private unreachableSince: number | null = null;
  private readonly intervalMs: number;

  constructor(
    private readonly ping: () => Promise<void>,
    private readonly log: Logger,
    private readonly options: DatabaseWatchOptions,
    private readonly onLost: (unreachableMs: number, lastError: unknown) => void,
  ) {
    const fifth = options.lostAfterMs > 0 ? Math.floor(options.lostAfterMs / 5) : 1000;
    this.intervalMs = options.intervalMs ?? Math.max(50, Math.min(1000, fifth));
  }

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const { signal } = this.stopper;
    while (!signal.aborted) {
      await delay(this.intervalMs, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      const error = await this.pingOnce();
      if (error === null) {
        if (this.unreachableSince !== null) {
          const ms = Date.now() - this.unreachableSince;
          this.log.info({ unreachableMs: ms }, 'database answers again');
        }
        this.unreachableSince = null;
        continue;
      }
      const now = Date.now();
      if (this.unreachableSince === null) {
        this.unreachableSince = now;
        this.log.error(
          { err: error, lostAfterMs: this.options.lostAfterMs },
          'database does not answer: readiness reports 503 until it does',
        );
      }
      const unreachableMs = now - this.unreachableSince;
      if (this.options.lostAfterMs > 0 && unreachableMs >= this.options.lostAfterMs) {
        this.stopper.abort();
        this.onLost(unreachableMs, error);
        return;
      }
    }
  }

  /** Null when the database answered, else why not. */
  private async pingOnce(): Promise<unknown> {
    const timeout = new AbortController();
    const timeoutMs = Math.max(1000, this.intervalMs * 2);
    try {
      await Promise.race([
        this.ping(),
        delay(timeoutMs, undefined, { signal: timeout.signal }).then(() => {
          throw new Error(`the database did not answer a ping within ${timeoutMs} ms`);
        }),
      ]);
      return null;
    } catch (error) {
      return error;
    } finally {
      timeout.abort();
    }
  }
}

export interface SupervisionOptions {
  /** The app's name in the lines written on stderr. */
  app: string;
  log: Logger;
  /** Answers when the database is reachable (Store.ping). */
  ping: () => Promise<void>;
  lostAfterMs: number;
  /** Stops the app: drains, releases, closes its store. */
  stop: () => Promise<void>;
  /** How long `stop` may take when the database is lost before the process exits anyway. */
  stopTimeoutMs: number;
}

/**
 * Runs a started app until it is told to stop or cannot go on: SIGINT/SIGTERM stop it once and exit 0 (a second
 * signal exits at once with 130); a database unreachable for `lostAfterMs` stops it and exits with
 * EXIT_DATABASE_LOST after saying why; anything that escaped a handler is logged and the process carries on.
 */
export function superviseProcess(options: SupervisionOptions): void {
  const { app, log } = options;
  installSafetyNet(log);
  let stopping = false;
  const watch = new DatabaseWatch(
    options.ping,
    log,
    { lostAfterMs: options.lostAfterMs },
    (unreachableMs, lastError) => {
      if (stopping) return;
      stopping = true;
      const why =
        `${app} is stopping: its database has not answered for ${Math.round(unreachableMs / 1000)} s ` +
        `(DATABASE_LOST_AFTER_MS=${options.lostAfterMs}; last error: ${describeError(lastError)}). ` +
        `Exit code ${EXIT_DATABASE_LOST}: restart it once the database is back.`;
      log.fatal({ unreachableMs, lostAfterMs: options.lostAfterMs, err: lastError }, why);
      process.stderr.write(`${why}\n`);
      void Promise.race([
        options.stop().catch((error: unknown) => {
          process.stderr.write(`${app}: stopping failed: ${describeError(error)}\n`);
        }),
        delay(options.stopTimeoutMs),
      ]).finally(() => process.exit(EXIT_DATABASE_LOST));
    },
  );
  watch.start();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`${signal} received, shutting down\n`);
    void watch.stop();
    options.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${describeError(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
