import { useEffect, useState } from 'preact/hooks';
import type { StuckPage } from '@steptrail/client';
import { client, describeError } from '../connection.js';
import { Badge, type Look } from '../components/status.js';
import { ago, formatDuration, fullTime, stepLabel } from '../format.js';
import { useCoalesced, useFocusHeading, useLiveEvents } from '../hooks.js';
import { href } from '../router.js';

// Stuck work from GET /api/stuck (docs/architecture.md#stalls, #dashboard): steps stalled in progress, which the
// sweep fails once past their window, and ageing ones, only listed: steps silent for part of their window, and
// runnable steps no worker has claimed in time.

type StuckStep = StuckPage['items'][number];

const REASON_LOOK: Record<StuckStep['reason'], Look> = {
  stalled: { label: 'Stalled', icon: 'clock', tone: 'bad' },
  silent: { label: 'Silent (ageing)', icon: 'clock', tone: 'info' },
  unclaimed: { label: 'Unclaimed', icon: 'question', tone: 'neutral' },
};

const PAGE = 100;

function useStuck(limit: number) {
  const [items, setItems] = useState<StuckStep[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = (): void => {
    client()
      .listStuck({ limit: String(limit) })
      .then((page) => {
        setItems(page.items);
        setNext(page.nextCursor);
        setError(null);
      })
      .catch((reason: unknown) => setError(describeError(reason)));
  };
  useEffect(load, [limit]);
  const reload = useCoalesced(load, 1000);
  useLiveEvents((event) => {
    if (event.event === 'file') reload();
  });
  const more = (): void => {
    if (next === null) return;
    client()
      .listStuck({ limit: String(limit), cursor: next })
      .then((page) => {
        setItems((current) => [...(current ?? []), ...page.items]);
        setNext(page.nextCursor);
      })
      .catch((reason: unknown) => setError(describeError(reason)));
  };
  return { items, next, error, more };
}

function StuckTable({ items }: { items: StuckStep[] }) {
  return (
    <div class="table-scroll">
      <table class="data-table stack-table">
        <thead>
          <tr>
            <th>File</th>
            <th>Step</th>
            <th>Why</th>
            <th>Since</th>
            <th>Age / limit</th>
            <th>Last touched by</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={`${item.fileId}:${item.stepName}`} data-file-id={item.fileId}>
              <td data-label="File">
                <a href={href(`files/${item.fileId}`)}>#{item.fileId}</a>
              </td>
              <td data-label="Step" title={item.stepName}>
                {stepLabel(item.stepName)}
              </td>
              <td data-label="Why">
                <Badge look={REASON_LOOK[item.reason]} />
              </td>
              <td data-label="Since" title={fullTime(item.since)}>
                {ago(item.since)}
              </td>
              <td data-label="Age / limit">
                {formatDuration(item.ageSeconds * 1000)} / {formatDuration(item.limitSeconds * 1000)}
              </td>
              <td data-label="Last touched by">{item.lastTouchedBy ?? <span class="muted">–</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function StuckBody({ compact }: { compact: boolean }) {
  const { items, next, error, more } = useStuck(compact ? 6 : PAGE);
  if (error !== null) return <p class="error-box">Could not load stuck steps: {error}</p>;
  if (items === null) return <p class="muted">Loading…</p>;
  if (items.length === 0)
    return (
      <p class="muted">
        Nothing is stuck: every step in progress has reported within its stall window, and workers claim what
        is runnable.
      </p>
    );
  if (compact)
    return (
      <>
        <ul class="compact-list">
          {items.slice(0, 5).map((item) => (
            <li key={`${item.fileId}:${item.stepName}`} data-file-id={item.fileId}>
              <a href={href(`files/${item.fileId}`)}>#{item.fileId}</a>
              <span>{stepLabel(item.stepName)}</span>
              <Badge look={REASON_LOOK[item.reason]} />
              <time class="muted" dateTime={item.since} title={fullTime(item.since)}>
                {ago(item.since)}
              </time>
            </li>
          ))}
        </ul>
        {items.length > 5 ? <a href={href('stuck')}>All stuck steps →</a> : null}
      </>
    );
  return (
    <>
      <StuckTable items={items} />
      {next !== null ? (
        <button type="button" class="button" onClick={more}>
          Load more
        </button>
      ) : null}
    </>
  );
}

export function StuckView() {
  const heading = useFocusHeading('stuck');
  return (
    <section class="view" aria-labelledby="stuck-heading">
      <h1 id="stuck-heading" ref={heading} tabIndex={-1}>
        Stuck
      </h1>
      <p class="muted">
        Stalled: in progress with no event or heartbeat for its stall window; the sweep fails it with a
        history note, and a retry runs it again. Silent (ageing): in progress and quiet for part of its
        window; listed as a warning until it reports or stalls. Unclaimed: runnable, but no worker has taken
        it in time; listed, never failed.
      </p>
      <section class="panel">
        <StuckBody compact={false} />
      </section>
    </section>
  );
}

export function StuckList({ compact }: { compact: boolean }) {
  return (
    <section class="panel" aria-labelledby="stuck-panel-heading">
      <div class="panel-head">
        <h2 id="stuck-panel-heading">Stuck</h2>
        <a href={href('stuck')}>Details →</a>
      </div>
      <StuckBody compact={compact} />
    </section>
  );
}
