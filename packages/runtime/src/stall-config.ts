import { DEFAULT_AGEING_PERCENT, DEFAULT_STALL_WINDOW_MS, type StallPolicy } from '@steptrail/domain';
import { z } from 'zod';
import { envInteger, envJson, envMilliseconds } from './env-helpers.js';

const WEEK_MS = 7 * 24 * 3_600_000;
const window = z.number().int().min(1_000).max(WEEK_MS);
const name = z.string().regex(/^[a-z0-9*][a-z0-9_.-]{0,127}$/, 'a step or workflow name');

/**
 * The stall settings every app that sweeps or lists stuck work reads (docs/architecture.md#stalls); apps extend
 * their environment schema with these and pass the result to `stallSettingsOf`.
 */
export const stallEnv = {
  /** How long an in-progress step may go without an event or heartbeat before it fails as stalled. */
  STALL_WINDOW_MS: envMilliseconds(1_000, WEEK_MS).default(DEFAULT_STALL_WINDOW_MS),
  /** Per step, e.g. {"extract_metadata_with_gpt": 1800000}. */
  STALL_WINDOWS_MS: envJson(z.record(name, window)).default({}),
  /** Per workflow, per step or `*` for all its steps, e.g. {"ocr-heavy": {"*": 3600000}}. */
  STALL_WINDOWS_BY_WORKFLOW_MS: envJson(z.record(name, z.record(name, window))).default({}),
  /** A runnable step nobody claimed for this long is listed by GET /api/stuck (never failed). */
  UNCLAIMED_AFTER_MS: envMilliseconds(1_000, WEEK_MS).default(DEFAULT_STALL_WINDOW_MS),
  /** An in-progress step silent for this percentage of its window is listed as ageing (100: only once stalled). */
  STALL_AGEING_PERCENT: envInteger(1, 100).default(DEFAULT_AGEING_PERCENT),
  /** How often this process sweeps for stalled steps; 0 turns its sweep off. */
  STALL_SWEEP_INTERVAL_MS: envMilliseconds(0, 3_600_000).default(30_000),
};

export interface StallSettings {
  policy: StallPolicy;
  /** 0: this process does not sweep. */
  sweepIntervalMs: number;
}

type StallEnv = { [K in keyof typeof stallEnv]: z.output<(typeof stallEnv)[K]> };

export function stallSettingsOf(env: StallEnv): StallSettings {
  return {
    policy: {
      defaultWindowMs: env.STALL_WINDOW_MS,
      stepWindowsMs: env.STALL_WINDOWS_MS,
      workflowWindowsMs: env.STALL_WINDOWS_BY_WORKFLOW_MS,
      unclaimedAfterMs: env.UNCLAIMED_AFTER_MS,
      ageingPercent: env.STALL_AGEING_PERCENT,
    },
    sweepIntervalMs: env.STALL_SWEEP_INTERVAL_MS,
  };
}
