import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the API that can misbehave the way networks do: `dropFirstAnswer` forwards the first
 * connection's request and then cuts that connection as the answer starts to come back (the server did the work,
 * the client never hears of it); cut() ends every open connection, as a restarting load balancer would.
 */
export class TcpProxy {
  readonly requests: string[] = [];
  connections = 0;
  private readonly open = new Set<Socket>();
  private server: Server | null = null;

  constructor(
    private readonly upstream: URL,
    private readonly options: { dropFirstAnswer?: boolean } = {},
  ) {}

  async start(): Promise<string> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
    return `http://127.0.0.1:${address.port}`;
  }

  cut(): void {
    for (const socket of this.open) socket.destroy();
    this.open.clear();
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) =>
      this.server === null ? resolve() : this.server.close(() => resolve()),
    );
  }

  private accept(client: Socket): void {
    this.connections += 1;
    const drop = this.options.dropFirstAnswer === true && this.connections === 1;
    const upstream = connect(Number(this.upstream.port), this.upstream.hostname);
    this.open.add(client).add(upstream);
    const forget = () => {
      this.open.delete(client);
      this.open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', forget).on('close', forget);
    upstream.on('error', forget).on('close', forget);
    let head: string | null = '';
    client.on('data', (chunk: Buffer) => {
      if (head !== null) {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end >= 0) {
          this.requests.push(head.slice(0, end));
          head = null;
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (drop) forget();
      else client.write(chunk);
    });
  }
}
