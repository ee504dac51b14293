// The steptrail dashboard: plain DOM, no framework. Reads the JSON API, follows /api/events for live updates.
// Data is only ever put into the page as text (never as HTML).
const STATUSES = ['pending', 'processing', 'completed', 'failed', 'duplicate'];
const $ = (selector) => document.querySelector(selector);
const state = {
  filter: null,
  search: '',
  cursor: null,
  selected: null,
  historyCursor: null,
  lastEventId: null,
};

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children)
    node.append(child instanceof Node ? child : document.createTextNode(String(child ?? '')));
  return node;
}
const badge = (status) => el('span', { class: `badge ${status}` }, status);
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '–');

function headers() {
  const token = sessionStorage.getItem('steptrail-token');
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function api(path) {
  const response = await fetch(path, { headers: headers() });
  if (response.status === 401 || response.status === 403) {
    $('#token-form').hidden = false;
    throw new Error('This server needs an API token with the read scope.');
  }
  const body = await response.json();
  if (!response.ok) throw new Error(body?.error?.message ?? `HTTP ${response.status}`);
  return body;
}

function showError(error) {
  const box = $('#error');
  box.textContent = error instanceof Error ? error.message : String(error);
  box.hidden = false;
  setTimeout(() => (box.hidden = true), 6000);
}

function renderCounts(counts) {
  const nav = $('#counts');
  nav.replaceChildren(
    ...STATUSES.map((status) => {
      const button = el(
        'button',
        { class: status, 'aria-pressed': String(state.filter === status) },
        `${status} ${counts[status]}`,
      );
      button.addEventListener('click', () => {
        state.filter = state.filter === status ? null : status;
        void loadFiles(true);
      });
      return button;
    }),
  );
}

function fileRow(item) {
  const row = el(
    'tr',
    { 'data-id': item.id },
    el('td', {}, item.id),
    el('td', {}, item.originalFilename ?? '(unnamed)'),
    el('td', {}, badge(item.status)),
    el('td', {}, item.lastStep ?? '–'),
    el('td', {}, when(item.updatedAt)),
  );
  if (item.id === state.selected) row.classList.add('selected');
  row.addEventListener('click', () => void selectFile(item.id));
  return row;
}

function listQuery() {
  const query = new URLSearchParams({ limit: '50' });
  if (state.filter) query.set('status', state.filter);
  if (state.search) query.set('q', state.search);
  return query;
}

async function loadFiles(reset) {
  const query = listQuery();
  if (!reset && state.cursor) query.set('cursor', state.cursor);
  const page = await api(`/api/files?${query}`).catch(showError);
  if (!page) return;
  renderCounts(page.counts);
  const body = $('#files tbody');
  if (reset) body.replaceChildren();
  body.append(...page.items.map(fileRow));
  state.cursor = page.nextCursor;
  $('#more-files').hidden = page.nextCursor === null;
  $('#files-empty').hidden = body.children.length > 0;
}

async function selectFile(id) {
  state.selected = id;
  history.replaceState(null, '', `#file=${id}`);
  for (const row of document.querySelectorAll('#files tbody tr'))
    row.classList.toggle('selected', Number(row.dataset.id) === id);
  $('#detail').hidden = false;
  $('#history').replaceChildren();
  state.historyCursor = null;
  await Promise.all([loadDetail(), loadHistory()]).catch(showError);
}

async function loadDetail() {
  const id = state.selected;
  const [detail, steps] = await Promise.all([api(`/api/files/${id}`), api(`/api/files/${id}/steps`)]);
  if (id !== state.selected) return;
  const { file, status, summary } = detail;
  $('#detail-title').replaceChildren(
    `#${file.id} ${file.originalFilename ?? '(unnamed)'} `,
    badge(status.status),
  );
  $('#detail-meta').textContent =
    `workflow ${file.workflow.name} · ${file.managed ? 'managed by steptrail' : 'external pipeline'} · ` +
    `${status.completedSteps}/${status.totalSteps} steps done, ${status.failedSteps} failed · ` +
    `${summary.uploads.success}/${summary.totalUploadTasks} uploads · sha256 ${file.filehash.slice(0, 12)}…`;
  $('#steps tbody').replaceChildren(
    ...Object.entries(steps.steps).map(([name, step]) =>
      el(
        'tr',
        {},
        el('td', {}, name),
        el('td', {}, badge(step.status)),
        el('td', {}, when(step.startedAt)),
        el('td', {}, when(step.completedAt)),
        el('td', {}, step.attempts),
        el('td', {}, step.errorMessage ?? ''),
      ),
    ),
  );
}

function historyItem(log) {
  const what = log.stepName
    ? [`${log.stepName} `, badge(log.status ?? 'note')]
    : [el('span', { class: 'muted' }, 'note')];
  return el('li', {}, el('time', {}, when(log.occurredAt)), ...what, ` ${log.message ?? ''}`);
}

async function loadHistory() {
  const id = state.selected;
  const query = new URLSearchParams({ limit: '100' });
  if (state.historyCursor) query.set('cursor', state.historyCursor);
  const page = await api(`/api/files/${id}/logs?${query}`);
  if (id !== state.selected) return;
  $('#history').append(...page.items.map(historyItem));
  state.historyCursor = page.nextCursor;
  $('#more-history').hidden = page.nextCursor === null;
}

let countsTimer = null;
function refreshCountsSoon() {
  clearTimeout(countsTimer);
  countsTimer = setTimeout(
    () => void api(`/api/files?limit=1`).then((page) => renderCounts(page.counts), showError),
    300,
  );
}

function onFileEvent(change) {
  const row = document.querySelector(`#files tbody tr[data-id="${change.fileId}"]`);
  const matches = !change.deleted && (!state.filter || change.status === state.filter);
  if (row && !matches) row.remove();
  else if (matches && !state.search) {
    const fresh = fileRow({
      id: change.fileId,
      originalFilename: change.originalFilename,
      status: change.status,
      lastStep: change.lastStep,
      updatedAt: change.updatedAt,
    });
    if (row) row.replaceWith(fresh);
    else $('#files tbody').prepend(fresh);
    fresh.classList.add('flash');
    $('#files-empty').hidden = true;
  }
  refreshCountsSoon();
  if (change.fileId === state.selected) {
    if (change.deleted) $('#detail-title').append(' (deleted)');
    else void loadDetail().catch(showError);
  }
}

function onLogEvent(log) {
  if (log.fileId === state.selected && state.historyCursor === null) $('#history').append(historyItem(log));
}

// EventSource cannot send an Authorization header, so the stream is read with fetch and parsed here.
async function follow() {
  const live = $('#live');
  for (;;) {
    try {
      const extra = state.lastEventId === null ? {} : { 'Last-Event-ID': state.lastEventId };
      const response = await fetch('/api/events', {
        headers: { ...headers(), ...extra, Accept: 'text/event-stream' },
      });
      if (!response.ok || !response.body) throw new Error(`live events: HTTP ${response.status}`);
      live.textContent = 'live';
      live.className = 'live on';
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // Reconnect below; the stream resumes after the last event seen.
    }
    live.textContent = 'reconnecting';
    live.className = 'live off';
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}

function dispatch(frame) {
  let event = 'message';
  let data = '';
  for (const line of frame.split('\n')) {
    if (line.startsWith('id: ')) state.lastEventId = line.slice(4);
    else if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  if (!data) return;
  const payload = JSON.parse(data);
  if (event === 'file') onFileEvent(payload);
  else if (event === 'step' || event === 'note') onLogEvent(payload);
  // The server could not resume after our last event (its database was replaced): what is shown may be stale.
  else if (event === 'ready' && payload.reset) void loadFiles(true).catch(showError);
}

$('#more-files').addEventListener('click', () => void loadFiles(false));
$('#more-history').addEventListener('click', () => void loadHistory().catch(showError));
let searchTimer = null;
$('#search').addEventListener('input', (event) => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    state.search = event.target.value.trim();
    void loadFiles(true);
  }, 250);
});
$('#token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem('steptrail-token', $('#token').value.trim());
  $('#token-form').hidden = true;
  void loadFiles(true);
});
void loadFiles(true);
void follow();
const linked = /^#file=(\d+)$/.exec(location.hash);
if (linked) void selectFile(Number(linked[1]));
