import { connect } from 'node:net';

/** What came back for one raw request. `status` 0: the connection closed (or timed out) before a status line. */
export interface RawAnswer {
  readonly status: number;
  readonly head: string;
  /** The start of the body, as text (for failure messages). */
  readonly body: string;
  /** Set when no status line came: `closed` (the server hung up), `timeout` (it said nothing in time) or an error. */
  readonly failure?: string;
  readonly ms: number;
}

export interface RawSendOptions {
  /** Milliseconds to wait for the status line after the last byte was written. */
  readonly answerTimeoutMs: number;
  /** Write one byte every this many milliseconds instead of all at once (a slow client). */
  readonly dribbleMs?: number;
  /** With `dribbleMs`: the bytes before this offset (say, the head) go at once. */
  readonly dribbleFrom?: number;
  /** Stop writing after this many bytes and keep the connection open (a request never finished). */
  readonly stopAfterBytes?: number;
}

const BODY_KEPT = 2_000;

/**
 * Writes exactly `bytes` to the server behind `baseUrl` on a fresh TCP connection and reads the answer. Unlike
 * fetch or node:http nothing is checked or normalised: malformed percent-encoding, control characters in headers,
 * wrong lengths all go out as given. An event stream (text/event-stream) is answered as soon as its head arrives.
 */
export function sendRaw(baseUrl: string, bytes: Buffer, options: RawSendOptions): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    let received = Buffer.alloc(0);
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let dribble: NodeJS.Timeout | undefined;
    const finish = (failure?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(dribble);
      socket.destroy();
      const text = received.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
      const body = split < 0 ? '' : received.subarray(split + 4, split + 4 + BODY_KEPT).toString('utf8');
      const ms = Math.round(performance.now() - started);
      if (status === undefined) resolve({ status: 0, head, body, failure: failure ?? 'closed', ms });
      else resolve({ status: Number(status), head, body, ms });
    };
    const armAnswerTimer = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => finish('timeout'), options.answerTimeoutMs);
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const text = received.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      if (split >= 0 && /^content-type:\s*text\/event-stream/im.test(text.slice(0, split))) finish();
      // Enough of the body to show in a failure message: no need to wait for the rest.
      if (split >= 0 && received.length > split + 4 + BODY_KEPT) finish();
    });
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    // A server that answers early (413, 400) may close while we still write: read what it said.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (received.length === 0) finish(error.code ?? error.message);
    });
    socket.once('connect', () => {
      const limit = Math.min(bytes.length, options.stopAfterBytes ?? bytes.length);
      if (options.dribbleMs === undefined) {
        socket.write(bytes.subarray(0, limit));
        armAnswerTimer();
        return;
      }
      let offset = Math.min(limit, options.dribbleFrom ?? 0);
      socket.write(bytes.subarray(0, offset));
      dribble = setInterval(() => {
        if (settled || socket.destroyed) return clearInterval(dribble);
        if (offset >= limit) {
          clearInterval(dribble);
          armAnswerTimer();
          return;
        }
        socket.write(bytes.subarray(offset, offset + 1));
        offset += 1;
      }, options.dribbleMs);
    });
  });
}
