import { describe, expect, it } from 'vitest';
import {
  STORAGE_STEP,
  processedDocumentCandidates,
  processedDocumentOf,
  type LogEntry,
} from '../src/index.js';

let ids = 0;
const entry = (overrides: Partial<LogEntry>): LogEntry => ({
  id: (ids += 1),
  fileId: 1,
  taskId: null,
  stepName: STORAGE_STEP,
  status: 'success',
  message: null,
  detail: null,
  occurredAt: new Date('2026-12-01T10:00:00Z'),
  ...overrides,
});

describe('the processed document of a file', () => {
  it('is the path the storage step recorded, with its last segment as the name', () => {
    const stored = entry({ detail: '/data/processed/2026-12-01_Invoice_März.pdf' });
    expect(processedDocumentOf([stored])).toEqual({
      path: '/data/processed/2026-12-01_Invoice_März.pdf',
      name: '2026-12-01_Invoice_März.pdf',
      logId: stored.id,
    });
  });

  it('is the latest successful run in event order, whatever order the rows come in', () => {
    const later = entry({ detail: '/p/second.pdf', occurredAt: new Date('2026-12-01T11:00:00Z') });
    const earlier = entry({ detail: '/p/first.pdf', occurredAt: new Date('2026-12-01T10:00:00Z') });
    expect(processedDocumentOf([later, earlier])?.path).toBe('/p/second.pdf');
  });

  it('skips a re-run that recorded no path, and failures, other steps and blank details', () => {
    const stored = entry({ detail: '/p/kept.pdf', occurredAt: new Date('2026-12-01T10:00:00Z') });
    const at = new Date('2026-12-01T12:00:00Z');
    expect(
      processedDocumentOf([
        stored,
        entry({ detail: null, occurredAt: at, message: 'Already stored as kept.pdf' }),
        entry({ detail: '   ', occurredAt: at }),
        entry({ status: 'failure', detail: '/p/failed.pdf', occurredAt: at }),
        entry({ stepName: 'embed_metadata_into_pdf', detail: '/p/other.pdf', occurredAt: at }),
      ])?.path,
    ).toBe('/p/kept.pdf');
  });

  it('is null for a file whose storage step never succeeded with a path', () => {
    expect(processedDocumentOf([])).toBeNull();
    expect(processedDocumentOf([entry({ status: 'in_progress', detail: '/p/x.pdf' })])).toBeNull();
  });
});

describe('where to look for the processed document', () => {
  it("tries the storage step's path first, then DocuElevate's files.processed_file_path", () => {
    const stored = entry({ detail: '/data/processed/steptrail.pdf' });
    expect(processedDocumentCandidates([stored], ' /data/processed/docuelevate.pdf ')).toEqual([
      { path: '/data/processed/steptrail.pdf', name: 'steptrail.pdf', logId: stored.id },
      { path: '/data/processed/docuelevate.pdf', name: 'docuelevate.pdf', logId: null },
    ]);
  });

  it("is DocuElevate's column alone for a file steptrail's storage step never stored", () => {
    expect(processedDocumentCandidates([], '/data/processed/invoice.pdf')).toEqual([
      { path: '/data/processed/invoice.pdf', name: 'invoice.pdf', logId: null },
    ]);
  });

  it('names each path once, and nothing when neither recorded one', () => {
    const stored = entry({ detail: '/p/same.pdf' });
    expect(processedDocumentCandidates([stored], '/p/same.pdf')).toHaveLength(1);
    expect(processedDocumentCandidates([], '  ')).toEqual([]);
    expect(processedDocumentCandidates([], null)).toEqual([]);
  });
});
