import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * A request cut by REQUEST_TIMEOUT_MS is answered only after whatever reads its body has let go of what it holds
 * (docs/architecture.md#slow-clients). Left to itself, Node answers 408 and closes the connection the moment it
 * notices the timeout, while an upload still has its temporary file open: the client, and whatever it does next,
 * would see the file and its descriptor, for as long as the cleanup takes on a busy disk. So a body reader registers
 * how to stop; on a request timeout the server stops it, and the route answers 408 once the reader has cleaned up.
 */

/** Given to a body reader stopped by the request timeout; the route answers it with REQUEST_TIMEOUT (408). */
export class RequestTimedOut extends Error {
  constructor(readonly timeoutMs: number) {
    super(`The request was not complete within REQUEST_TIMEOUT_MS (${timeoutMs} ms).`);
    this.name = 'RequestTimedOut';
  }
}

/** Stops a body reader and resolves once it holds nothing (its temporary file closed and removed). */
export type StopReading = (reason: RequestTimedOut) => Promise<void>;

const readers = new WeakMap<Duplex, StopReading>();

/**
 * While `req`'s body is being read by `stop`'s owner: a request timeout calls `stop` before anything is answered.
 * Returns the function that ends the registration (call it once the body is read or given up).
 */
export function stopOnRequestTimeout(req: IncomingMessage, stop: StopReading): () => void {
  const socket = req.socket;
  readers.set(socket, stop);
  return () => {
    if (readers.get(socket) === stop) readers.delete(socket);
  };
}

// Node's own answers to a broken request (lib/_http_server.js), for the errors it has no route to answer through.
const CANNED: Readonly<Record<string, string>> = {
  HPE_HEADER_OVERFLOW: 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\n\r\n',
  ERR_HTTP_REQUEST_TIMEOUT: 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n',
};
const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';

export interface ClientErrorOptions {
  /** REQUEST_TIMEOUT_MS, named in the answer. */
  requestMs: number;
  /** How long a stopped reader may take to clean up before the connection is answered and closed anyway. */
  graceMs: number;
}

/**
 * The server's 'clientError' listener: what Node does by default (a canned answer when nothing was sent yet, then
 * the connection closed), except for a timed-out request whose body a registered reader is reading — that reader
 * is stopped and the request's own route answers 408 after the cleanup; the connection closes after that answer,
 * or `graceMs` after the timeout at the latest.
 */
export function answerClientError(
  error: NodeJS.ErrnoException,
  socket: Duplex,
  response: ServerResponse | undefined,
  options: ClientErrorOptions,
): void {
  const stop = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? readers.get(socket) : undefined;
  const closeNow = (): void => {
    if (socket.writable && response?.headersSent !== true)
      socket.write(CANNED[error.code ?? ''] ?? BAD_REQUEST);
    socket.destroy(error);
  };
  if (stop === undefined || response === undefined) {
    closeNow();
    return;
  }
  readers.delete(socket);
  // The route's answer carries Connection: close, so Node ends the connection once it is written.
  const deadline = setTimeout(closeNow, options.graceMs);
  socket.once('close', () => clearTimeout(deadline));
  void stop(new RequestTimedOut(options.requestMs)).catch(() => undefined);
}
