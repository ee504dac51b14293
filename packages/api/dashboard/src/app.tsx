import { useEffect, useState } from 'preact/hooks';
import { loadCapabilities, type Capabilities } from './capabilities.js';
import { onAuthRequired, token } from './connection.js';
import { connectLive } from './connection.js';
import { StatusIcon } from './components/status.js';
import { TokenPrompt } from './components/token-prompt.js';
import { useLiveState } from './hooks.js';
import { href, useRoute } from './router.js';
import { Toasts } from './toasts.js';
import { FilePage } from './views/file-page.js';
import { FilesView } from './views/files.js';
import { OverviewView } from './views/overview.js';
import { FailuresView } from './views/failures.js';
import { StuckView } from './views/stuck.js';
import { UploadView } from './views/upload.js';
import { WebhooksView } from './views/webhooks.js';

// The shell: navigation, the live-connection indicator, the token prompt, and the view the URL names
// (docs/architecture.md#dashboard).

function LiveIndicator() {
  const state = useLiveState();
  const text = {
    connecting: 'Connecting…',
    live: 'Live',
    offline: 'Reconnecting…',
    unauthorized: 'Needs token',
  }[state];
  return (
    <span class={`live live-${state}`} title="Live updates from GET /api/events">
      <span class="live-dot" aria-hidden="true" />
      {text}
    </span>
  );
}

export function App() {
  const route = useRoute();
  const [capabilities, setCapabilities] = useState<Capabilities | null>(null);
  const [authReason, setAuthReason] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    void loadCapabilities().then(setCapabilities);
    connectLive();
    return onAuthRequired((reason) => setAuthReason(reason));
  }, []);

  const [section = '', id] = route.parts;
  const hasStuck = capabilities?.paths.has('/api/stuck') === true;
  const hasWebhooks = capabilities?.paths.has('/api/webhooks') === true;
  const nav = [
    { key: '', label: 'Overview', target: href('') },
    { key: 'files', label: 'Files', target: href('files') },
    ...(capabilities?.paths.has('/api/failures')
      ? [{ key: 'failures', label: 'Failures', target: href('failures') }]
      : []),
    ...(hasStuck ? [{ key: 'stuck', label: 'Stuck', target: href('stuck') }] : []),
    ...(hasWebhooks ? [{ key: 'webhooks', label: 'Webhooks', target: href('webhooks') }] : []),
    { key: 'upload', label: 'Upload', target: href('upload') },
  ];

  let view;
  if (section === 'files' && id !== undefined) view = <FilePage id={id} />;
  else if (section === 'files') view = <FilesView query={route.query} capabilities={capabilities} />;
  else if (section === 'upload') view = <UploadView />;
  else if (section === 'failures' && capabilities?.paths.has('/api/failures'))
    view = <FailuresView query={route.query} />;
  else if (section === 'stuck' && hasStuck) view = <StuckView />;
  else if (section === 'webhooks' && hasWebhooks) view = <WebhooksView query={route.query} />;
  else view = <OverviewView capabilities={capabilities} />;

  return (
    <>
      <a
        class="skip-link"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={href('')}>
          <StatusIcon icon="check" />
          steptrail
        </a>
        <nav aria-label="Views">
          <ul>
            {nav.map((item) => (
              <li key={item.key}>
                <a href={item.target} aria-current={section === item.key ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="topbar-end">
          <LiveIndicator />
          {token.get() !== null ? (
            <button
              type="button"
              class="link-button"
              onClick={() => {
                token.clear();
                setGeneration((value) => value + 1);
                connectLive();
              }}
            >
              Forget token
            </button>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1} key={generation}>
        {view}
      </main>
      {authReason !== null ? (
        <TokenPrompt
          reason={authReason}
          onCancel={() => setAuthReason(null)}
          onSaved={() => {
            setAuthReason(null);
            setGeneration((value) => value + 1);
            connectLive();
          }}
        />
      ) : null}
      <Toasts />
    </>
  );
}
