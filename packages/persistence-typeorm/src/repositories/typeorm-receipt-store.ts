import {
  decodeRecordedEvent,
  encodeRecordedEvent,
  type EventReceipt,
  type EventReceiptStore,
} from '@steptrail/domain';
import { RowParseError, requireInteger, requireText, requireTimestamp } from '../mappers/column-parsers.js';
import { RECEIPTS_TABLE } from '../schema/schema-plan.js';
import type { SqlExecutor } from '../sql-executor.js';

const TABLE = RECEIPTS_TABLE.name;
/** 6 parameters a row: far below every database's limit on bound parameters. */
const ROWS_PER_INSERT = 200;

/** EventReceiptStore over steptrail_event_receipts; its unique key (file_id, event_id) refuses a second receipt. */
export class TypeormReceiptStore implements EventReceiptStore {
  constructor(private readonly sql: SqlExecutor) {}

  async find(fileId: number, eventIds: readonly string[]): Promise<EventReceipt[]> {
    if (eventIds.length === 0) return [];
    const rows = await this.sql.rows(
      `SELECT file_id, event_id, fingerprint, outcome, created_at FROM ${TABLE}
       WHERE file_id = :fileId AND event_id IN (:...eventIds)`,
      { fileId, eventIds: [...new Set(eventIds)] },
    );
    return rows.map(toReceipt);
  }

  async record(receipts: readonly EventReceipt[]): Promise<void> {
    const time = (date: Date) => this.sql.dialect.driver.time(date);
    for (let start = 0; start < receipts.length; start += ROWS_PER_INSERT) {
      const chunk = receipts.slice(start, start + ROWS_PER_INSERT);
      const params: Record<string, unknown> = {};
      const values = chunk.map((receipt, row) => {
        Object.assign(params, {
          [`f${row}`]: receipt.fileId,
          [`e${row}`]: receipt.eventId,
          [`p${row}`]: receipt.fingerprint,
          [`l${row}`]: receipt.outcome.logId,
          [`o${row}`]: encodeRecordedEvent(receipt.outcome),
          [`c${row}`]: time(receipt.createdAt),
        });
        return `(:f${row}, :e${row}, :p${row}, :l${row}, :o${row}, :c${row})`;
      });
      await this.sql.write(
        `INSERT INTO ${TABLE} (file_id, event_id, fingerprint, log_id, outcome, created_at) VALUES ${values.join(', ')}`,
        params,
      );
    }
  }

  async deleteForFile(fileId: number): Promise<number> {
    return (await this.sql.write(`DELETE FROM ${TABLE} WHERE file_id = :fileId`, { fileId })).affected;
  }
}

function toReceipt(row: Record<string, unknown>): EventReceipt {
  const text = requireText(`${TABLE}.outcome`, row.outcome);
  const outcome = decodeRecordedEvent(text);
  if (outcome === null) throw new RowParseError(`${TABLE}.outcome`, text, 'a recorded event');
  return {
    fileId: requireInteger(`${TABLE}.file_id`, row.file_id),
    eventId: requireText(`${TABLE}.event_id`, row.event_id),
    fingerprint: requireText(`${TABLE}.fingerprint`, row.fingerprint),
    outcome,
    createdAt: requireTimestamp(`${TABLE}.created_at`, row.created_at),
  };
}
