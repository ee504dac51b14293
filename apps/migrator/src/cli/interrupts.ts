import type { Terminal } from '../output/terminal.js';

/**
 * Ctrl-C and SIGTERM: the first asks the running command to stop after the batch in hand (its work so far stays
 * committed and the next run continues from there); the second ends the process at once.
 */
export class Interrupts {
  private requested = false;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly terminal: Terminal) {}

  listen(): void {
    this.unsubscribe ??= this.terminal.onInterrupt((count) => {
      if (count > 1) {
        this.terminal.err('Stopped at once; the batch in hand was rolled back.');
        this.terminal.exitNow(130);
      }
      this.requested = true;
      this.terminal.err('Stopping after the batches in hand (Ctrl-C again to stop at once)...');
    });
  }

  get stopRequested(): boolean {
    return this.requested;
  }

  /**
   * Whether a stop was asked for, after giving the event loop a turn: SQLite work runs synchronously inside
   * promises, so without this a signal would only be heard once the whole command is done.
   */
  async heard(): Promise<boolean> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return this.requested;
  }

  /** For tests and for commands that stop themselves. */
  request(): void {
    this.requested = true;
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }
}
