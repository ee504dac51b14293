import type { Duration } from './duration.js';

export const COMMAND_NAMES = ['schema', 'logs-to-steps', 'verify', 'reconcile', 'prune'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export type SchemaAction = 'up' | 'status' | 'down';

/** What the command line asked for, validated. */
export type Command =
  | {
      name: 'schema';
      action: SchemaAction;
      to: string | null;
      /** `schema down` may drop tables that hold rows. */
      yes: boolean;
    }
  | {
      name: 'logs-to-steps';
      fileId: number | null;
      batchSize: number;
      /** Batches in flight at once; null: what the database supports (2 with concurrent writers, else 1). */
      concurrency: number | null;
      dryRun: boolean;
      all: boolean;
      restart: boolean;
    }
  | { name: 'verify'; fileId: number | null }
  | { name: 'reconcile' }
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
/** Batches in flight on a database with concurrent writers, unless --concurrency says otherwise. */
export const DEFAULT_CONCURRENCY = 2;
export const MAX_CONCURRENCY = 8;
