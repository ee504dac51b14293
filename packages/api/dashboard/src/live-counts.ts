import { useEffect, useState } from 'preact/hooks';
import type { FileCounts } from '@steptrail/client';
import { client, subscribe } from './connection.js';

// Files per status for the whole database, shared by the status chips and the overview tiles
// (docs/architecture.md#status-counts). Read from GET /api/counts, which counts at the request: after a live `file`
// message the next read includes its change. Reads start at most every READ_GAP_MS while changes arrive (never
// postponed by a steady stream), one at a time: changes seen while a read is out start the next one when it ends,
// so a database slow to count gets one request at a time from a page, not one per gap. An answer older than one
// already shown is dropped, so counts never go back.

const READ_GAP_MS = 250;

let counts: FileCounts | null = null;
let failure: unknown = null;
let started = 0;
let shown = 0;
let timer: number | null = null;
let reading = false;
let changedMeanwhile = false;
const listeners = new Set<() => void>();

function read(): void {
  const number = (started += 1);
  reading = true;
  client()
    .countFiles()
    .then((answer) => {
      if (number < shown) return;
      shown = number;
      counts = answer;
      failure = null;
      for (const listener of listeners) listener();
    })
    .catch((error: unknown) => {
      failure = error;
      for (const listener of listeners) listener();
    })
    .finally(() => {
      reading = false;
      if (!changedMeanwhile) return;
      changedMeanwhile = false;
      refreshCounts();
    });
}

/**
 * Schedules one read after the changes seen so far; calls while one is scheduled join it, and calls while a read is
 * out schedule the next when it ends.
 */
export function refreshCounts(): void {
  if (reading) {
    changedMeanwhile = true;
    return;
  }
  timer ??= window.setTimeout(() => {
    timer = null;
    if (reading) changedMeanwhile = true;
    else read();
  }, READ_GAP_MS);
}

subscribe((event) => {
  // `ready` after a (re)connect: changes made while the stream was down are in no message.
  if (event.event === 'file' || event.event === 'ready') refreshCounts();
});

/** The latest counts (null until the first answer) and the error of the last read, if it failed. */
export function useCounts(): { counts: FileCounts | null; error: unknown } {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const listener = (): void => setVersion((value) => value + 1);
    listeners.add(listener);
    if (counts === null && !reading) read();
    return () => listeners.delete(listener);
  }, []);
  return { counts, error: failure };
}
