/** pino's levels; `silent` turns logging off. Apart from logger.ts so that parsing `LOG_LEVEL` loads no pino. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
