/** The process surface the migrator talks to; tests pass a recording one. */
export interface Terminal {
  /** Results: the summary, or the one JSON document. */
  out(text: string): void;
  /** Progress, notes and error messages. */
  err(text: string): void;
  /** The stream a progress bar may draw on: stderr when it is a terminal, else null. */
  readonly barStream: NodeJS.WriteStream | null;
  /** Calls `listener` with 1 for the first Ctrl-C or SIGTERM, 2 for the next; returns an unsubscribe function. */
  onInterrupt(listener: (count: number) => void): () => void;
  /** Ends the process at once (a second Ctrl-C). */
  exitNow(code: number): never;
  readonly cwd: string;
}

/** The real process: stdout, stderr, SIGINT and SIGTERM. */
export function processTerminal(): Terminal {
  // A reader that stops early (`--help | head`) closes the pipe: there is nobody left to tell, so no stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    barStream: process.stderr.isTTY ? process.stderr : null,
    onInterrupt(listener) {
      let count = 0;
      const handler = () => {
        count += 1;
        listener(count);
      };
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
    exitNow: (code) => process.exit(code),
    cwd: process.cwd(),
  };
}
