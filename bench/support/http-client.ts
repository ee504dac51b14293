// One keep-alive connection, one request at a time: the latency of a request, not the throughput of many.
import { Agent, request, type OutgoingHttpHeaders } from 'node:http';

export interface HttpAnswer {
  status: number;
  body: string;
  /** Milliseconds from sending until the last byte arrived. */
  ms: number;
}

/** A request that failed because the kept-alive connection it was sent on had been closed by the server. */
class StaleConnection extends Error {
  constructor(cause: Error) {
    super(`the server had closed the kept-alive connection: ${cause.message}`, { cause });
  }
}

export class KeepAliveClient {
  private readonly host: string;
  private readonly port: number;
  private readonly headers: OutgoingHttpHeaders;
  private readonly agent: Agent;

  constructor({ host, port, token }: { host: string; port: number; token: string }) {
    this.host = host;
    this.port = port;
    this.headers = { accept: 'application/json', authorization: `Bearer ${token}` };
    this.agent = new Agent({ keepAlive: true, maxSockets: 1 });
  }

  /** GET `path`; resolves with the status, the body text and the milliseconds until the last byte arrived. */
  get(path: string): Promise<HttpAnswer> {
    return this.send('GET', path, null);
  }

  /** POST a JSON body; resolves like get(). */
  post(path: string, body: unknown): Promise<HttpAnswer> {
    return this.send('POST', path, JSON.stringify(body));
  }

  send(method: string, path: string, text: string | null): Promise<HttpAnswer> {
    return this.sendOnce(method, path, text).catch((error: unknown) => {
      // A kept-alive connection the server closed while this process was busy (an in-process SQLite phase keeps
      // the event loop from seeing the close for seconds) fails the next request sent on it before the server read
      // a byte of it: that request is sent again, once, on a new connection.
      if (error instanceof StaleConnection) return this.sendOnce(method, path, text);
      throw error;
    });
  }

  private sendOnce(method: string, path: string, text: string | null): Promise<HttpAnswer> {
    const headers =
      text === null
        ? this.headers
        : { ...this.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request(
        { agent: this.agent, host: this.host, port: this.port, path, method, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: performance.now() - started,
            }),
          );
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) =>
        reject(req.reusedSocket && error.code === 'ECONNRESET' ? new StaleConnection(error) : error),
      );
      req.end(text ?? undefined);
    });
  }

  /** GET that must answer 200 with JSON; returns the parsed body and the milliseconds. */
  async getJson<T = unknown>(path: string): Promise<{ json: T; ms: number }> {
    const response = await this.get(path);
    if (response.status !== 200) {
      throw new Error(`GET ${path} answered ${response.status}: ${response.body.slice(0, 300)}`);
    }
    return { json: JSON.parse(response.body) as T, ms: response.ms };
  }

  close(): void {
    this.agent.destroy();
  }
}
