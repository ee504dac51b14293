import { createHash, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { RunningApi } from './api-harness.js';
import { expectJson, post } from './http.js';

export interface FileJson {
  id: number;
  filehash: string;
  originalFilename: string | null;
  localFilename: string;
  fileSize: number;
  mimeType: string | null;
  isDuplicate: boolean;
  duplicateOfId: number | null;
  workflow: { name: string; steps: string[] };
  managed: boolean;
  lastStep: string | null;
  statusChangedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface OverallJson {
  status: string;
  hasErrors: boolean;
  totalSteps: number;
  completedSteps: number;
  failedSteps: number;
  inProgressSteps: number;
  skippedSteps: number;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A name no other test uses, so list queries can search for exactly this test's files. */
export const uniqueName = (label: string): string => `${label}-${randomUUID().slice(0, 8)}`;

/** Registers a file processed by an external pipeline (JSON body). */
export async function registerExternal(
  api: RunningApi,
  overrides: Record<string, unknown> = {},
): Promise<{ file: FileJson; status: OverallJson }> {
  const name = uniqueName('external');
  const response = await api.fetch(
    '/api/files',
    post({
      originalFilename: `${name}.pdf`,
      filehash: sha256(name),
      fileSize: 1234,
      mimeType: 'application/pdf',
      ...overrides,
    }),
  );
  return expectJson(response, 201);
}

export async function upload(
  api: RunningApi,
  content: string,
  filename: string,
  fields: Record<string, string> = {},
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  form.set('file', new Blob([content], { type: 'application/pdf' }), filename);
  return api.fetch('/api/files', { method: 'POST', body: form });
}

export async function recordEvent(
  api: RunningApi,
  fileId: number,
  body: Record<string, unknown>,
): Promise<Response> {
  return api.fetch(`/api/files/${fileId}/events`, post(body));
}

export async function recordOk(
  api: RunningApi,
  fileId: number,
  stepName: string,
  status: string,
  extra: Record<string, unknown> = {},
) {
  const response = await recordEvent(api, fileId, { stepName, status, ...extra });
  const body = await expectJson<{ step: Record<string, unknown>; status: OverallJson; logId: number }>(
    response,
    201,
  );
  expect(body.step['name']).toBe(stepName);
  return body;
}
