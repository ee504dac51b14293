import { z } from 'zod';
import { fileIdParams } from './common.schemas.js';

// GET /api/files/:id/download/:kind (docs/architecture.md#downloads). The answer is the file's bytes, not JSON.

/** `original`: the bytes as uploaded; `processed`: the document the pipeline stored (stamped PDF or a copy). */
export const DOWNLOAD_KINDS = ['original', 'processed'] as const;
export type DownloadKind = (typeof DOWNLOAD_KINDS)[number];

export const downloadParams = fileIdParams.extend({
  kind: z.enum(DOWNLOAD_KINDS).meta({
    description: '`original` (as uploaded) or `processed` (what finalize_document_storage stored)',
  }),
});

/** The path of a download, for callers that build links (the dashboard, the CLI). */
export const downloadPath = (fileId: number, kind: DownloadKind): string =>
  `/api/files/${fileId}/download/${kind}`;
