import { createServer } from 'node:net';

/**
 * Asks the kernel for a port nobody listens on at 127.0.0.1. Another process may take it before the
 * server binds, so the starters retry with a new port when the server reports the address in use.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : null;
      server.close(() =>
        port === null ? reject(new Error('could not read the port the kernel chose')) : resolve(port),
      );
    });
  });
}
