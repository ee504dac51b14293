import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from '@steptrail/domain';
import { checkBearer, securityHeaders, type ApiToken, type Logger } from '@steptrail/runtime';
import type { Registry } from 'prom-client';

/**
 * The worker's own HTTP port when it runs alone (docs/architecture.md#metrics): `/metrics` (Prometheus text),
 * `/healthz` (the process answers) and `/readyz` (the database answers). Under `pnpm start` the API serves them.
 * The API's rules apply (docs/architecture.md#access): `/metrics` needs the read scope when tokens are set, every
 * answer carries the same security headers, and config refuses a non-loopback address without tokens.
 */
export class ObservabilityServer {
  private server: Server | null = null;

  constructor(
    private readonly deps: {
      registry: Registry;
      store: Store;
      log: Logger;
      host: string;
      port: number;
      tokens: readonly ApiToken[];
    },
  ) {}

  async listen(): Promise<string> {
    const { registry, store, log, tokens } = this.deps;
    const secure = securityHeaders();
    const json = (
      res: ServerResponse,
      status: number,
      body: unknown,
      headers: Record<string, string> = {},
    ) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    const server = createServer((req, res) =>
      secure(req, res, () => {
        const path = (req.url ?? '/').split('?')[0];
        if (req.method !== 'GET') return json(res, 405, { error: 'only GET' });
        if (path === '/healthz') return json(res, 200, { status: 'ok' });
        if (path === '/readyz') {
          store.ping().then(
            () => json(res, 200, { status: 'ready', database: store.capabilities.dialect }),
            (error: unknown) => {
              log.warn({ err: error }, 'readiness: database ping failed');
              json(res, 503, { status: 'not ready' });
            },
          );
          return undefined;
        }
        if (path === '/metrics') {
          const checked = checkBearer(tokens, 'read', req.headers.authorization);
          if ('refusal' in checked) {
            const { status, code, message, details, wwwAuthenticate } = checked.refusal;
            const error = details === undefined ? { code, message } : { code, message, details };
            return json(res, status, { error }, { 'www-authenticate': wwwAuthenticate });
          }
          registry.metrics().then(
            (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
            (error: unknown) => {
              log.error({ err: error }, 'metrics failed');
              json(res, 500, { error: 'metrics failed' });
            },
          );
          return undefined;
        }
        return json(res, 404, { error: `no route ${path}` });
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
