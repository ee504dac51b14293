import type { Duration } from './duration.js';

export const COMMAND_NAMES = ['schema', 'logs-to-steps', 'verify', 'prune'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export type SchemaAction = 'up' | 'status' | 'down';

/** What the command line asked for, validated. */
export type Command =
  | { name: 'help'; topic: CommandName | null }
  | { name: 'schema'; action: SchemaAction; to: string | null }
  | {
      name: 'logs-to-steps';
      fileId: number | null;
      batchSize: number;
      dryRun: boolean;
      all: boolean;
      restart: boolean;
    }
  | { name: 'verify'; fileId: number | null }
  | { name: 'prune'; olderThan: Duration; dryRun: boolean };

export interface Invocation {
  command: Command;
  /** Machine-readable output: one JSON document on stdout, progress as JSON lines on stderr. */
  json: boolean;
  /** --database-url, which wins over DATABASE_URL. */
  databaseUrl: string | null;
}

export const DEFAULT_BATCH_SIZE = 2000;
export const MAX_BATCH_SIZE = 20000;
