import type { Backend, RunningApi } from '../api-harness.js';

/** What every part of the shared e2e suite gets: the backend and the API started for this backend's run. */
export interface SuiteContext {
  backend: Backend;
  api(): RunningApi;
  databaseUrl(): string | null;
}

/** Test-wide settings: small limits so 413s are cheap, and one extra workflow profile. */
export const SUITE_ENV: Record<string, string> = {
  MAX_UPLOAD_BYTES: '4096',
  MAX_JSON_BYTES: '4096',
  WORKFLOWS: JSON.stringify({
    short: ['hash_file', 'extract_text'],
    strict: { steps: ['hash_file', 'extract_text'], strict: true },
  }),
  EVENTS_HEARTBEAT_MS: '200',
  // Tests record events at chosen past times; a sweep would fail their in-progress steps under them.
  STALL_SWEEP_INTERVAL_MS: '0',
};
