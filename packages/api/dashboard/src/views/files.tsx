import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { BulkFilter, BulkPreview } from '@steptrail/client';
import type { Capabilities } from '../capabilities.js';
import { client, describeError } from '../connection.js';
import { useCounts } from '../live-counts.js';
import type { FileList, FileListItem, ListFilesQuery, OverallStatus } from '../types.js';
import { Dialog } from '../components/dialog.js';
import { OVERALL_STATUSES, OverallBadge } from '../components/status.js';
import { ago, fullTime, stepLabel } from '../format.js';
import { useCoalesced, useFocusHeading, useLiveEvents, useTick } from '../hooks.js';
import { href, navigate, parseHash } from '../router.js';
import { toast } from '../toasts.js';
import { bulkAction, bulkByFilter } from './file-actions.js';

// The file list: status chips (one status or several), search, the API's extra filters, keyset pages; every bit of
// it in the URL. Live changes patch rows in place (scroll position and selection stay), then the page is re-read so
// it matches the filter again; the chips' counts are the whole database's (docs/architecture.md#dashboard,
// #status-counts).

const PAGE_SIZE = '50';

/** The list URL last shown, so the file page's "Back to files" returns to the same filter and page. */
export let lastFilesHref = href('files');

/** The URL's filter as the list's query: the same names, checked by the API (a bad value is its 400). */
const listQuery = (query: URLSearchParams): ListFilesQuery => ({
  ...(Object.fromEntries(query.entries()) as ListFilesQuery),
  limit: PAGE_SIZE,
});

/** The URL's filter as a bulk operation's filter: the same field names, statuses as a list; paging and order dropped. */
function filterOfQuery(query: URLSearchParams): BulkFilter {
  const filter: Record<string, unknown> = {};
  for (const [key, value] of query.entries()) {
    if (value === '' || ['cursor', 'limit', 'sort', 'order'].includes(key)) continue;
    filter[key] = key === 'status' ? statusesOf(query) : value;
  }
  return filter;
}

/** The statuses the URL selects, in the chips' order (so a URL reads the same however they were picked). */
const statusesOf = (query: URLSearchParams): OverallStatus[] => {
  const picked = new Set((query.get('status') ?? '').split(','));
  return OVERALL_STATUSES.filter((status) => picked.has(status));
};

/** The list URL with `status` added to the selected statuses, or taken out of them. */
function toggledStatus(query: URLSearchParams, status: OverallStatus): string {
  const selected = statusesOf(query);
  const next = selected.includes(status)
    ? selected.filter((value) => value !== status)
    : OVERALL_STATUSES.filter((value) => value === status || selected.includes(value));
  return withParam(query, 'status', next.join(','));
}

/**
 * All, then one toggle button per status: pressing one adds it to the selection or takes it out, so several can be
 * shown at once (failed and processing); All clears the selection. Each press is a history entry, so Back undoes it.
 */
function StatusChips({ query }: { query: URLSearchParams }) {
  // A press reads the address as it is now, not as it was at the last render: two quick presses (the second before
  // the view has re-rendered after the first) must select both statuses.
  const liveQuery = (): URLSearchParams => parseHash(location.hash).query;
  const { counts } = useCounts();
  const selected = statusesOf(query);
  return (
    <div class="chips" role="group" aria-label="Filter by status (several can be on)">
      <button
        type="button"
        class="chip"
        aria-pressed={selected.length === 0}
        onClick={() => navigate(withParam(liveQuery(), 'status', null))}
      >
        <span>All</span>
        <span class="badge-count" data-count="total">
          {counts === null ? '…' : counts.total}
        </span>
      </button>
      {OVERALL_STATUSES.map((value) => (
        <button
          type="button"
          key={value}
          class="chip chip-status"
          aria-pressed={selected.includes(value)}
          data-status={value}
          onClick={() => navigate(toggledStatus(liveQuery(), value))}
        >
          <OverallBadge status={value} count={counts?.counts[value]} />
        </button>
      ))}
    </div>
  );
}

function withParam(query: URLSearchParams, key: string, value: string | null): string {
  const next = Object.fromEntries(query.entries());
  delete next['cursor'];
  if (value === null || value === '') delete next[key];
  else next[key] = value;
  return href('files', next);
}

function SearchBox({ query }: { query: URLSearchParams }) {
  const [text, setText] = useState(query.get('q') ?? '');
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => setText(query.get('q') ?? ''), [query.get('q')]);
  return (
    <label class="search">
      <span class="visually-hidden">Search by file name</span>
      <input
        type="search"
        placeholder="Search by file name…"
        value={text}
        onInput={(event) => {
          const value = event.currentTarget.value;
          setText(value);
          clearTimeout(timer.current);
          timer.current = window.setTimeout(
            () => navigate(withParam(query, 'q', value.trim()), { replace: true }),
            300,
          );
        }}
      />
    </label>
  );
}

type FilterKey = Exclude<keyof ListFilesQuery, 'status' | 'q' | 'limit' | 'cursor' | 'sort' | 'order'>;

/** Every filter of GET /api/files besides status and name; the Record type keeps the list complete. */
const FILTERS: Record<FilterKey, { label: string; kind: 'text' | 'time'; hint?: string }> = {
  error: { label: 'Error text', kind: 'text', hint: 'part of a failed step’s error' },
  step: { label: 'Failed step', kind: 'text', hint: 'e.g. extract_text' },
  mimeType: { label: 'MIME type', kind: 'text', hint: 'e.g. application/pdf' },
  hash: { label: 'Hash starts with', kind: 'text', hint: 'hexadecimal' },
  createdFrom: { label: 'Created from', kind: 'time' },
  createdBefore: { label: 'Created before', kind: 'time' },
  updatedFrom: { label: 'Updated from', kind: 'time' },
  updatedBefore: { label: 'Updated before', kind: 'time' },
};
const FILTER_KEYS = Object.keys(FILTERS) as FilterKey[];

type SortKey = NonNullable<ListFilesQuery['sort']>;
type Order = NonNullable<ListFilesQuery['order']>;
const SORTS: Array<{ sort: SortKey; order: Order; label: string }> = [
  { sort: 'id', order: 'desc', label: 'Newest first' },
  { sort: 'id', order: 'asc', label: 'Oldest first' },
  { sort: 'updated', order: 'desc', label: 'Recently changed' },
  { sort: 'updated', order: 'asc', label: 'Longest unchanged' },
];

const pad = (value: number): string => String(value).padStart(2, '0');
/** ISO time → the value of a datetime-local input (local time, to the second). */
function toLocalInput(iso: string | null): string {
  if (iso === null) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function SortSelect({ query, capabilities }: { query: URLSearchParams; capabilities: Capabilities | null }) {
  if (!(capabilities?.listParams.has('sort') ?? false)) return null;
  const current = `${query.get('sort') ?? 'id'}:${query.get('order') ?? 'desc'}`;
  return (
    <label class="sort">
      <span class="visually-hidden">Order</span>
      <select
        value={current}
        onChange={(event) => {
          const [sort, order] = event.currentTarget.value.split(':');
          const next = Object.fromEntries(query.entries());
          delete next['cursor'];
          navigate(
            href('files', {
              ...next,
              sort: sort === 'id' ? null : sort,
              order: order === 'desc' ? null : order,
            }),
          );
        }}
      >
        {SORTS.map((option) => (
          <option key={`${option.sort}:${option.order}`} value={`${option.sort}:${option.order}`}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function Filters({ query, capabilities }: { query: URLSearchParams; capabilities: Capabilities | null }) {
  const keys = FILTER_KEYS.filter((key) => capabilities?.listParams.has(key) ?? false);
  if (keys.length === 0) return null;
  const active = keys.filter((key) => query.has(key));
  return (
    <>
      {active.length > 0 ? (
        <ul class="active-filters" aria-label="Active filters">
          {active.map((key) => (
            <li key={key}>
              <a
                class="chip"
                href={withParam(query, key, null)}
                aria-label={`Remove filter ${FILTERS[key].label}`}
              >
                {FILTERS[key].label}:{' '}
                <strong>
                  {FILTERS[key].kind === 'time'
                    ? toLocalInput(query.get(key)).replace('T', ' ')
                    : query.get(key)}
                </strong>
                <span aria-hidden="true"> ×</span>
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      <details class="filters" key={query.toString()}>
        <summary>Filters{active.length > 0 ? ` (${active.length})` : ''}</summary>
        <form
          class="filter-grid"
          onSubmit={(event) => {
            event.preventDefault();
            const form = new FormData(event.currentTarget);
            const next: Record<string, string> = {};
            for (const [key, value] of query.entries())
              if (!keys.includes(key as FilterKey) && key !== 'cursor') next[key] = value;
            for (const key of keys) {
              const raw = form.get(key);
              const value = typeof raw === 'string' ? raw.trim() : '';
              if (value === '') continue;
              next[key] = FILTERS[key].kind === 'time' ? new Date(value).toISOString() : value;
            }
            navigate(href('files', next));
          }}
        >
          {keys.map((key) => (
            <label class="field" key={key}>
              <span>{FILTERS[key].label}</span>
              {FILTERS[key].kind === 'time' ? (
                <input
                  type="datetime-local"
                  step={1}
                  name={key}
                  defaultValue={toLocalInput(query.get(key))}
                />
              ) : (
                <input name={key} defaultValue={query.get(key) ?? ''} placeholder={FILTERS[key].hint} />
              )}
            </label>
          ))}
          <div class="filter-actions">
            <button class="button button-primary" type="submit">
              Apply
            </button>
            <a
              class="button"
              href={href('files', query.get('status') ? { status: query.get('status') } : {})}
            >
              Clear filters
            </a>
          </div>
        </form>
      </details>
    </>
  );
}

function EmptyList({ query, total }: { query: URLSearchParams; total: number | null }) {
  if (total === 0) {
    return (
      <div class="empty">
        <h2>No files yet</h2>
        <p>
          <a href={href('upload')}>Upload a document</a>, or let your pipeline register files with{' '}
          <code>POST /api/files</code>. They appear here as soon as they are registered.
        </p>
      </div>
    );
  }
  const statuses = statusesOf(query);
  return (
    <div class="empty">
      <h2>No {statuses.join(' or ')} files match</h2>
      <p>
        {query.get('q') ? <>Nothing is named like “{query.get('q')}”. </> : null}
        <a href={href('files')}>Show all files</a>
        {statuses.length > 0 ? <> or pick another status above.</> : '.'}
      </p>
    </div>
  );
}

export function FilesView({
  query,
  capabilities,
}: {
  query: URLSearchParams;
  capabilities: Capabilities | null;
}) {
  const key = query.toString();
  lastFilesHref = href('files', Object.fromEntries(query.entries()));
  const heading = useFocusHeading('files');
  const now = useTick(10_000);
  const [data, setData] = useState<FileList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);
  /** The dry run of "retry all matching", shown for confirmation. */
  const [matching, setMatching] = useState<BulkPreview | null>(null);
  const filter = filterOfQuery(query);
  const filtered = Object.keys(filter).length > 0;
  const total = useCounts().counts?.total ?? null;
  /** Reads started and the newest one shown: an answer overtaken by a later read is dropped. */
  const reads = useRef({ started: 0, shown: 0 });

  const load = (): void => {
    const number = (reads.current.started += 1);
    client()
      .listFiles(listQuery(query))
      .then((page) => {
        if (number < reads.current.shown) return;
        reads.current.shown = number;
        setData(page);
        setError(null);
      })
      .catch((reason: unknown) => setError(describeError(reason)));
  };
  useEffect(load, [key]);
  const reload = useCoalesced(load);

  useLiveEvents((event) => {
    if (event.event !== 'file') return;
    const change = event.data;
    setData((current) => {
      if (current === null) return current;
      const items = current.items.flatMap((item): FileListItem[] => {
        if (item.id !== change.fileId) return [item];
        if (change.deleted) return [];
        return [
          {
            ...item,
            status: change.status,
            hasErrors: change.hasErrors,
            lastStep: change.lastStep,
            updatedAt: change.updatedAt,
          },
        ];
      });
      return { ...current, items };
    });
    if (change.deleted) setSelected((current) => new Set([...current].filter((id) => id !== change.fileId)));
    reload();
  });

  const items = data?.items ?? [];
  const visibleSelected = useMemo(() => items.filter((item) => selected.has(item.id)), [items, selected]);
  const allSelected = items.length > 0 && visibleSelected.length === items.length;

  const toggle = (id: number): void =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const runBulk = async (action: 'retry' | 'delete'): Promise<void> => {
    setBusy(true);
    const ids = [...selected];
    try {
      const result = await bulkAction(action, ids);
      toast(result.message, result.failed > 0 ? 'bad' : 'good');
      if (action === 'delete' || result.failed === 0) setSelected(new Set());
    } finally {
      setBusy(false);
      setConfirmDelete(false);
      reload();
    }
  };

  const previewMatching = async (): Promise<void> => {
    setBusy(true);
    try {
      setMatching(await client().bulk.preview('retry', filter));
    } catch (reason) {
      toast(`Could not count the matching files: ${describeError(reason)}`, 'bad');
    } finally {
      setBusy(false);
    }
  };

  const retryMatching = async (): Promise<void> => {
    setBusy(true);
    try {
      const result = await bulkByFilter('retry', filter, matching?.matched ?? 0);
      toast(result.message, result.failed > 0 ? 'bad' : 'good');
    } finally {
      setBusy(false);
      setMatching(null);
      reload();
    }
  };

  return (
    <section class="view" aria-labelledby="files-heading">
      <div class="view-head">
        <h1 id="files-heading" ref={heading} tabIndex={-1}>
          Files
        </h1>
        <div class="toolbar">
          <SearchBox query={query} />
          <SortSelect query={query} capabilities={capabilities} />
        </div>
      </div>
      <StatusChips query={query} />
      <Filters query={query} capabilities={capabilities} />
      {error !== null ? (
        <p class="error-box" role="alert">
          Could not load files: {error}{' '}
          <button type="button" class="link-button" onClick={load}>
            Try again
          </button>
        </p>
      ) : null}
      <div class={`bulk-bar${selected.size > 0 ? ' bulk-bar-active' : ''}`} aria-live="polite">
        {selected.size > 0 ? (
          <>
            <span>{selected.size} selected</span>
            <button
              type="button"
              class="button button-primary"
              disabled={busy}
              onClick={() => void runBulk('retry')}
            >
              Retry failed steps
            </button>
            <button
              type="button"
              class="button button-danger"
              disabled={busy}
              onClick={() => setConfirmDelete(true)}
            >
              Delete…
            </button>
            <button type="button" class="link-button" onClick={() => setSelected(new Set())}>
              Clear selection
            </button>
          </>
        ) : (
          <>
            <span class="muted">Select files to retry or delete several at once.</span>
            {filtered && total !== 0 ? (
              <button type="button" class="button" disabled={busy} onClick={() => void previewMatching()}>
                Retry all matching…
              </button>
            ) : null}
          </>
        )}
      </div>
      {data !== null && items.length === 0 ? (
        <EmptyList query={query} total={total} />
      ) : (
        <table class="file-table" aria-busy={data === null}>
          <thead>
            <tr>
              <th class="col-select">
                <input
                  type="checkbox"
                  aria-label="Select every file on this page"
                  checked={allSelected}
                  onChange={() =>
                    setSelected((current) => {
                      const next = new Set(current);
                      for (const item of items) {
                        if (allSelected) next.delete(item.id);
                        else next.add(item.id);
                      }
                      return next;
                    })
                  }
                />
              </th>
              <th>File</th>
              <th>Status</th>
              <th>Last step</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} class={selected.has(item.id) ? 'selected' : undefined} data-file-id={item.id}>
                <td class="col-select">
                  <input
                    type="checkbox"
                    aria-label={`Select ${item.originalFilename ?? `file ${item.id}`}`}
                    checked={selected.has(item.id)}
                    onChange={() => toggle(item.id)}
                  />
                </td>
                <td class="col-name">
                  <a href={href(`files/${item.id}`)}>
                    {item.originalFilename ?? `(unnamed file ${item.id})`}
                  </a>
                  <span class="muted"> #{item.id}</span>
                </td>
                <td class="col-status">
                  <OverallBadge status={item.status} />
                </td>
                <td class="col-step">
                  {item.lastStep === null ? <span class="muted">–</span> : stepLabel(item.lastStep)}
                </td>
                <td class="col-updated">
                  <time dateTime={item.updatedAt} title={fullTime(item.updatedAt)}>
                    {ago(item.updatedAt, now)}
                  </time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="Pages">
        {query.has('cursor') ? (
          <a class="button" href={withParam(query, 'cursor', null)}>
            ← Newest
          </a>
        ) : (
          <span />
        )}
        {data?.nextCursor ? (
          <a
            class="button"
            href={href('files', { ...Object.fromEntries(query.entries()), cursor: data.nextCursor })}
          >
            Next page →
          </a>
        ) : null}
      </nav>
      {matching !== null ? (
        <Dialog
          title={`Retry ${matching.matched} matching file${matching.matched === 1 ? '' : 's'}?`}
          confirmLabel="Retry them"
          busy={busy || matching.tooMany || matching.matched === 0}
          onCancel={() => setMatching(null)}
          onConfirm={() => void retryMatching()}
        >
          {matching.tooMany ? (
            <p class="error-box">More files match than one operation takes; narrow the filter first.</p>
          ) : (
            <p>
              One bulk operation re-queues the failed steps of every file this filter matches now; files
              without a failed step are skipped. The server finishes it even if you close this page, and each
              file's history names the operation.
            </p>
          )}
        </Dialog>
      ) : null}
      {confirmDelete ? (
        <Dialog
          title={`Delete ${selected.size} file${selected.size === 1 ? '' : 's'}?`}
          confirmLabel="Delete"
          danger
          busy={busy}
          onCancel={() => setConfirmDelete(false)}
          onConfirm={() => void runBulk('delete')}
        >
          <p>
            Their current state goes; their history stays in the log. The stored content is not removed. This
            needs a token with the <code>admin</code> scope.
          </p>
        </Dialog>
      ) : null}
    </section>
  );
}
