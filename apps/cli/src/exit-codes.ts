/** Like steptrail-migrate: 0 done, 1 the API refused (not found, forbidden, invalid), 2 usage or no API. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
