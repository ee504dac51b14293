/** Where the CLI writes and how it learns it should stop: the process's, or a test's. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal (tables get borders and colour-free alignment either way). */
  isTerminal: boolean;
  /** Resolves on Ctrl-C or SIGTERM: --follow and watch stop then, with exit code 0. */
  interrupted: Promise<void>;
  now(): Date;
  /** Where bytes go (`download -o -`), and the folder downloads are saved in. */
  stdout: NodeJS.WritableStream;
  cwd: string;
}

export function processIo(): Io {
  const interrupted = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    isTerminal: process.stdout.isTTY === true,
    interrupted,
    now: () => new Date(),
    stdout: process.stdout,
    cwd: process.cwd(),
  };
}
