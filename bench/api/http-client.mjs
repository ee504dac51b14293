// One keep-alive connection, one request at a time: the latency of a request, not the throughput of many.
import { Agent, request } from 'node:http';

export class KeepAliveClient {
  constructor({ host, port, token }) {
    this.host = host;
    this.port = port;
    this.headers = { accept: 'application/json', authorization: `Bearer ${token}` };
    this.agent = new Agent({ keepAlive: true, maxSockets: 1 });
  }

  /** GET `path`; resolves with the status, the body text and the milliseconds until the last byte arrived. */
  get(path) {
    return this.send('GET', path, null);
  }

  /** POST a JSON body; resolves like get(). */
  post(path, body) {
    return this.send('POST', path, JSON.stringify(body));
  }

  send(method, path, text) {
    const headers =
      text === null
        ? this.headers
        : { ...this.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request(
        { agent: this.agent, host: this.host, port: this.port, path, method, headers },
        (res) => {
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: performance.now() - started,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(text ?? undefined);
    });
  }

  /** GET that must answer 200 with JSON; returns the parsed body and the milliseconds. */
  async getJson(path) {
    const response = await this.get(path);
    if (response.status !== 200) {
      throw new Error(`GET ${path} answered ${response.status}: ${response.body.slice(0, 300)}`);
    }
    return { json: JSON.parse(response.body), ms: response.ms };
  }

  close() {
    this.agent.destroy();
  }
}
