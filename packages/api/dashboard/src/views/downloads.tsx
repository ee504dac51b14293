import { describeError } from '../api/client.js';
import { linkDownloads, saveWithToken, type Available } from '../api/downloads.js';
import { formatBytes } from '../format.js';
import { toast } from '../toasts.js';

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
                    if (linkDownloads()) return;
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
