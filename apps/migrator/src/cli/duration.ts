const UNIT_MS = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;

export type DurationUnit = keyof typeof UNIT_MS;

export interface Duration {
  /** As written on the command line, e.g. "90d". */
  text: string;
  ms: number;
}

export const DURATION_FORMS = 'a whole number followed by s, m, h, d or w (e.g. 90d, 12h, 2w)';

/** Parses "90d"-style durations; null when the text is not one. */
export function parseDuration(text: string): Duration | null {
  const match = /^(\d{1,9})([smhdw])$/.exec(text.trim());
  if (match === null) return null;
  const [, amount = '', unit = ''] = match;
  const ms = Number(amount) * UNIT_MS[unit as DurationUnit];
  return ms > 0 ? { text: text.trim(), ms } : null;
}
