import { pino, type DestinationStream, type Logger } from 'pino';

export type { DestinationStream, Logger } from 'pino';

/** pino's levels; `silent` turns logging off. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  level: LogLevel;
  /** The `service` field of every line: which app wrote it (`steptrail-api`, `steptrail-worker`, …). */
  service: string;
  /** Where JSON lines go instead of stdout (tests collect them). */
  destination?: DestinationStream;
}

/**
 * The one log setup of every app: JSON lines with an ISO time, the service name and pino's level numbers, and
 * secrets that might reach a line censored. One process running several apps writes one format.
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'authorization'],
      censor: '[redacted]',
    },
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}
