/** A wrong command line: the message says what was wrong and what is allowed. Exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help to point at, when the problem is with one command. */
    readonly command: string | null = null,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
