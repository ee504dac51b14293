import { useEffect, useRef, useState } from 'preact/hooks';
import type { LiveEvent } from '@steptrail/client';
import { liveState, onLiveState, subscribe, type LiveState } from './connection.js';

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
 * A function that runs `action` `delayMs` after its first call; calls meanwhile join that run. So the action always
 * runs after the latest call, and a steady stream of calls (a busy worker) still runs it every `delayMs`.
 */
export function useCoalesced(action: () => void, delayMs = 250): () => void {
  const latest = useRef(action);
  latest.current = action;
  const timer = useRef<number | null>(null);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  return () => {
    timer.current ??= window.setTimeout(() => {
      timer.current = null;
      latest.current();
    }, delayMs);
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
