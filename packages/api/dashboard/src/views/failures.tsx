import { useEffect, useState } from 'preact/hooks';
import { client, describeError } from '../connection.js';
import type { FailureGroup, FailureTriage } from '../types.js';
import { StatusIcon } from '../components/status.js';
import { ago, fullTime, stepLabel } from '../format.js';
import { useCoalesced, useFocusHeading, useLiveEvents, useTick } from '../hooks.js';
import { href } from '../router.js';

// What fails most: GET /api/failures groups the failed steps of a window by step and normalized error, biggest group
// first. Each group links to its files in the list, where they can be selected and retried (docs/architecture.md#dashboard).

const WINDOWS = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 } as const;
type WindowKey = keyof typeof WINDOWS;

/**
 * The longest literal part of a normalized error (between its placeholders): the list's `error` filter matches a
 * substring of the original messages, and this part is in every message of the group.
 */
function errorFragment(normalized: string): string | undefined {
  if (normalized === '(no message)') return undefined;
  const parts = normalized
    .replace(/…$/, '')
    .split(/<(?:value|url|uuid|path|hex|n)>/)
    .map((part) => part.trim());
  const longest = parts.reduce((best, part) => (part.length > best.length ? part : best), '');
  return longest.length >= 3 ? longest : undefined;
}

/** The file list of a group: failed files whose step of this name failed with an error like this one. */
export const groupFilesHref = (group: FailureGroup): string =>
  href('files', { status: 'failed', step: group.step, error: errorFragment(group.error) });

export function useFailures(windowKey: WindowKey, limit: number) {
  const [triage, setTriage] = useState<FailureTriage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = (): void => {
    const from = new Date(Date.now() - WINDOWS[windowKey]).toISOString();
    client()
      .getFailures({ limit: String(limit), samples: '5', from })
      .then((value) => {
        setTriage(value);
        setError(null);
      })
      .catch((reason: unknown) => setError(describeError(reason)));
  };
  useEffect(load, [windowKey, limit]);
  const reload = useCoalesced(load, 1000);
  useLiveEvents((event) => {
    if (event.event === 'file') reload();
  });
  return { triage, error };
}

export function FailureGroups({ groups, now }: { groups: FailureGroup[]; now: number }) {
  return (
    <ul class="failure-groups">
      {groups.map((group) => (
        <li key={`${group.step}\u0000${group.error}`} class="failure-group">
          <div class="failure-head">
            <span class="badge tone-bad">
              <StatusIcon icon="cross" />
              <span>{group.count}</span>
            </span>
            <strong title={group.step}>{stepLabel(group.step)}</strong>
            <span
              class="muted"
              title={`first ${fullTime(group.firstSeen)}, last ${fullTime(group.lastSeen)}`}
            >
              last {ago(group.lastSeen, now)}
            </span>
          </div>
          <p class="failure-error mono">{group.error}</p>
          <div class="failure-links">
            <a href={groupFilesHref(group)}>
              {group.count === 1 ? 'The file' : `The ${group.count} files`} →
            </a>
            {group.sampleFileIds.map((id) => (
              <a key={id} href={href(`files/${id}`)} class="muted">
                #{id}
              </a>
            ))}
          </div>
        </li>
      ))}
    </ul>
  );
}

export function FailuresView({ query }: { query: URLSearchParams }) {
  const heading = useFocusHeading('failures');
  const now = useTick(10_000);
  const windowKey = (query.get('window') ?? '24h') as WindowKey;
  const { triage, error } = useFailures(windowKey in WINDOWS ? windowKey : '24h', 200);
  return (
    <section class="view" aria-labelledby="failures-heading">
      <div class="view-head">
        <h1 id="failures-heading" ref={heading} tabIndex={-1}>
          Failures
        </h1>
        <nav class="chips" aria-label="Time window">
          {(Object.keys(WINDOWS) as WindowKey[]).map((key) => (
            <a
              key={key}
              class="chip"
              href={href('failures', { window: key })}
              aria-current={key === windowKey ? 'true' : undefined}
            >
              last {key}
            </a>
          ))}
        </nav>
      </div>
      <p class="muted">
        Steps that are failed now, grouped by step and error (numbers, ids and paths count as one). Open a
        group's files to select and retry them.
      </p>
      {error !== null ? (
        <p class="error-box" role="alert">
          Could not load failures: {error}
        </p>
      ) : null}
      {triage === null ? (
        <p class="muted">Loading…</p>
      ) : triage.groups.length === 0 ? (
        <div class="empty">
          <h2>No failures in the last {windowKey}</h2>
          <p>
            Failed steps show here, grouped, as they happen. <a href={href('files')}>See all files</a>.
          </p>
        </div>
      ) : (
        <>
          <p>
            {triage.failedSteps} failed step{triage.failedSteps === 1 ? '' : 's'} in {triage.totalGroups}{' '}
            group
            {triage.totalGroups === 1 ? '' : 's'}
            {triage.truncated ? ' (the latest; older ones were not read)' : ''}.
          </p>
          <FailureGroups groups={triage.groups} now={now} />
        </>
      )}
    </section>
  );
}
