import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './log-levels.js';

export type { DestinationStream, Logger } from 'pino';

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
