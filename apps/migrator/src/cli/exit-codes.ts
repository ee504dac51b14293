/** The process exit codes, one meaning each (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  /** Discrepancies found, files that failed to migrate, or a fault while running. */
  problems: 1,
  /** The command line or the configuration is wrong; nothing was done. */
  usage: 2,
  /** Stopped by Ctrl-C or SIGTERM after finishing the batch in hand; the same command continues. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
