import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from '@steptrail/domain';
import type { Logger } from '@steptrail/runtime';
import type { Registry } from 'prom-client';

/**
 * The worker's own HTTP port when it runs alone (docs/architecture.md#metrics): `/metrics` (Prometheus text),
 * `/healthz` (the process answers) and `/readyz` (the database answers). Under `pnpm start` the API serves them.
 */
export class ObservabilityServer {
  private server: Server | null = null;

  constructor(
    private readonly deps: { registry: Registry; store: Store; log: Logger; host: string; port: number },
  ) {}

  async listen(): Promise<string> {
    const { registry, store, log } = this.deps;
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (req.method !== 'GET') return json(405, { error: 'only GET' });
      if (path === '/healthz') return json(200, { status: 'ok' });
      if (path === '/readyz') {
        store.ping().then(
          () => json(200, { status: 'ready', database: store.capabilities.dialect }),
          (error: unknown) => {
            log.warn({ err: error }, 'readiness: database ping failed');
            json(503, { status: 'not ready' });
          },
        );
        return undefined;
      }
      if (path === '/metrics') {
        registry.metrics().then(
          (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
          (error: unknown) => {
            log.error({ err: error }, 'metrics failed');
            json(500, { error: 'metrics failed' });
          },
        );
        return undefined;
      }
      return json(404, { error: `no route ${path}` });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.deps.port, this.deps.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const { address, port } = server.address() as AddressInfo;
    const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
    log.info({ url }, 'worker metrics listening');
    return url;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
