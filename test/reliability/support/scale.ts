/**
 * How big the reliability suite runs. `small` (the default) is what every test run and CI pay for: each
 * scenario at a size that still exercises its failure mode. `full` is `pnpm test:reliability`: the sizes the
 * README's figures come from. This file is the suite's config: the only place it reads the environment.
 */
export type ReliabilityScale = 'small' | 'full';

const SCALES: readonly ReliabilityScale[] = ['small', 'full'];

function readScale(value: string | undefined): ReliabilityScale {
  if (value === undefined || value === '') return 'small';
  if ((SCALES as readonly string[]).includes(value)) return value as ReliabilityScale;
  throw new Error(
    `STEPTRAIL_RELIABILITY_SCALE is ${JSON.stringify(value)}; allowed: ${SCALES.join(', ')} (unset means small)`,
  );
}

export const scale: ReliabilityScale = readScale(process.env['STEPTRAIL_RELIABILITY_SCALE']);

/** The value for this run's scale: `bySize({ small: 50, full: 1_000 })`. */
export function bySize<T>(sizes: { readonly small: T; readonly full: T }): T {
  return sizes[scale];
}

/**
 * The seed of the suites' random choices (which process to kill, when, which files get external events):
 * `STEPTRAIL_RELIABILITY_SEED`, else a new one per run. Suites print it, so a failing run can be replayed.
 */
export const seed: number = readSeed(process.env['STEPTRAIL_RELIABILITY_SEED']);

function readSeed(value: string | undefined): number {
  if (value === undefined || value === '') return Math.floor(Math.random() * 2 ** 31);
  if (/^\d{1,10}$/.test(value) && Number(value) < 2 ** 32) return Number(value);
  throw new Error(
    `STEPTRAIL_RELIABILITY_SEED is ${JSON.stringify(value)}; allowed: an integer from 0 to ${2 ** 32 - 1}`,
  );
}
