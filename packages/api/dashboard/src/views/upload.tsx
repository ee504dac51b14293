import { useState } from 'preact/hooks';
import { apiError } from '@steptrail/client';
import { describeError, noticeRefusal, token } from '../connection.js';
import type { FileWithStatus } from '../types.js';
import { useFocusHeading } from '../hooks.js';
import { href, navigate } from '../router.js';

// Drag-and-drop or pick files; each is sent as multipart to POST /api/files with upload progress, then the page
// follows the new file live (docs/architecture.md#dashboard). The one request not made by @steptrail/client: fetch
// reports no upload progress, XMLHttpRequest does; its error answer is read by the client's apiError all the same.

interface Item {
  key: number;
  name: string;
  size: number;
  progress: number;
  state: 'uploading' | 'done' | 'failed';
  fileId?: number;
  error?: string;
}

function send(file: File, onProgress: (fraction: number) => void): Promise<FileWithStatus> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/api/files');
    request.setRequestHeader('Accept', 'application/json');
    const bearer = token.get();
    if (bearer !== null) request.setRequestHeader('Authorization', `Bearer ${bearer}`);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onerror = () => reject(new Error('The upload broke off (network error).'));
    request.onload = () => {
      const response = new Response(request.responseText, {
        status: request.status,
        headers: { 'Content-Type': request.getResponseHeader('Content-Type') ?? 'application/json' },
      });
      if (request.status === 201) resolve(JSON.parse(request.responseText) as FileWithStatus);
      else
        void apiError(response).then((error) => {
          noticeRefusal(error);
          reject(error);
        });
    };
    const form = new FormData();
    form.set('file', file, file.name);
    request.send(form);
  });
}

let nextKey = 1;

export function UploadView() {
  const heading = useFocusHeading('upload');
  const [items, setItems] = useState<Item[]>([]);
  const [dragging, setDragging] = useState(false);

  const update = (key: number, change: Partial<Item>): void =>
    setItems((current) => current.map((item) => (item.key === key ? { ...item, ...change } : item)));

  const upload = async (files: File[]): Promise<void> => {
    const queued = files.map((file) => ({ key: nextKey++, file }));
    setItems((current) => [
      ...queued.map(({ key, file }) => ({
        key,
        name: file.name,
        size: file.size,
        progress: 0,
        state: 'uploading' as const,
      })),
      ...current,
    ]);
    let lastId: number | null = null;
    for (const { key, file } of queued) {
      try {
        const created = await send(file, (progress) => update(key, { progress }));
        lastId = created.file.id;
        update(key, { progress: 1, state: 'done', fileId: created.file.id });
      } catch (error) {
        update(key, { state: 'failed', error: describeError(error) });
      }
    }
    // One file: follow it live on its page. Several: stay, each row links to its file.
    if (queued.length === 1 && lastId !== null) navigate(href(`files/${lastId}`));
  };

  return (
    <section class="view" aria-labelledby="upload-heading">
      <h1 id="upload-heading" ref={heading} tabIndex={-1}>
        Upload
      </h1>
      <label
        class={`dropzone${dragging ? ' dropzone-active' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          const files = [...(event.dataTransfer?.files ?? [])];
          if (files.length > 0) void upload(files);
        }}
      >
        <svg class="dropzone-icon" viewBox="0 0 24 24" aria-hidden="true">
          <path d="M12 16V4m0 0-5 5m5-5 5 5M4 16v3a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-3" />
        </svg>
        <strong>Drop documents here</strong>
        <span class="muted">
          or press to choose files. Each one is stored, hashed and run through the workflow.
        </span>
        <input
          type="file"
          multiple
          class="visually-hidden-input"
          onChange={(event) => {
            const files = [...(event.currentTarget.files ?? [])];
            event.currentTarget.value = '';
            if (files.length > 0) void upload(files);
          }}
        />
      </label>
      {items.length > 0 ? (
        <ul class="uploads">
          {items.map((item) => (
            <li key={item.key} class={`upload upload-${item.state}`}>
              <span class="upload-name">
                {item.fileId !== undefined ? (
                  <a href={href(`files/${item.fileId}`)}>{item.name}</a>
                ) : (
                  item.name
                )}
              </span>
              <progress max={1} value={item.progress} aria-label={`Upload of ${item.name}`} />
              <span class="upload-state">
                {item.state === 'uploading'
                  ? `${Math.round(item.progress * 100)} %`
                  : item.state === 'done'
                    ? 'Uploaded'
                    : `Failed: ${item.error ?? ''}`}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">
          Pipelines that store files themselves register them with <code>POST /api/files</code> (JSON)
          instead.
        </p>
      )}
    </section>
  );
}
