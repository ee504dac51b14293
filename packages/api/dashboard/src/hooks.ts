import { useEffect, useRef, useState } from 'preact/hooks';
import { liveState, onLiveState, subscribe, type LiveEvent, type LiveState } from './api/live.js';

/** Calls the latest `handler` for every live event while the component is mounted. */
export function useLiveEvents(handler: (event: LiveEvent) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => subscribe((event) => latest.current(event)), []);
}

export function useLiveState(): LiveState {
  const [state, setState] = useState(liveState());
  useEffect(() => onLiveState(setState), []);
  return state;
}

/**
 * A function that runs `action` once `delayMs` after the last call, and again `settleMs` later: the API's status
 * counts may be up to COUNTS_MAX_AGE_MS old, so a second read makes them agree with the list.
 */
export function useCoalesced(action: () => void, delayMs = 250, settleMs = 2500): () => void {
  const latest = useRef(action);
  latest.current = action;
  const timers = useRef<number[]>([]);
  useEffect(() => () => timers.current.forEach((id) => clearTimeout(id)), []);
  return () => {
    timers.current.forEach((id) => clearTimeout(id));
    timers.current = [
      window.setTimeout(() => latest.current(), delayMs),
      window.setTimeout(() => latest.current(), delayMs + settleMs),
    ];
  };
}

/** Re-renders every `ms` (relative times, running bars). */
export function useTick(ms: number, active = true): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const id = window.setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms, active]);
  return now;
}

/** Focuses the view's heading when the view changes, so keyboard and screen-reader users start there. */
export function useFocusHeading(key: string) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: false });
  }, [key]);
  return ref;
}
