import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request a piece of work belongs to, carried through every callback and promise started while serving it
 * (docs/architecture.md#faults): what escapes every handler is logged by the process safety net with the request
 * id that the response's X-Request-Id and the request's own log lines carry.
 */
const scope = new AsyncLocalStorage<{ readonly requestId: string }>();

/** Runs `work` (and everything it starts) as part of request `requestId`. */
export function runInRequestScope<T>(requestId: string, work: () => T): T {
  return scope.run({ requestId }, work);
}

/** The id of the request the running code serves, or undefined outside any request. */
export function currentRequestId(): string | undefined {
  return scope.getStore()?.requestId;
}
