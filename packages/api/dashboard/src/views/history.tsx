import { StepBadge } from '../components/status.js';
import { clockTime, fullTime, stepLabel } from '../format.js';
import type { LogEntry } from '../types.js';

// Every history row of a file, oldest first: step events with their status, notes (registration, duplicate marks,
// deletions) with a Note badge, and each `detail` behind a disclosure (docs/architecture.md#dashboard).

export function History({ logs, truncated }: { logs: LogEntry[]; truncated: boolean }) {
  return (
    <section class="panel" aria-labelledby="history-heading">
      <div class="panel-head">
        <h2 id="history-heading">History</h2>
        <span class="muted">
          {logs.length} event{logs.length === 1 ? '' : 's'}
          {truncated ? ' (the oldest shown; more in GET /api/files/:id/logs)' : ''}
        </span>
      </div>
      {logs.length === 0 ? (
        <p class="muted">Nothing recorded yet.</p>
      ) : (
        <ol class="history">
          {logs.map((entry) => (
            <li key={entry.id} class={entry.stepName === null ? 'history-note' : undefined}>
              <time dateTime={entry.occurredAt} title={fullTime(entry.occurredAt)} class="mono">
                {clockTime(entry.occurredAt)}
              </time>
              <StepBadge status={entry.stepName === null ? null : entry.status} />
              <div class="history-text">
                {entry.stepName !== null ? (
                  <strong title={entry.stepName}>{stepLabel(entry.stepName)}</strong>
                ) : null}
                {entry.message !== null ? <span class="history-message">{entry.message}</span> : null}
                {entry.detail !== null ? (
                  <details>
                    <summary>Detail</summary>
                    <pre>{entry.detail}</pre>
                  </details>
                ) : null}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
