import { useEffect, useState } from 'preact/hooks';
import type { Capabilities } from '../capabilities.js';
import type { LiveEvent } from '@steptrail/client';
import { client, describeError } from '../connection.js';
import { useCounts } from '../live-counts.js';
import type { FileList, StepTimings } from '../types.js';
import { OVERALL_LOOK, OVERALL_STATUSES, OverallBadge, StatusIcon, StepBadge } from '../components/status.js';
import { ago, clockTime, formatDuration, stepLabel } from '../format.js';
import { useCoalesced, useFocusHeading, useLiveEvents, useTick } from '../hooks.js';
import { href } from '../router.js';
import { BUCKET_MS, BUCKETS, throughput } from '../throughput.js';
import { StuckList } from './stuck.js';
import { FailureGroups, useFailures } from './failures.js';

// What an operator wants at a glance: how many files are where, how fast they move, what is failing and what just
// happened (docs/architecture.md#dashboard).

function Sparkline({ values, label }: { values: number[]; label: string }) {
  const max = Math.max(1, ...values);
  return (
    <div class="sparkline" role="img" aria-label={label}>
      {values.map((value, index) => (
        <span
          key={index}
          style={{ height: `${Math.max(4, (value / max) * 100)}%` }}
          class={value > 0 ? 'on' : ''}
        />
      ))}
    </div>
  );
}

const TIMINGS_WINDOW_MS = 15 * 60_000;

/** GET /api/timings over the last 15 minutes, re-read when files change (at most every few seconds). */
function useTimings(enabled: boolean): StepTimings | null {
  const [timings, setTimings] = useState<StepTimings | null>(null);
  const load = (): void => {
    if (!enabled) return;
    const from = new Date(Date.now() - TIMINGS_WINDOW_MS).toISOString();
    client()
      .getTimings({ from })
      .then(setTimings)
      .catch(() => setTimings(null));
  };
  useEffect(load, [enabled]);
  const reload = useCoalesced(load, 3000);
  useLiveEvents((event) => {
    if (event.event === 'file') reload();
  });
  return timings;
}

const ms = (value: number | null): string => (value === null ? '–' : formatDuration(value));

function Throughput({ withTimings }: { withTimings: boolean }) {
  const now = useTick(2000);
  const data = throughput(now);
  const timings = useTimings(withTimings);
  const windowMs = Math.min(now - data.since, BUCKET_MS * BUCKETS);
  const perMinute = (values: number[]): string => {
    const sum = values.reduce((total, value) => total + value, 0);
    return windowMs < 1000 ? '0' : ((sum * 60_000) / windowMs).toFixed(1);
  };
  const slowest = [...(timings?.steps ?? [])]
    .sort((a, b) => (b.duration.p95Ms ?? 0) - (a.duration.p95Ms ?? 0))
    .slice(0, 5);
  return (
    <section class="panel panel-wide" aria-labelledby="throughput-heading">
      <div class="panel-head">
        <h2 id="throughput-heading">Throughput</h2>
        <span class="muted">live figures count from when this page opened</span>
      </div>
      <div class="throughput-layout">
        <div class="throughput">
          {timings !== null ? (
            <div>
              <strong class="big-number">{timings.total.throughputPerMinute.toFixed(1)}</strong>{' '}
              <span>steps finished / min, last 15 min</span>
              <p class="muted">
                {timings.total.succeeded} succeeded, {timings.total.failed} failed; a run took{' '}
                {ms(timings.total.duration.p50Ms)} (p50), {ms(timings.total.duration.p95Ms)} (p95)
              </p>
            </div>
          ) : null}
          <div>
            <strong class="big-number">{perMinute(data.steps)}</strong>{' '}
            <span>steps finished / min, live</span>
            <Sparkline values={data.steps} label="Steps finished per 10 seconds since this page opened" />
          </div>
          <div>
            <strong class="big-number">{perMinute(data.files)}</strong>{' '}
            <span>files completed / min, live</span>
            <Sparkline values={data.files} label="Files completed per 10 seconds since this page opened" />
          </div>
        </div>
        {timings !== null ? (
          <div>
            <h3 class="timings-heading">Slowest steps, last 15 min</h3>
            {slowest.length === 0 ? (
              <p class="muted">No step finished in the last 15 minutes.</p>
            ) : (
              <div class="table-scroll">
                <table class="data-table timings">
                  <thead>
                    <tr>
                      <th>Step</th>
                      <th>Ran p50 / p95</th>
                      <th>Waited p50 / p95</th>
                      <th>OK</th>
                    </tr>
                  </thead>
                  <tbody>
                    {slowest.map((step) => (
                      <tr key={step.step}>
                        <td title={step.step}>{stepLabel(step.step)}</td>
                        <td class="mono">
                          {ms(step.duration.p50Ms)} / {ms(step.duration.p95Ms)}
                        </td>
                        <td class="mono">
                          {ms(step.queueWait.p50Ms)} / {ms(step.queueWait.p95Ms)}
                        </td>
                        <td>
                          {step.succeeded}
                          {step.failed > 0 ? <span class="fail-count"> +{step.failed} failed</span> : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        ) : null}
      </div>
    </section>
  );
}

function TriagePreview({ now }: { now: number }) {
  const { triage } = useFailures('24h', 4);
  if (triage === null || triage.groups.length === 0) return null;
  return (
    <div class="sub-panel">
      <h3>
        Grouped by error, last 24 h · <a href={href('failures')}>all {triage.totalGroups} groups →</a>
      </h3>
      <FailureGroups groups={triage.groups} now={now} />
    </div>
  );
}

interface Activity {
  key: number;
  at: string;
  fileId: number | null;
  step: string | null;
  status: string | null;
  message: string | null;
}

export function OverviewView({ capabilities }: { capabilities: Capabilities | null }) {
  const heading = useFocusHeading('overview');
  const now = useTick(10_000);
  const [recent, setRecent] = useState<FileList | null>(null);
  const [failed, setFailed] = useState<FileList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [activity, setActivity] = useState<Activity[]>([]);
  const { counts: fileCounts } = useCounts();

  const load = (): void => {
    Promise.all([client().listFiles({ limit: '8' }), client().listFiles({ status: 'failed', limit: '6' })])
      .then(([latest, failing]) => {
        setRecent(latest);
        setFailed(failing);
        setError(null);
      })
      .catch((reason: unknown) => setError(describeError(reason)));
  };
  useEffect(load, []);
  const reload = useCoalesced(load, 400);
  useLiveEvents((event: LiveEvent) => {
    if (event.event === 'file') reload();
    if (event.event === 'step' || event.event === 'note') {
      const entry = event.data;
      setActivity((current) =>
        [
          {
            key: entry.id,
            at: entry.occurredAt,
            fileId: entry.fileId,
            step: entry.stepName,
            status: entry.status,
            message: entry.message,
          },
          ...current,
        ].slice(0, 12),
      );
    }
  });

  const counts = fileCounts?.counts;
  return (
    <section class="view overview" aria-labelledby="overview-heading">
      <h1 id="overview-heading" ref={heading} tabIndex={-1}>
        Overview
      </h1>
      {error !== null ? (
        <p class="error-box" role="alert">
          Could not load: {error}
        </p>
      ) : null}
      <ul class="stat-cards">
        {OVERALL_STATUSES.map((status) => (
          <li key={status}>
            <a
              class={`stat-card tone-${OVERALL_LOOK[status].tone}`}
              href={href('files', { status })}
              data-status={status}
            >
              <span class="stat-label">
                <StatusIcon icon={OVERALL_LOOK[status].icon} />
                {OVERALL_LOOK[status].label}
              </span>
              <strong class="big-number">{counts === undefined ? '…' : counts[status]}</strong>
            </a>
          </li>
        ))}
      </ul>
      {fileCounts !== null && fileCounts.total === 0 ? (
        <div class="empty">
          <h2>Nothing tracked yet</h2>
          <p>
            <a href={href('upload')}>Upload a document</a> to watch it go through the workflow, or point your
            pipeline at <code>POST /api/files</code> and <code>POST /api/files/:id/events</code>.
          </p>
        </div>
      ) : null}
      <div class="overview-grid">
        <Throughput withTimings={capabilities?.paths.has('/api/timings') ?? false} />
        <section class="panel" aria-labelledby="failing-heading">
          <div class="panel-head">
            <h2 id="failing-heading">Failing now</h2>
            {counts !== undefined && counts.failed > 0 ? (
              <a href={href('files', { status: 'failed' })}>All {counts.failed} failed →</a>
            ) : null}
          </div>
          {failed === null ? (
            <p class="muted">Loading…</p>
          ) : failed.items.length === 0 ? (
            <p class="muted">
              <StatusIcon icon="check" /> No failed files. Failures show here as they happen.
            </p>
          ) : (
            <ul class="compact-list">
              {failed.items.map((item) => (
                <li key={item.id}>
                  <a href={href(`files/${item.id}`)}>{item.originalFilename ?? `file #${item.id}`}</a>
                  <span class="muted">{item.lastStep === null ? '' : stepLabel(item.lastStep)}</span>
                  <time class="muted" dateTime={item.updatedAt}>
                    {ago(item.updatedAt, now)}
                  </time>
                </li>
              ))}
            </ul>
          )}
          {capabilities?.paths.has('/api/failures') ? <TriagePreview now={now} /> : null}
        </section>
        {capabilities?.paths.has('/api/stuck') ? <StuckList compact /> : null}
        <section class="panel" aria-labelledby="recent-heading">
          <div class="panel-head">
            <h2 id="recent-heading">Recent files</h2>
            <a href={href('files')}>All files →</a>
          </div>
          {recent === null || recent.items.length === 0 ? (
            <p class="muted">No files yet.</p>
          ) : (
            <ul class="compact-list">
              {recent.items.map((item) => (
                <li key={item.id}>
                  <a href={href(`files/${item.id}`)}>{item.originalFilename ?? `file #${item.id}`}</a>
                  <OverallBadge status={item.status} />
                  <time class="muted" dateTime={item.updatedAt}>
                    {ago(item.updatedAt, now)}
                  </time>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="panel" aria-labelledby="activity-heading">
          <div class="panel-head">
            <h2 id="activity-heading">Live activity</h2>
          </div>
          {activity.length === 0 ? (
            <p class="muted">
              Waiting for the next event. Step changes and notes appear here as they happen.
            </p>
          ) : (
            <ol class="compact-list activity">
              {activity.map((item) => (
                <li key={item.key}>
                  <time class="mono muted" dateTime={item.at}>
                    {clockTime(item.at)}
                  </time>
                  <StepBadge status={item.step === null ? null : item.status} />
                  <span class="activity-text">
                    {item.fileId !== null ? <a href={href(`files/${item.fileId}`)}>#{item.fileId}</a> : null}{' '}
                    {item.step !== null ? stepLabel(item.step) : item.message}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
    </section>
  );
}
