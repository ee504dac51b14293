/** The history message of a scheduled retry; `retryScheduledAt` reads the time back (docs/architecture.md#timings). */
export const retryScheduledMessage = (attempt: number, at: Date): string =>
  `Retry ${attempt} scheduled for ${at.toISOString()}`;

const RETRY_MESSAGE = /^Retry \d+ scheduled for (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)$/;

/** The time a retry message schedules its step for, or null when the message is no retry message. */
export function retryScheduledAt(message: string | null): Date | null {
  const match = message === null ? null : RETRY_MESSAGE.exec(message);
  if (match?.[1] === undefined) return null;
  const at = new Date(match[1]);
  return Number.isNaN(at.getTime()) ? null : at;
}
