import { connect } from 'node:net';

/** How a client breaks off an upload (each over a raw socket, so the bytes and the moment are exact). */
export const ABORT_KINDS = [
  /** Sends part of the file, then resets the connection: a crashed client. */
  'reset-mid-file',
  /** Sends the request head and the part's headers only, then resets. */
  'reset-after-part-headers',
  /** Sends part of the file, then closes its side (FIN) and waits: a client that gave up politely. */
  'half-close-mid-file',
  /** Sends a whole body whose multipart never closes (no final boundary): answered 400. */
  'no-closing-boundary',
  /** Sends more than the upload limit, then resets. */
  'reset-over-limit',
] as const;

export type AbortKind = (typeof ABORT_KINDS)[number];

const BOUNDARY = 'reliabilityAbortBoundary';

/**
 * One broken-off upload against `baseUrl`; resolves with the HTTP status if the server answered (it may not:
 * nobody is listening any more) or null.
 */
export function abortedUpload(
  baseUrl: string,
  kind: AbortKind,
  maxUploadBytes: number,
): Promise<number | null> {
  const url = new URL(baseUrl);
  const partHead = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="aborted.pdf"\r\n` +
      'Content-Type: application/pdf\r\n\r\n',
  );
  const declared =
    kind === 'no-closing-boundary' ? partHead.length + 512 : partHead.length + maxUploadBytes * 4;
  const head = Buffer.from(
    `POST /api/files HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n` +
      `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${declared}\r\n\r\n`,
  );
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    let answer = '';
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      resolve(status === undefined ? null : Number(status));
    };
    const timer = setTimeout(done, 10_000);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', done);
    socket.on('close', done);
    // Let the server open its temporary file before the connection goes.
    const thenReset = (): void => void setTimeout(() => socket.resetAndDestroy(), 5);
    socket.write(head);
    socket.write(partHead);
    switch (kind) {
      case 'reset-mid-file':
        socket.write(Buffer.alloc(Math.min(16_384, maxUploadBytes), 0x25), thenReset);
        break;
      case 'reset-after-part-headers':
        thenReset();
        break;
      case 'half-close-mid-file':
        socket.write(Buffer.alloc(Math.min(16_384, maxUploadBytes), 0x25), () => socket.end());
        break;
      case 'no-closing-boundary':
        socket.write(Buffer.alloc(512, 0x25));
        break;
      case 'reset-over-limit':
        socket.write(Buffer.alloc(maxUploadBytes + 4096, 0x25), thenReset);
        break;
    }
  });
}
