import { InitialSchema1764300000000 } from './1764300000000-initial-schema.js';
import { PartialWorkerIndexes1764300000002 } from './1764300000002-partial-worker-indexes.js';
import { OperationsSearchIndexes1764300001300 } from './1764300001300-operations-search-indexes.js';
import { RollupReconciler1764300001400 } from './1764300001400-rollup-reconciler.js';
import { EventReceipts1764300001500 } from './1764300001500-event-receipts.js';
import { FileTombstones1764300001600 } from './1764300001600-file-tombstones.js';
import { StepHeartbeats1764300001700 } from './1764300001700-step-heartbeats.js';
import { BulkOperationTables1764300001800 } from './1764300001800-bulk-operation-tables.js';
import { WebhookTables1764300001900 } from './1764300001900-webhook-tables.js';
import { WebhookAttempts1764400000100 } from './1764400000100-webhook-attempts.js';
import { DocumentColumns1764500000000 } from './1764500000000-document-columns.js';
import { WebhookMessageIds1764600000000 } from './1764600000000-webhook-message-ids.js';
import { ForeignRemovalNotes1764600000100 } from './1764600000100-foreign-removal-notes.js';
import { LiveStatusCounts1764600000200 } from './1764600000200-live-status-counts.js';

/** Every PostgreSQL migration, oldest first. */
export const postgresMigrations = [
  InitialSchema1764300000000,
  PartialWorkerIndexes1764300000002,
  OperationsSearchIndexes1764300001300,
  RollupReconciler1764300001400,
  EventReceipts1764300001500,
  FileTombstones1764300001600,
  StepHeartbeats1764300001700,
  BulkOperationTables1764300001800,
  WebhookTables1764300001900,
  WebhookAttempts1764400000100,
  DocumentColumns1764500000000,
  WebhookMessageIds1764600000000,
  ForeignRemovalNotes1764600000100,
  LiveStatusCounts1764600000200,
];
