import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Store } from '@steptrail/domain';
import type { Express } from 'express';
import type { Logger, ReconcileLoop, StallSweeper } from '@steptrail/runtime';
import type { BulkRunner } from '../bulk/bulk-runner.js';
import { answerClientError } from './request-timeouts.js';
import type { LiveEvents } from './sse/live-events.js';
import type { WebhookDispatcher } from '../webhooks/webhook-dispatcher.js';

export interface ApiServerDeps {
  app: Express;
  store: Store;
  live: LiveEvents;
  /** Keeps rollups up to date with writes of other programs while the server listens. */
  reconciler: ReconcileLoop;
  /** Works through bulk operations while the server runs. */
  bulk: BulkRunner;
  /** Sends the webhooks' outbox while the server listens (docs/architecture.md#webhooks). */
  webhooks: WebhookDispatcher;
  log: Logger;
  host: string;
  port: number;
  shutdownTimeoutMs: number;
  /** A request (or its headers) not received within these is answered 408 (docs/architecture.md#slow-clients). */
  requestTimeouts: { requestMs: number; headersMs: number };
  /** Sweeps for stalled steps while the API listens (docs/architecture.md#stalls); off when its interval is 0. */
  sweeper?: StallSweeper;
}

/** How long a timed-out upload may take to remove its temporary file before its connection is closed anyway. */
const UPLOAD_CLEANUP_GRACE_MS = 5_000;

/** The listening HTTP server and its graceful shutdown. */
export class ApiServer {
  private server: Server | null = null;
  private closing: Promise<void> | null = null;
  private inFlight = 0;
  private drained: (() => void) | null = null;

  constructor(private readonly deps: ApiServerDeps) {}

  /** Starts listening (port 0 picks a free port) and returns the base URL. */
  async listen(): Promise<string> {
    const { requestMs, headersMs } = this.deps.requestTimeouts;
    const server = createServer(
      {
        requestTimeout: requestMs,
        headersTimeout: headersMs,
        keepAliveTimeout: 5_000,
        // Node looks for timed-out requests every this often (30 s by default): often enough to keep its limits.
        connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(headersMs / 4))),
      },
      this.deps.app,
    );
    // The response in flight on each connection, for what a broken or timed-out request is answered with.
    const responses = new WeakMap<Duplex, ServerResponse>();
    server.on('request', (req, res: ServerResponse) => {
      this.inFlight += 1;
      responses.set(req.socket, res);
      res.once('close', () => {
        if (responses.get(req.socket) === res) responses.delete(req.socket);
        this.inFlight -= 1;
        if (this.inFlight === 0) this.drained?.();
      });
    });
    // A timed-out upload is answered only once its temporary file is gone (docs/architecture.md#slow-clients).
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) =>
      answerClientError(error, socket, responses.get(socket), {
        requestMs,
        graceMs: UPLOAD_CLEANUP_GRACE_MS,
      }),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.deps.port, this.deps.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.deps.reconciler.start();
    this.deps.sweeper?.start();
    this.deps.webhooks.start();
    this.deps.log.info({ url: this.url, database: this.deps.store.capabilities.dialect }, 'API listening');
    this.deps.bulk.start();
    return this.url;
  }

  /** Resolves true when no request is running, false when the shutdown timeout came first. */
  private drain(): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), this.deps.shutdownTimeoutMs);
      this.drained = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  get url(): string {
    const address = this.server?.address();
    if (address === null || address === undefined || typeof address === 'string')
      throw new Error('The API is not listening.');
    const { address: host, port } = address satisfies AddressInfo;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  /**
   * Stops accepting connections, ends live-event streams, lets running requests finish (up to the shutdown timeout,
   * then cuts the rest), and closes the store. Safe to call more than once.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const server = this.server;
    const { log } = this.deps;
    await this.deps.reconciler.stop();
    await this.deps.sweeper?.stop();
    await this.deps.webhooks.stop();
    if (server !== null) {
      log.info({ inFlight: this.inFlight }, 'API shutting down: no new connections, draining requests');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await this.deps.live.close();
      if (!(await this.drain())) log.warn('requests still running at the shutdown timeout were cut');
      // Keep-alive and freshly opened sockets carry no request now; nothing is lost by closing them.
      server.closeAllConnections();
      await closed;
    } else {
      await this.deps.live.close();
    }
    // A chunk is one transaction: stopping waits for the running one, and the rest goes on after a restart.
    await this.deps.bulk.stop();
    try {
      await this.deps.store.close();
    } catch (error) {
      log.warn({ err: error }, 'closing the store failed');
    }
    log.info('API stopped');
  }
}
