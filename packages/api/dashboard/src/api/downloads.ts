import { dispositionName } from '@steptrail/api-schema/content-disposition.js';
import type { DownloadKind } from '@steptrail/api-schema/download.schemas.js';
import { authHeaders, failure, token } from './client.js';

// A file's downloads (GET /api/files/:id/download/:kind, docs/architecture.md#downloads): whether each exists, asked
// with HEAD, and how to save one when the API needs a token a plain link cannot send.

export interface Available {
  kind: DownloadKind;
  href: string;
  name: string;
  size: number | null;
}

export const downloadHref = (fileId: number, kind: DownloadKind): string =>
  `/api/files/${fileId}/download/${kind}`;

/** The download of `kind` when the API has one for this file; null when it answers 404. */
export async function findDownload(fileId: number, kind: DownloadKind): Promise<Available | null> {
  const href = downloadHref(fileId, kind);
  const response = await fetch(href, { method: 'HEAD', headers: authHeaders() });
  if (response.status === 404) return null;
  if (!response.ok) throw await failure(response);
  const length = response.headers.get('Content-Length');
  return {
    kind,
    href,
    name: dispositionName(response.headers.get('Content-Disposition')) ?? `file-${fileId}`,
    size: length === null ? null : Number(length),
  };
}

/** Whether a plain link works: without a token the browser downloads it itself (streamed to disk, resumable). */
export const linkDownloads = (): boolean => token.get() === null;

/** Saves a download through fetch, for an API that needs the bearer token a link cannot carry. */
export async function saveWithToken(download: Available): Promise<void> {
  const response = await fetch(download.href, { headers: authHeaders() });
  if (!response.ok) throw await failure(response);
  const url = URL.createObjectURL(await response.blob());
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = download.name;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
