import { useEffect, useState } from 'preact/hooks';
import { SteptrailApiError } from '@steptrail/client';
import { client, describeError } from '../connection.js';
import type { FileDetail, LogEntry, LogPage, Steps } from '../types.js';
import { Dialog } from '../components/dialog.js';
import { OverallBadge } from '../components/status.js';
import { formatBytes, fullTime } from '../format.js';
import { useCoalesced, useFocusHeading, useLiveEvents, useTick } from '../hooks.js';
import { href, navigate } from '../router.js';
import { toast } from '../toasts.js';
import { buildTimeline } from '../timeline.js';
import { Downloads, findDownload, type Available } from './downloads.js';
import { deleteFiles, retryFiles } from './file-actions.js';
import { lastFilesHref } from './files.js';
import { History } from './history.js';
import { TimelineView } from './timeline-view.js';

// One file: facts, the timeline of its steps, the full history, and the actions (docs/architecture.md#dashboard).

interface Loaded {
  detail: FileDetail;
  steps: Steps['steps'];
  logs: LogEntry[];
  truncated: boolean;
  downloads: { original: Available | null; processed: Available | null };
}

const MAX_HISTORY_PAGES = 20;

async function loadFile(id: number): Promise<Loaded> {
  const [detail, steps, original, processed] = await Promise.all([
    client().getFile(id),
    client().getSteps(id),
    findDownload(id, 'original'),
    findDownload(id, 'processed'),
  ]);
  const logs: LogEntry[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: LogPage = await client().getLogs(id, {
      limit: '500',
      ...(cursor === null ? {} : { cursor }),
    });
    logs.push(...page.items);
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor !== null && pages < MAX_HISTORY_PAGES);
  return { detail, steps: steps.steps, logs, truncated: cursor !== null, downloads: { original, processed } };
}

type Pending = null | 'delete' | 'duplicate';

export function FilePage({ id }: { id: string }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  // The loading heading is replaced by the file's own: focus moves to the one that stays.
  const heading = useFocusHeading(`file-${id}-${loaded === null ? 'loading' : 'ready'}`);
  const [error, setError] = useState<{ status: number; text: string } | null>(null);
  const [dialog, setDialog] = useState<Pending>(null);
  const [originalId, setOriginalId] = useState('');
  const [busy, setBusy] = useState(false);
  const running = loaded?.detail.status.status === 'processing' || loaded?.detail.status.status === 'pending';
  const now = useTick(500, running);

  const load = (): void => {
    loadFile(Number(id))
      .then((value) => {
        setLoaded(value);
        setError(null);
      })
      .catch((reason: unknown) =>
        setError({
          status: reason instanceof SteptrailApiError ? reason.status : 0,
          text: describeError(reason),
        }),
      );
  };
  useEffect(() => {
    setLoaded(null);
    load();
  }, [id]);
  const reload = useCoalesced(load, 150);
  useLiveEvents((event) => {
    if (event.event === 'file' && event.data.deleted && String(event.data.fileId) === id) {
      // Deleted here or by another program (docs/architecture.md#foreign-deletes): show that, not the stale file.
      setLoaded(null);
      setError({ status: 404, text: '' });
    } else if (event.event === 'ready' || String(event.data.fileId) === id) reload();
  });

  if (error !== null && loaded === null) {
    return (
      <section class="view">
        <a href={lastFilesHref}>← Files</a>
        <h1 ref={heading} tabIndex={-1}>
          {error.status === 404 ? `No file #${id}` : 'Could not load this file'}
        </h1>
        <p class="empty">
          {error.status === 404 ? 'It may have been deleted. Its history stays in the log.' : error.text}{' '}
          <a href={href('files')}>Back to all files</a>
        </p>
      </section>
    );
  }
  if (loaded === null) {
    return (
      <section class="view" aria-busy="true">
        <a href={lastFilesHref}>← Files</a>
        <h1 ref={heading} tabIndex={-1}>
          File #{id}
        </h1>
        <p class="muted">Loading…</p>
      </section>
    );
  }

  const { detail, steps, logs, truncated, downloads } = loaded;
  const { file, status, summary } = detail;
  const timeline = buildTimeline(file, steps, logs, now);
  const act = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true);
    try {
      await work();
    } catch (reason) {
      toast(describeError(reason), 'bad');
    } finally {
      setBusy(false);
      setDialog(null);
      reload();
    }
  };

  return (
    <section class="view file-page" aria-labelledby="file-heading">
      <a href={lastFilesHref} class="back-link">
        ← Files
      </a>
      <div class="view-head">
        <h1 id="file-heading" ref={heading} tabIndex={-1}>
          {file.originalFilename ?? `File #${file.id}`}
        </h1>
        <OverallBadge status={status.status} />
      </div>
      <div class="actions">
        {status.status === 'failed' ? (
          <button
            type="button"
            class="button button-primary"
            disabled={busy}
            onClick={() =>
              void act(async () => {
                const result = await retryFiles([file.id]);
                toast(result.message, result.failed > 0 ? 'bad' : 'good');
              })
            }
          >
            Retry failed steps
          </button>
        ) : null}
        {file.isDuplicate ? (
          <button
            type="button"
            class="button"
            disabled={busy}
            onClick={() =>
              void act(async () => {
                await client().updateFile(file.id, { isDuplicate: false });
                toast('Duplicate mark cleared', 'good');
              })
            }
          >
            Clear duplicate mark
          </button>
        ) : (
          <button type="button" class="button" disabled={busy} onClick={() => setDialog('duplicate')}>
            Mark duplicate…
          </button>
        )}
        <button
          type="button"
          class="button button-danger"
          disabled={busy}
          onClick={() => setDialog('delete')}
        >
          Delete…
        </button>
      </div>
      {file.isDuplicate ? (
        <p class="notice tone-dup">
          This file is a duplicate
          {file.duplicateOfId !== null ? (
            <>
              {' '}
              of <a href={href(`files/${file.duplicateOfId}`)}>file #{file.duplicateOfId}</a>
            </>
          ) : null}
          ; its remaining steps were skipped.
        </p>
      ) : null}
      <dl class="facts">
        <div>
          <dt>Id</dt>
          <dd>#{file.id}</dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{formatBytes(file.fileSize)}</dd>
        </div>
        <div>
          <dt>Type</dt>
          <dd>{file.mimeType ?? 'unknown'}</dd>
        </div>
        <div>
          <dt>Workflow</dt>
          <dd>
            {file.workflow.name}
            {file.managed ? '' : ' (external pipeline)'}
          </dd>
        </div>
        <div>
          <dt>Steps</dt>
          <dd>
            {status.completedSteps} of {status.totalSteps} done
            {status.failedSteps > 0 ? `, ${status.failedSteps} failed` : ''}
            {summary.totalUploadTasks > 0
              ? `; ${summary.uploads.success} of ${summary.totalUploadTasks} uploads`
              : ''}
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <time dateTime={file.createdAt}>{fullTime(file.createdAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd>
            <time dateTime={file.updatedAt}>{fullTime(file.updatedAt)}</time>
          </dd>
        </div>
        <div class="fact-wide">
          <dt>SHA-256</dt>
          <dd class="mono hash">{file.filehash}</dd>
        </div>
        <Downloads downloads={downloads} />
      </dl>
      <TimelineView timeline={timeline} />
      <History logs={logs} truncated={truncated} />
      {dialog === 'delete' ? (
        <Dialog
          title={`Delete “${file.originalFilename ?? `file #${file.id}`}”?`}
          confirmLabel="Delete file"
          danger
          busy={busy}
          onCancel={() => setDialog(null)}
          onConfirm={() =>
            void act(async () => {
              const result = await deleteFiles([file.id]);
              if (result.failed > 0) throw new Error(result.message);
              toast(result.message, 'good');
              navigate(lastFilesHref);
            })
          }
        >
          <p>Its steps go; its history stays in the log. Needs a token with the admin scope.</p>
        </Dialog>
      ) : null}
      {dialog === 'duplicate' ? (
        <Dialog
          title="Mark as duplicate"
          confirmLabel="Mark duplicate"
          busy={busy}
          onCancel={() => setDialog(null)}
          onConfirm={() =>
            void act(async () => {
              const original = originalId.trim() === '' ? null : Number(originalId);
              await client().updateFile(file.id, { isDuplicate: true, duplicateOfId: original });
              toast('Marked as duplicate', 'good');
            })
          }
        >
          <p>Its status becomes duplicate. You can clear the mark later.</p>
          <label class="field">
            <span>Id of the original file (optional)</span>
            <input
              inputMode="numeric"
              pattern="[1-9][0-9]*"
              value={originalId}
              onInput={(event) => setOriginalId(event.currentTarget.value)}
            />
          </label>
        </Dialog>
      ) : null}
    </section>
  );
}
