import { request, type IncomingHttpHeaders } from 'node:http';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  method?: string;
  /** Sent as is: may hold malformed percent-encoding that fetch would refuse or normalise. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** One HTTP request with exactly the bytes given; resolves with the whole answer. */
export function rawRequest(baseUrl: string, options: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { connection: 'close', ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Starts a multipart upload announcing `declaredBytes` of file content, sends `sentBytes` of it, then resets the
 * connection: what a client that crashes or gives up mid-upload does.
 */
export function abortedUpload(baseUrl: string, declaredBytes: number, sentBytes: number): Promise<void> {
  const url = new URL(baseUrl);
  const boundary = 'abortedUploadBoundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="partial.pdf"\r\n` +
      'Content-Type: application/pdf\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve) => {
    const req = request({
      host: url.hostname,
      port: url.port,
      method: 'POST',
      path: '/api/files',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + declaredBytes + tail.length),
      },
    });
    req.on('error', () => resolve());
    req.on('response', (res) => {
      res.resume();
      resolve();
    });
    req.write(head);
    req.write(Buffer.alloc(sentBytes, 0x25), () => {
      // Give the server a moment to open its temporary file before the connection goes.
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 5);
    });
  });
}

/** Open file descriptors of this process (the API runs in it in the e2e suite). */
export const openFds = (pid: number | 'self' = 'self'): number => readdirSync(`/proc/${pid}/fd`).length;

/** Polls `condition` until it holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(condition: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

export interface HeadAnswer {
  /** The status code of the HEAD answer, or 0 when none came. */
  status: number;
  /** Bytes between the HEAD answer's headers and the next answer: a HEAD answer has none. */
  bodyBytes: number;
  /** Whether the request sent after it on the same connection was answered: the HEAD answer had ended. */
  ended: boolean;
}

/**
 * A HEAD request over a bare socket, followed on the same connection by `GET /healthz`. Node's HTTP client treats
 * any HEAD answer as ended at its headers, so only the connection shows whether the server finished its answer (the
 * next request is answered) or kept it open as a stream (it is not).
 */
export function headRequest(baseUrl: string, path: string, timeoutMs = 5_000): Promise<HeadAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    let text = '';
    let followed = false;
    const settle = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const headEnd = text.indexOf('\r\n\r\n');
      const next = text.indexOf('HTTP/1.1 ', headEnd + 4);
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0),
        bodyBytes: headEnd === -1 ? 0 : (next === -1 ? text.length : next) - headEnd - 4,
        ended: next !== -1 && /^HTTP\/1\.1 200/.test(text.slice(next)),
      });
    };
    const timer = setTimeout(settle, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (!followed && text.includes('\r\n\r\n')) {
        followed = true;
        socket.write(`GET /healthz HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
      }
    });
    socket.on('end', settle);
    socket.on('error', settle);
    socket.write(`HEAD ${path} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
  });
}
