import { expect } from 'vitest';

export interface ErrorJson {
  error: {
    code: string;
    message: string;
    details?: { problems?: Array<{ path: string; code: string; message: string }> } & Record<string, unknown>;
  };
}

export const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  ...json(body, headers),
});

/** Reads a JSON response and checks its status first, showing the body when it differs. */
export async function expectJson<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  expect({ status: response.status, body: text }).toMatchObject({ status });
  return JSON.parse(text) as T;
}

/** An error response: status, code, the one error shape, and never a stack trace. */
export async function expectError(response: Response, status: number, code: string): Promise<ErrorJson> {
  const body = await expectJson<ErrorJson>(response, status);
  expect(body.error.code).toBe(code);
  expect(Object.keys(body)).toEqual(['error']);
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at |\.ts:\d+|node:internal/);
  return body;
}
