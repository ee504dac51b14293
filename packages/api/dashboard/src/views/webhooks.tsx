import { useEffect, useState } from 'preact/hooks';
import type { CreatedWebhook, Webhook, WebhookEvent } from '@steptrail/client';
import { client, describeError } from '../connection.js';
import { EVENT_MEANINGS, WEBHOOK_EVENTS } from '../webhook-events.js';
import { Dialog } from '../components/dialog.js';
import { Badge, type Look } from '../components/status.js';
import { ago, fullTime } from '../format.js';
import { useFocusHeading } from '../hooks.js';
import { href, navigate } from '../router.js';
import { toast } from '../toasts.js';
import { DeliveryLog } from './webhook-deliveries.js';

// Webhook subscriptions (docs/architecture.md#webhooks, #dashboard): subscribe a URL to events, pause, resume and
// delete with confirmation, and each subscription's recent deliveries. The selected one is in the URL (?hook=).

const ACTIVE: Look = { label: 'Active', icon: 'check', tone: 'good' };
const PAUSED: Look = { label: 'Paused', icon: 'clock', tone: 'muted' };

type Pending = { kind: 'pause' | 'resume' | 'delete'; hook: Webhook } | null;

function NewSubscription({ onCreated }: { onCreated: (created: CreatedWebhook) => void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<Set<WebhookEvent>>(new Set(['file.completed', 'file.failed']));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = (event: WebhookEvent, on: boolean): void => {
    const next = new Set(events);
    if (on) next.add(event);
    else next.delete(event);
    setEvents(next);
  };
  const submit = (): void => {
    setBusy(true);
    client()
      .webhooks.create({
        url: url.trim(),
        events: WEBHOOK_EVENTS.filter((event) => events.has(event)),
      })
      .then((created) => {
        setUrl('');
        setError(null);
        onCreated(created);
      })
      .catch((reason: unknown) => setError(describeError(reason)))
      .finally(() => setBusy(false));
  };
  return (
    <form
      class="panel webhook-form"
      aria-labelledby="new-webhook-heading"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <h2 id="new-webhook-heading">New subscription</h2>
      <label class="field">
        <span>Receiver URL (http or https)</span>
        <input
          type="url"
          required
          placeholder="https://example.org/steptrail-hook"
          value={url}
          onInput={(event) => setUrl(event.currentTarget.value)}
        />
      </label>
      <fieldset class="event-choices">
        <legend>Events</legend>
        {WEBHOOK_EVENTS.map((event) => (
          <label key={event} class="event-choice">
            <input
              type="checkbox"
              checked={events.has(event)}
              onChange={(change) => toggle(event, change.currentTarget.checked)}
            />
            <span>
              <code>{event}</code> <span class="muted">{EVENT_MEANINGS[event]}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {error === null ? null : <p class="error-box">{error}</p>}
      <div class="actions">
        <button type="submit" class="button button-primary" disabled={busy || events.size === 0}>
          Subscribe
        </button>
      </div>
    </form>
  );
}

export function WebhooksView({ query }: { query: URLSearchParams }) {
  const heading = useFocusHeading('webhooks');
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<CreatedWebhook | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [busy, setBusy] = useState(false);
  const selectedId = Number(query.get('hook') ?? '');
  const load = (): void => {
    client()
      .webhooks.list()
      .then((value) => {
        setHooks(value);
        setError(null);
      })
      .catch((reason: unknown) => setError(describeError(reason)));
  };
  useEffect(load, []);
  const selected = hooks?.find((hook) => hook.id === selectedId) ?? null;

  const confirm = (): void => {
    if (pending === null) return;
    const { kind, hook } = pending;
    setBusy(true);
    const work =
      kind === 'delete'
        ? client()
            .webhooks.remove(hook.id)
            .then(() => {
              toast(`Deleted subscription #${hook.id}`, 'good');
              if (selectedId === hook.id) navigate(href('webhooks'));
            })
        : client()
            .webhooks.update(hook.id, { paused: kind === 'pause' })
            .then(() => {
              toast(`${kind === 'pause' ? 'Paused' : 'Resumed'} subscription #${hook.id}`, 'good');
            });
    work
      .catch((reason: unknown) => toast(describeError(reason), 'bad'))
      .finally(() => {
        setBusy(false);
        setPending(null);
        load();
      });
  };

  return (
    <section class="view" aria-labelledby="webhooks-heading">
      <h1 id="webhooks-heading" ref={heading} tabIndex={-1}>
        Webhooks
      </h1>
      <p class="muted">
        steptrail POSTs each chosen event to the receiver, signed the Standard Webhooks way, and retries with
        backoff until it answers 2xx. A paused subscription keeps its deliveries until it is resumed.
      </p>
      {secret === null ? null : (
        <div class="notice secret-notice" role="status">
          <p>
            Subscription #{secret.id} created. Its signing secret is shown only now — store it with the
            receiver:
          </p>
          <code class="mono secret">{secret.secret}</code>
          <button type="button" class="link-button" onClick={() => setSecret(null)}>
            Done
          </button>
        </div>
      )}
      <NewSubscription
        onCreated={(created) => {
          setSecret(created);
          load();
          navigate(href('webhooks', { hook: String(created.id) }));
        }}
      />
      <section class="panel" aria-labelledby="subscriptions-heading">
        <h2 id="subscriptions-heading">Subscriptions</h2>
        {error !== null ? <p class="error-box">Could not load subscriptions: {error}</p> : null}
        {hooks === null && error === null ? <p class="muted">Loading…</p> : null}
        {hooks !== null && hooks.length === 0 ? (
          <p class="muted">
            No subscriptions yet. Add a receiver above to be told when files complete or fail.
          </p>
        ) : null}
        {hooks !== null && hooks.length > 0 ? (
          <div class="table-scroll">
            <table class="data-table stack-table webhook-table">
              <thead>
                <tr>
                  <th>Receiver</th>
                  <th>Events</th>
                  <th>State</th>
                  <th>Created</th>
                  <th>Actions</th>
                </tr>
              </thead>
              <tbody>
                {hooks.map((hook) => (
                  <tr
                    key={hook.id}
                    data-webhook-id={hook.id}
                    class={hook.id === selectedId ? 'selected' : undefined}
                  >
                    <td data-label="Receiver" class="webhook-url">
                      <a
                        href={href('webhooks', { hook: String(hook.id) })}
                        aria-current={hook.id === selectedId ? 'true' : undefined}
                      >
                        #{hook.id} {hook.url}
                      </a>
                    </td>
                    <td data-label="Events">
                      <span class="id-list">
                        {hook.events.map((event) => (
                          <code key={event}>{event}</code>
                        ))}
                      </span>
                    </td>
                    <td data-label="State">
                      <Badge look={hook.pausedAt === null ? ACTIVE : PAUSED} />
                    </td>
                    <td data-label="Created" title={fullTime(hook.createdAt)}>
                      {ago(hook.createdAt)}
                    </td>
                    <td data-label="Actions">
                      <span class="row-actions">
                        <button
                          type="button"
                          class="button"
                          onClick={() =>
                            setPending({ kind: hook.pausedAt === null ? 'pause' : 'resume', hook })
                          }
                        >
                          {hook.pausedAt === null ? 'Pause…' : 'Resume…'}
                        </button>
                        <button
                          type="button"
                          class="button"
                          onClick={() =>
                            void client()
                              .webhooks.test(hook.id)
                              .then(() => toast(`Test delivery queued for #${hook.id}`, 'good'))
                              .catch((reason: unknown) => toast(describeError(reason), 'bad'))
                          }
                        >
                          Send test
                        </button>
                        <button
                          type="button"
                          class="button button-danger"
                          onClick={() => setPending({ kind: 'delete', hook })}
                        >
                          Delete…
                        </button>
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      {selected === null ? null : (
        <section class="panel" aria-labelledby="deliveries-heading" data-deliveries-of={selected.id}>
          <div class="panel-head">
            <h2 id="deliveries-heading">Recent deliveries of #{selected.id}</h2>
            <span class="muted webhook-url">{selected.url}</span>
          </div>
          <DeliveryLog hook={selected} />
        </section>
      )}
      {pending === null ? null : (
        <Dialog
          title={
            pending.kind === 'delete'
              ? `Delete subscription #${pending.hook.id}?`
              : `${pending.kind === 'pause' ? 'Pause' : 'Resume'} subscription #${pending.hook.id}?`
          }
          confirmLabel={
            pending.kind === 'delete' ? 'Delete subscription' : pending.kind === 'pause' ? 'Pause' : 'Resume'
          }
          danger={pending.kind === 'delete'}
          busy={busy}
          onCancel={() => setPending(null)}
          onConfirm={confirm}
        >
          <p>
            {pending.kind === 'delete'
              ? 'Its deliveries and their log go with it; undelivered events are not sent. Needs the admin scope.'
              : pending.kind === 'pause'
                ? 'Events keep being queued for it, but nothing is sent until you resume it.'
                : 'Everything queued while it was paused is sent, oldest first.'}
          </p>
          <p class="mono webhook-url">{pending.hook.url}</p>
        </Dialog>
      )}
    </section>
  );
}
