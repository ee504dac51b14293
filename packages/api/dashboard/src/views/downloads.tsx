import type { DownloadInfo, DownloadKind } from '@steptrail/client';
import { client, describeError, token } from '../connection.js';
import { formatBytes } from '../format.js';
import { toast } from '../toasts.js';

// A file's downloads (GET /api/files/:id/download/:kind, docs/architecture.md#downloads): whether each exists, asked
// with HEAD, and how to save one when the API needs a token a plain link cannot send.

export interface Available extends DownloadInfo {
  fileId: number;
  kind: DownloadKind;
  href: string;
}

/** The download of `kind` when the API has one for this file; null when it has none. */
export async function findDownload(fileId: number, kind: DownloadKind): Promise<Available | null> {
  const info = await client().downloadInfo(fileId, kind);
  return info === null ? null : { ...info, fileId, kind, href: client().downloadUrl(fileId, kind) };
}

/** Saves a download through the client, for an API that needs the bearer token a link cannot carry. */
async function saveWithToken(download: Available): Promise<void> {
  const { body } = await client().download(download.fileId, download.kind);
  const url = URL.createObjectURL(await new Response(body).blob());
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

const LABELS = { original: 'Original', processed: 'Processed document' } as const;

/** Links to a file's original and processed document, with what is missing said in words. */
export function Downloads({
  downloads,
}: {
  downloads: { original: Available | null; processed: Available | null };
}) {
  const entries = (['original', 'processed'] as const).map((kind) => ({ kind, download: downloads[kind] }));
  return (
    <div class="fact-wide downloads">
      <dt>Downloads</dt>
      <dd>
        <ul class="download-list">
          {entries.map(({ kind, download }) => (
            <li key={kind}>
              {download === null ? (
                <span class="muted">
                  {LABELS[kind]}: {kind === 'original' ? 'not stored by this API' : 'not stored yet'}
                </span>
              ) : (
                <a
                  class="download-link"
                  href={download.href}
                  download={download.name}
                  data-kind={kind}
                  onClick={(event) => {
                    // Without a token the browser downloads the link itself (streamed to disk, resumable).
                    if (token.get() === null) return;
                    event.preventDefault();
                    saveWithToken(download).catch((reason: unknown) => toast(describeError(reason), 'bad'));
                  }}
                >
                  <span aria-hidden="true">⤓ </span>
                  {LABELS[kind]}
                  <span class="muted">
                    {' '}
                    {download.name}
                    {download.size === null ? '' : ` · ${formatBytes(download.size)}`}
                  </span>
                </a>
              )}
            </li>
          ))}
        </ul>
      </dd>
    </div>
  );
}
