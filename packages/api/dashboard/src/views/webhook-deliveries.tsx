import { useEffect, useState } from 'preact/hooks';
import type { Delivery, DeliveryAttempt, Webhook } from '@steptrail/client';
import { client, describeError } from '../connection.js';
import { Badge, type Look } from '../components/status.js';
import { ago, clockTime, formatDuration, fullTime } from '../format.js';

// The recent deliveries of one subscription and, opened per delivery, every attempt (docs/architecture.md#webhooks).

const REFRESH_MS = 2000;

function outcomeLook(delivery: Delivery, paused: boolean): Look {
  if (delivery.state === 'delivered') return { label: 'Delivered', icon: 'check', tone: 'good' };
  if (delivery.state === 'failed') return { label: 'Failed', icon: 'cross', tone: 'bad' };
  if (paused) return { label: 'Held (paused)', icon: 'clock', tone: 'muted' };
  return delivery.attempts === 0
    ? { label: 'Queued', icon: 'clock', tone: 'neutral' }
    : { label: 'Retrying', icon: 'spin', tone: 'info' };
}

const ATTEMPT_LOOK: Record<DeliveryAttempt['outcome'], Look> = {
  delivered: { label: 'Delivered', icon: 'check', tone: 'good' },
  pending: { label: 'Will retry', icon: 'clock', tone: 'neutral' },
  failed: { label: 'Gave up', icon: 'cross', tone: 'bad' },
};

function Attempts({ hook, delivery }: { hook: Webhook; delivery: Delivery }) {
  const [rows, setRows] = useState<DeliveryAttempt[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = (): void => {
    client()
      .webhooks.attempts(hook.id, delivery.id)
      .then((answer) => setRows(answer.attempts))
      .catch((reason: unknown) => setError(describeError(reason)));
  };
  useEffect(load, [delivery.attempts]);
  if (error !== null) return <p class="error-box">{error}</p>;
  if (rows === null) return <p class="muted">Loading…</p>;
  if (rows.length === 0) return <p class="muted">Not attempted yet.</p>;
  return (
    <ol class="attempt-list">
      {rows.map((row) => (
        <li key={row.id} data-attempt={row.attempt}>
          <span>#{row.attempt}</span>
          <Badge look={ATTEMPT_LOOK[row.outcome]} />
          <span>{row.statusCode === null ? 'no answer' : `HTTP ${row.statusCode}`}</span>
          <span>{row.latencyMs === null ? '' : formatDuration(row.latencyMs)}</span>
          <time dateTime={row.attemptedAt} title={fullTime(row.attemptedAt)}>
            {clockTime(row.attemptedAt)}
          </time>
          {row.error === null || row.error === `HTTP ${row.statusCode}` ? null : (
            <span class="attempt-error">{row.error}</span>
          )}
        </li>
      ))}
    </ol>
  );
}

function nextAttempt(delivery: Delivery, paused: boolean): string {
  if (delivery.state !== 'pending' || delivery.nextAttemptAt === null) return '–';
  if (paused) return 'when resumed';
  const ms = new Date(delivery.nextAttemptAt).getTime() - Date.now();
  return ms <= 0 ? 'due now' : `in ${formatDuration(ms)}`;
}

export function DeliveryLog({ hook }: { hook: Webhook }) {
  const [rows, setRows] = useState<Delivery[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const load = (): void => {
      client()
        .webhooks.deliveries(hook.id, 25)
        .then(({ deliveries }) => {
          if (!live) return;
          setRows(deliveries);
          setError(null);
        })
        .catch((reason: unknown) => live && setError(describeError(reason)));
    };
    load();
    // Deliveries change without file events (retries, the receiver's answers): the log polls while it is shown.
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [hook.id]);
  const paused = hook.pausedAt !== null;
  if (error !== null) return <p class="error-box">Could not load deliveries: {error}</p>;
  if (rows === null) return <p class="muted">Loading…</p>;
  if (rows.length === 0)
    return <p class="muted">No deliveries yet. “Send test” queues one; events you chose queue the others.</p>;
  return (
    <div class="table-scroll">
      <table class="data-table stack-table delivery-table">
        <thead>
          <tr>
            <th>Delivery</th>
            <th>Event</th>
            <th>Outcome</th>
            <th>Attempts</th>
            <th>Status code</th>
            <th>Latency</th>
            <th>Next attempt</th>
            <th>Queued</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((delivery) => (
            <tr key={delivery.id} data-delivery-id={delivery.id}>
              <td data-label="Delivery" class="mono">
                #{delivery.id}
              </td>
              <td data-label="Event">{delivery.eventType}</td>
              <td data-label="Outcome">
                <Badge look={outcomeLook(delivery, paused)} />
                {delivery.lastError === null ? null : <div class="attempt-error">{delivery.lastError}</div>}
              </td>
              <td data-label="Attempts">
                {delivery.attempts === 0 ? (
                  '0'
                ) : (
                  <details class="attempts">
                    <summary>{delivery.attempts}</summary>
                    <Attempts hook={hook} delivery={delivery} />
                  </details>
                )}
              </td>
              <td data-label="Status code">{delivery.lastStatusCode ?? <span class="muted">–</span>}</td>
              <td data-label="Latency">
                {delivery.lastLatencyMs === null ? (
                  <span class="muted">–</span>
                ) : (
                  formatDuration(delivery.lastLatencyMs)
                )}
              </td>
              <td data-label="Next attempt">{nextAttempt(delivery, paused)}</td>
              <td data-label="Queued" title={fullTime(delivery.createdAt)}>
                {ago(delivery.createdAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
