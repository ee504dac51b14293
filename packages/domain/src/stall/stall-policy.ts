/**
 * How long an in-progress step may stay silent (no event, no heartbeat) before it counts as stalled, and how long a
 * runnable step may wait for a worker before it is listed as unclaimed (docs/architecture.md#stalls).
 */
export interface StallPolicy {
  /** The stall window of a step nothing more specific names. */
  defaultWindowMs: number;
  /** Per step name, in every workflow. */
  stepWindowsMs: Readonly<Record<string, number>>;
  /** Per workflow name: per step name, or `*` for every step of that workflow; wins over stepWindowsMs. */
  workflowWindowsMs: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** A runnable step unclaimed for longer than this is listed (never failed). */
  unclaimedAfterMs: number;
  /**
   * The share (in percent, 1 to 100) of its stall window an in-progress step may be silent before it is listed as
   * ageing: not failed, a warning that it will be if nothing arrives. 100 lists it only once it stalled.
   */
  ageingPercent: number;
}

export const DEFAULT_STALL_WINDOW_MS = 10 * 60_000;
/** Half the window: a step silent for 5 of its 10 minutes is listed as ageing (docs/architecture.md#stalls). */
export const DEFAULT_AGEING_PERCENT = 50;

export const DEFAULT_STALL_POLICY: StallPolicy = Object.freeze({
  defaultWindowMs: DEFAULT_STALL_WINDOW_MS,
  stepWindowsMs: Object.freeze({}),
  workflowWindowsMs: Object.freeze({}),
  unclaimedAfterMs: DEFAULT_STALL_WINDOW_MS,
  ageingPercent: DEFAULT_AGEING_PERCENT,
});

/** How long a step with this stall window may be silent before it is listed as ageing. */
export function ageingAfterMs(policy: StallPolicy, windowMs: number): number {
  return Math.floor((windowMs * policy.ageingPercent) / 100);
}

/** The stall window of one step of a file of this workflow: workflow and step, workflow, step, default. */
export function stallWindowMs(policy: StallPolicy, workflowName: string, stepName: string): number {
  const workflow = policy.workflowWindowsMs[workflowName];
  return workflow?.[stepName] ?? workflow?.['*'] ?? policy.stepWindowsMs[stepName] ?? policy.defaultWindowMs;
}

/** The shortest window any step can have: steps silent for less than this are not stalled, whatever they are. */
export function shortestStallWindowMs(policy: StallPolicy): number {
  const all = [
    policy.defaultWindowMs,
    ...Object.values(policy.stepWindowsMs),
    ...Object.values(policy.workflowWindowsMs).flatMap((steps) => Object.values(steps)),
  ];
  return Math.min(...all);
}

/** `1h 2m 3s`, `4m 5s`, `6s`: an age or a window in words for history rows and listings. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const parts: string[] = [];
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (hours > 0) parts.push(`${hours}h`);
  if (minutes > 0) parts.push(`${minutes}m`);
  if (seconds % 60 > 0 || parts.length === 0) parts.push(`${seconds % 60}s`);
  return parts.join(' ');
}
