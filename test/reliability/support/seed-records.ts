import { createHash, randomBytes } from 'node:crypto';

/** Calls the API with a bearer token; fails on an answer other than `expected`. */
export async function call<T>(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  expected: readonly number[] = [200, 201, 202, 204],
): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!expected.includes(response.status)) {
    throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** Registers a file an external pipeline reports on; returns its id. */
export async function registerFile(url: string, token: string, name: string): Promise<number> {
  const created = await call<{ file: { id: number } }>(url, token, 'POST', '/api/files', {
    originalFilename: name,
    filehash: createHash('sha256').update(name).update(randomBytes(8)).digest('hex'),
    fileSize: 1234,
    mimeType: 'application/pdf',
  });
  return created.file.id;
}

export interface SeedEvent {
  stepName: string;
  status: string;
  occurredAt?: string;
  message?: string;
  errorMessage?: string;
  eventId?: string;
  taskId?: string;
}

export const postEvent = (url: string, token: string, fileId: number, event: SeedEvent): Promise<unknown> =>
  call(url, token, 'POST', `/api/files/${fileId}/events`, event);

/** The step names of a file's workflow, in order. */
export async function stepNames(url: string, token: string, fileId: number): Promise<string[]> {
  const { steps } = await call<{ steps: Record<string, unknown> }>(
    url,
    token,
    'GET',
    `/api/files/${fileId}/steps`,
  );
  return Object.keys(steps);
}

/**
 * Files with a history a hostile run must leave exactly as it is: finished, failed-then-recovered, skipped and
 * duplicate steps, unicode and long messages, client event ids, one uploaded document. None has a failed step
 * (a valid bulk retry may legitimately re-queue those) and none is running (the stall sweep may fail those).
 */
export async function seedProtectedFiles(url: string, token: string, tag: string): Promise<number[]> {
  const ids: number[] = [];
  const names = [
    'März ✓ 日本語.pdf',
    'invoice 2024-01.pdf',
    `${'long'.repeat(50)}.pdf`,
    'a\'b"c<d>.pdf',
    'plain.pdf',
  ];
  for (const [index, name] of names.entries())
    ids.push(await registerFile(url, token, `${tag}-${index}-${name}`));
  const [first, second, third, fourth, fifth] = ids as [number, number, number, number, number];
  const time = (minute: number): string => new Date(Date.UTC(2024, 0, 2, 3, minute, 5, 678)).toISOString();
  const steps = await stepNames(url, token, first);
  const [a = 'hash_file', b = 'extract_text', c = a] = steps;
  for (const id of [first, second, third]) {
    await postEvent(url, token, id, {
      stepName: a,
      status: 'in_progress',
      occurredAt: time(1),
      taskId: `task-${id}`,
    });
    await postEvent(url, token, id, {
      stepName: a,
      status: 'success',
      occurredAt: time(2),
      message: 'hashed ✓',
    });
    await postEvent(url, token, id, {
      stepName: b,
      status: 'failure',
      occurredAt: time(3),
      errorMessage: `OCR answered 503 — ${'é'.repeat(300)}`,
    });
    await postEvent(url, token, id, { stepName: b, status: 'in_progress', occurredAt: time(4) });
    await postEvent(url, token, id, {
      stepName: b,
      status: 'success',
      occurredAt: time(5),
      message: '12 pages',
    });
  }
  await postEvent(url, token, third, {
    stepName: c,
    status: 'skipped',
    occurredAt: time(6),
    message: 'not needed',
  });
  for (const [index, status] of ['in_progress', 'success'].entries()) {
    await postEvent(url, token, fourth, {
      stepName: a,
      status,
      occurredAt: time(7 + index),
      eventId: `evt-${tag}-${index}`,
    });
  }
  await postEvent(url, token, fourth, {
    stepName: 'outside_the_workflow',
    status: 'success',
    occurredAt: time(9),
  });
  await call(url, token, 'PATCH', `/api/files/${fifth}`, { isDuplicate: true, duplicateOfId: first });
  ids.push(await uploadFile(url, token, `${tag}-uploaded.pdf`));
  return ids;
}

/** Uploads a small document as multipart/form-data; returns the new file's id. */
export async function uploadFile(url: string, token: string, name: string): Promise<number> {
  const form = new FormData();
  form.append('file', new Blob([`%PDF-1.4\n% ${name} ${randomBytes(8).toString('hex')}\n%%EOF\n`]), name);
  const response = await fetch(`${url}/api/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`upload answered ${response.status}: ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { file: { id: number } }).file.id;
}
