import { progressFor, type Progress } from './progress.js';
import type { Terminal } from './terminal.js';

/** How a command talks to its caller: words and a table for people, one JSON document for machines. */
export class Output {
  constructor(
    private readonly terminal: Terminal,
    readonly json: boolean,
  ) {}

  /** A line for people on stderr (what is about to happen, what was resumed); silent in JSON mode. */
  note(text: string): void {
    if (!this.json) this.terminal.err(text);
  }

  /** A line of the human result on stdout; silent in JSON mode. */
  line(text: string): void {
    if (!this.json) this.terminal.out(text);
  }

  /** The command's result: the JSON document, or `human` for people. */
  result(document: Record<string, unknown>, human: () => string): void {
    this.terminal.out(this.json ? JSON.stringify(document) : human());
  }

  /** A JSON fragment written as it is produced (long lists stream instead of piling up in memory). */
  raw(text: string): void {
    this.terminal.out(text);
  }

  /** Why the command failed: always on stderr, and as a JSON document on stdout in JSON mode. */
  failure(kind: 'usage' | 'configuration' | 'error', message: string): void {
    this.terminal.err(`steptrail-migrate: ${message}`);
    if (this.json) this.terminal.out(JSON.stringify({ error: { kind, message } }));
  }

  progress(): Progress {
    return progressFor(this.terminal, this.json);
  }
}
