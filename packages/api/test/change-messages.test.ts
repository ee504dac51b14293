import {
  DEFAULT_WORKFLOW,
  PENDING_ROLLUP,
  REMOVAL_NOTE,
  type FileRecord,
  type LogEntry,
} from '@steptrail/domain';
import { describe, expect, test } from 'vitest';
import { changeMessages, formatMessage } from '../src/http/sse/change-messages.js';

const at = new Date('2026-01-02T03:04:05.678Z');
const log = (
  id: number,
  fileId: number | null,
  stepName: string | null,
  status: string | null,
): LogEntry => ({
  id,
  fileId,
  stepName,
  status,
  taskId: null,
  message: null,
  detail: null,
  occurredAt: at,
});
const file = (id: number): FileRecord => ({
  id,
  filehash: 'f'.repeat(64),
  originalFilename: `${id}.pdf`,
  localFilename: '',
  fileSize: 1,
  mimeType: null,
  isDuplicate: false,
  duplicateOfId: null,
  workflow: DEFAULT_WORKFLOW,
  managed: false,
  rollup: {
    ...PENDING_ROLLUP,
    status: 'processing',
    inProgressSteps: 1,
    lastStep: 'hash_file',
    statusChangedAt: at,
  },
  createdAt: at,
  updatedAt: at,
});

describe('live-event messages of a batch of log rows', () => {
  test('step changes, notes, and one file event after the last row of each file', () => {
    const messages = changeMessages(
      [
        log(1, 7, 'hash_file', 'in_progress'),
        log(2, 8, null, null),
        log(3, 7, 'hash_file', 'success'),
        log(4, null, null, 'success'),
      ],
      new Map([[7, file(7)]]),
    );
    expect(messages.map((message) => `${message.event}:${message.id}`)).toEqual([
      'step:1',
      'note:2',
      'file:2',
      'step:3',
      'file:3',
      'note:4',
    ]);
    expect(messages[2]?.data).toEqual({ fileId: 8, deleted: true });
    expect(messages[4]?.data).toMatchObject({
      fileId: 7,
      deleted: false,
      status: 'processing',
      lastStep: 'hash_file',
      statusChangedAt: at.toISOString(),
    });
  });

  test("the database's note of a file another program deleted ends with that file's deleted event", () => {
    const removal = (id: number, detail: string): LogEntry => ({
      ...log(id, null, null, null),
      taskId: REMOVAL_NOTE.taskId,
      message: `${REMOVAL_NOTE.messagePrefix}${detail}${REMOVAL_NOTE.messageSuffix}`,
      detail,
    });
    const messages = changeMessages(
      [removal(1, '9'), log(2, 7, 'hash_file', 'success'), removal(3, '7'), removal(4, 'nine')],
      new Map([[7, file(7)]]),
    );
    expect(messages.map((message) => `${message.event}:${message.id}`)).toEqual([
      'note:1',
      'file:1',
      'step:2',
      'note:3',
      'file:3',
      'note:4',
    ]);
    expect(messages[1]?.data).toEqual({ fileId: 9, deleted: true });
    // A note naming a file that still exists cannot hide it: the event carries what is stored.
    expect(messages[4]?.data).toMatchObject({ fileId: 7, deleted: false, status: 'processing' });
  });

  test('the wire format is id, event and one data line', () => {
    expect(formatMessage({ id: 3, event: 'step', data: { a: 'line\nbreak' } })).toBe(
      'id: 3\nevent: step\ndata: {"a":"line\\nbreak"}\n\n',
    );
    expect(formatMessage({ event: 'ready', data: { cursor: 0 } })).toBe(
      'event: ready\ndata: {"cursor":0}\n\n',
    );
  });
});
