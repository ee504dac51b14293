/** One message of a text/event-stream. */
export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
  /** The reconnection time the server asked for, when this block set one. */
  retry: number | null;
}

/**
 * Incremental text/event-stream parser (the WHATWG "event stream interpretation"): feed it decoded text in any
 * chunks, get whole messages back. Comment lines (heartbeats) are dropped; a block without data only updates retry.
 */
export class SseParser {
  private buffer = '';
  private id: string | null = null;
  private event = '';
  private data: string[] = [];
  private retry: number | null = null;

  push(text: string): SseMessage[] {
    this.buffer += text;
    const messages: SseMessage[] = [];
    for (;;) {
      const end = this.buffer.search(/\r\n|\r|\n/);
      if (end < 0) break;
      const line = this.buffer.slice(0, end);
      const newline = this.buffer.startsWith('\r\n', end) ? 2 : 1;
      // A lone \r at the very end may be the first half of \r\n: wait for more text.
      if (this.buffer[end] === '\r' && end + 1 === this.buffer.length) break;
      this.buffer = this.buffer.slice(end + newline);
      const message = this.line(line);
      if (message !== null) messages.push(message);
    }
    return messages;
  }

  private line(line: string): SseMessage | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    return null;
  }

  private dispatch(): SseMessage | null {
    const message =
      this.data.length === 0
        ? null
        : {
            id: this.id,
            event: this.event === '' ? 'message' : this.event,
            data: this.data.join('\n'),
            retry: this.retry,
          };
    this.event = '';
    this.data = [];
    return message;
  }

  /** The reconnection time the server asked for last (also from blocks without data). */
  get serverRetry(): number | null {
    return this.retry;
  }
}
