import { removedFileOf, rollupStatus, type FileRecord, type LogEntry } from '@steptrail/domain';
import type { z } from 'zod';
import type { fileChangeJson } from '@steptrail/api-schema/event.schemas.js';
import { logToJson } from '../serialize.js';

export interface SseMessage {
  /** The log id: what a reconnecting client sends back as Last-Event-ID. */
  id?: number;
  event: string;
  data: unknown;
}

/**
 * The events of one batch of log rows, in id order: `step` for a row that changed a step, `note` for history that
 * changed none, and after the last row of each file a `file` event with that file's current rollup (or
 * `deleted: true`), so status changes reach clients without a second request. The note the database writes when
 * another program deletes a file row names the file in its detail, not its `file_id`: it counts as that file's row
 * (docs/architecture.md#foreign-deletes), so clients drop the file.
 */
export function changeMessages(
  rows: readonly LogEntry[],
  files: ReadonlyMap<number, FileRecord>,
): SseMessage[] {
  const lastRowOfFile = new Map<number, number>();
  rows.forEach((row, index) => {
    const fileId = fileOfRow(row);
    if (fileId !== null) lastRowOfFile.set(fileId, index);
  });
  const messages: SseMessage[] = [];
  rows.forEach((row, index) => {
    const isStepChange = row.fileId !== null && row.stepName !== null && row.status !== null;
    messages.push({ id: row.id, event: isStepChange ? 'step' : 'note', data: logToJson(row) });
    const fileId = fileOfRow(row);
    if (fileId !== null && lastRowOfFile.get(fileId) === index) {
      messages.push({ id: row.id, event: 'file', data: fileState(fileId, files.get(fileId)) });
    }
  });
  return messages;
}

/** The file a history row tells about: its own, or the one a removal note reports deleted. */
export const fileOfRow = (row: LogEntry): number | null => row.fileId ?? removedFileOf(row);

function fileState(fileId: number, file: FileRecord | undefined): z.input<typeof fileChangeJson> {
  if (file === undefined) return { fileId, deleted: true };
  const { rollup } = file;
  return {
    fileId,
    deleted: false,
    originalFilename: file.originalFilename,
    ...rollupStatus(rollup),
    lastStep: rollup.lastStep,
    statusChangedAt: rollup.statusChangedAt?.toISOString() ?? null,
    updatedAt: file.updatedAt.toISOString(),
  };
}

/** One message in the text/event-stream format; JSON never contains a raw newline, so one data line suffices. */
export function formatMessage(message: SseMessage): string {
  const id = message.id === undefined ? '' : `id: ${message.id}\n`;
  return `${id}event: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`;
}
