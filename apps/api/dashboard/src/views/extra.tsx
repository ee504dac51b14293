import { useEffect, useState } from 'preact/hooks';
import { api, describeError } from '../api/client.js';
import { useCoalesced, useFocusHeading, useLiveEvents } from '../hooks.js';
import { href } from '../router.js';

// Views of operations endpoints that not every server has yet (stuck steps), shown generically. The shell lists one only
// when the OpenAPI document has its endpoint (docs/architecture.md#dashboard).

export interface ExtraViewSpec {
  key: string;
  label: string;
  endpoint: string;
  intro: string;
  empty: string;
}

export const EXTRA_VIEWS: ExtraViewSpec[] = [
  {
    key: 'stuck',
    label: 'Stuck',
    endpoint: '/api/stuck',
    intro: 'Steps that have waited or run longer than they should.',
    empty: 'Nothing is stuck.',
  },
];

type Row = Record<string, unknown>;

/** The first array of objects in an answer (`items`, `groups`, …). */
function rowsOf(body: unknown): Row[] {
  if (Array.isArray(body)) return body.filter((row): row is Row => typeof row === 'object' && row !== null);
  if (typeof body !== 'object' || body === null) return [];
  for (const value of Object.values(body)) {
    if (Array.isArray(value)) return rowsOf(value);
  }
  return [];
}

function cell(key: string, value: unknown) {
  if (value === null || value === undefined) return <span class="muted">–</span>;
  if ((key === 'fileId' || key === 'id') && typeof value === 'number')
    return <a href={href(`files/${value}`)}>#{value}</a>;
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item === 'number') && key.toLowerCase().includes('id')) {
      return (
        <span class="id-list">
          {value.slice(0, 8).map((id) => (
            <a key={id} href={href(`files/${id}`)}>
              #{id}
            </a>
          ))}
          {value.length > 8 ? <span class="muted">+{value.length - 8}</span> : null}
        </span>
      );
    }
    return `${value.length} item${value.length === 1 ? '' : 's'}`;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return <code>{JSON.stringify(value)}</code>;
}

function useEndpoint(endpoint: string) {
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = (): void => {
    api<unknown>(endpoint)
      .then((body) => {
        setRows(rowsOf(body));
        setError(null);
      })
      .catch((reason: unknown) => setError(describeError(reason)));
  };
  useEffect(load, [endpoint]);
  const reload = useCoalesced(load, 1000, 0);
  useLiveEvents((event) => {
    if (event.kind === 'file') reload();
  });
  return { rows, error };
}

function RowsTable({ rows, limit }: { rows: Row[]; limit?: number }) {
  const shown = limit === undefined ? rows : rows.slice(0, limit);
  const columns = [...new Set(shown.flatMap((row) => Object.keys(row)))].slice(0, 7);
  return (
    <div class="table-scroll">
      <table class="data-table">
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column}>{column}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row, index) => (
            <tr key={index}>
              {columns.map((column) => (
                <td key={column}>{cell(column, row[column])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EndpointPanel({ spec, compact }: { spec: ExtraViewSpec; compact: boolean }) {
  const { rows, error } = useEndpoint(spec.endpoint);
  if (error !== null) return <p class="error-box">{error}</p>;
  if (rows === null) return <p class="muted">Loading…</p>;
  if (rows.length === 0) return <p class="muted">{spec.empty}</p>;
  return (
    <>
      <RowsTable rows={rows} {...(compact ? { limit: 5 } : {})} />
      {compact && rows.length > 5 ? <a href={href(spec.key)}>All {rows.length} →</a> : null}
    </>
  );
}

export function ExtraView({ view }: { view: ExtraViewSpec }) {
  const heading = useFocusHeading(view.key);
  return (
    <section class="view" aria-labelledby={`${view.key}-heading`}>
      <h1 id={`${view.key}-heading`} ref={heading} tabIndex={-1}>
        {view.label}
      </h1>
      <p class="muted">{view.intro}</p>
      <section class="panel">
        <EndpointPanel spec={view} compact={false} />
      </section>
    </section>
  );
}

export function StuckList({ compact }: { compact: boolean }) {
  const spec = EXTRA_VIEWS[0]!;
  return (
    <section class="panel" aria-labelledby="stuck-heading">
      <div class="panel-head">
        <h2 id="stuck-heading">Stuck</h2>
        <a href={href(spec.key)}>Details →</a>
      </div>
      <EndpointPanel spec={spec} compact={compact} />
    </section>
  );
}
