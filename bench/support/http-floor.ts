// The HTTP floor: a bare node:http server, in a process of its own like the API, that answers every request with
// fixed bytes (the body the API gave for the same request, with its status). Timed with the same KeepAliveClient
// as the API in the same run, it is what one request costs with no application work at all (issue 16).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { KeepAliveClient } from './http-client.js';
import { onInterrupt } from './interrupts.js';

export interface Floor {
  client: KeepAliveClient;
  stop(): Promise<void>;
}

// The whole server: read the request body, answer the fixed status and body. Status and body come as arguments.
const SERVER = `
import { createServer } from 'node:http';
const status = Number(process.argv[1]);
const bytes = Buffer.from(process.argv[2], 'utf8');
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length });
    res.end(bytes);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

/** Starts a bare server answering `status` and `body` (JSON) to every request. */
export async function startFloor(status: number, body: string): Promise<Floor> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SERVER, String(status), body], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [first] = (await once(child.stdout, 'data')) as [Buffer];
  const port = Number(first.toString('utf8').trim());
  if (!Number.isInteger(port)) throw new Error(`the floor server did not start: ${first.toString('utf8')}`);
  const client = new KeepAliveClient({ host: '127.0.0.1', port, token: 'floor' });
  const stop = async () => {
    client.close();
    if (child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  const forget = onInterrupt(stop);
  return {
    client,
    stop: async () => {
      forget();
      await stop();
    },
  };
}
