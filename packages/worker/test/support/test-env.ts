import { z } from 'zod';

// The one place these tests read the environment: under CI a test server that cannot start fails the run.
const parsed = z.object({ CI: z.string().optional() }).parse(process.env);

export const onCi = parsed.CI === 'true' || parsed.CI === '1';

/** Outside CI a server that cannot start skips its tests with the reason; on CI it is a failure. */
export function skipUnlessCi(reason: string | null): string | null {
  if (reason !== null && onCi) throw new Error(`${reason} (CI=true: every destination server must run)`);
  return reason;
}
