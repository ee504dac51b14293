import { hostname, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parseStepName } from '@steptrail/domain';
import { databaseEnv, parseEnv, processEnv, type DatabaseTarget } from '@steptrail/runtime';
import { z } from 'zod';
import { destinationListSchema, type DestinationConfig } from './destinations/destination-config.js';

/** A JSON-valued variable: parse errors and schema errors are reported like any other problem. */
const json = <S extends z.ZodType>(schema: S) =>
  z
    .string()
    .transform((text, context): unknown => {
      try {
        return JSON.parse(text);
      } catch (error) {
        context.addIssue({ code: 'custom', message: `not valid JSON (${(error as Error).message})` });
        return z.NEVER;
      }
    })
    .pipe(schema);

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? null : value.trim()));
const stepName = z.string().refine((value) => parseStepName(value).ok, { message: 'not a valid step name' });

const schema = (cwd: string) =>
  databaseEnv(cwd).extend({
    WORKER_ID: optionalText,
    WORKER_CONCURRENCY: int(1, 256).default(4),
    /** How many steps one claim transaction takes at most; defaults to the free slots. */
    CLAIM_BATCH_SIZE: int(1, 256).optional(),
    LEASE_MS: int(1_000, 3_600_000).default(30_000),
    /** How often held leases are renewed; defaults to a third of the lease. */
    HEARTBEAT_MS: int(100, 3_600_000).optional(),
    /** How often expired leases are looked for; defaults to half the lease, so a dead worker's step is back within two leases. */
    REAPER_INTERVAL_MS: int(100, 3_600_000).optional(),
    POLL_INTERVAL_MS: int(10, 60_000).default(250),
    SHUTDOWN_GRACE_MS: int(0, 3_600_000).default(10_000),
    /** A handler still running after this long is abandoned and the attempt counts as a transient failure. */
    STEP_TIMEOUT_MS: int(1_000, 86_400_000).default(3_600_000),
    MAX_ATTEMPTS: int(1, 100).default(5),
    /** Per-step overrides, e.g. {"upload_to_s3": 10, "extract_metadata_with_gpt": 3}. */
    MAX_ATTEMPTS_BY_STEP: json(z.record(stepName, int(1, 100))).default({}),
    RETRY_BASE_MS: int(1, 3_600_000).default(2_000),
    RETRY_MAX_MS: int(1, 86_400_000).default(300_000),
    STORAGE_DIR: z.string().default('./data/storage'),
    WORK_DIR: optionalText,
    PROCESSED_DIR: z.string().default('./data/processed'),
    SCRATCH_DIR: optionalText,
    DESTINATIONS: json(destinationListSchema).default([]),
    /** Configuration handed to each step's handler, keyed by step name. */
    STEP_CONFIG: json(z.record(stepName, z.unknown())).default({}),
    /** Modules (paths or package names) whose exported `handlers` are registered next to the built-in ones. */
    WORKER_PLUGINS: optionalText,
    OPENAI_BASE_URL: optionalText.pipe(z.url().nullable()),
    OPENAI_API_KEY: optionalText,
    OPENAI_MODEL: optionalText,
    OPENAI_TIMEOUT_MS: int(1_000, 600_000).default(60_000),
    OCR_ENABLED: flag.default(true),
    OCR_LANGUAGES: z
      .string()
      .regex(/^[a-z_]+(\+[a-z_]+)*$/, 'Tesseract languages such as eng or eng+deu')
      .default('eng'),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  });

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface OpenAiConfig {
  baseUrl: string | null;
  apiKey: string;
  model: string;
  timeoutMs: number;
}

/** Everything the worker needs, validated and with defaults filled in. */
export interface WorkerConfig {
  database: DatabaseTarget;
  workerId: string;
  concurrency: number;
  claimBatchSize: number;
  leaseMs: number;
  heartbeatMs: number;
  reaperIntervalMs: number;
  pollIntervalMs: number;
  shutdownGraceMs: number;
  stepTimeoutMs: number;
  maxAttempts: number;
  maxAttemptsByStep: Readonly<Record<string, number>>;
  retryBaseMs: number;
  retryMaxMs: number;
  storageDir: string;
  workDir: string;
  processedDir: string;
  scratchDir: string;
  destinations: readonly DestinationConfig[];
  stepConfig: Readonly<Record<string, unknown>>;
  plugins: readonly string[];
  /** Null when no model is configured: the rules-based extractor runs. */
  openai: OpenAiConfig | null;
  ocr: { enabled: boolean; languages: string };
  logLevel: LogLevel;
}

/** Parses a worker environment; throws ConfigError listing every problem at once. */
export function parseWorkerConfig(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): WorkerConfig {
  const raw = parseEnv(schema(cwd).superRefine(checkOpenAi), env);
  const path = (value: string) => (isAbsolute(value) ? value : resolve(cwd, value));
  const storageDir = path(raw.STORAGE_DIR);
  return {
    database: raw.DATABASE_URL,
    workerId: raw.WORKER_ID ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 6)}`,
    concurrency: raw.WORKER_CONCURRENCY,
    claimBatchSize: raw.CLAIM_BATCH_SIZE ?? raw.WORKER_CONCURRENCY,
    leaseMs: raw.LEASE_MS,
    heartbeatMs: raw.HEARTBEAT_MS ?? Math.max(100, Math.floor(raw.LEASE_MS / 3)),
    reaperIntervalMs: raw.REAPER_INTERVAL_MS ?? Math.max(100, Math.floor(raw.LEASE_MS / 2)),
    pollIntervalMs: raw.POLL_INTERVAL_MS,
    shutdownGraceMs: raw.SHUTDOWN_GRACE_MS,
    stepTimeoutMs: raw.STEP_TIMEOUT_MS,
    maxAttempts: raw.MAX_ATTEMPTS,
    maxAttemptsByStep: raw.MAX_ATTEMPTS_BY_STEP,
    retryBaseMs: raw.RETRY_BASE_MS,
    retryMaxMs: Math.max(raw.RETRY_BASE_MS, raw.RETRY_MAX_MS),
    storageDir,
    workDir: raw.WORK_DIR === null ? join(storageDir, 'work') : path(raw.WORK_DIR),
    processedDir: path(raw.PROCESSED_DIR),
    scratchDir: raw.SCRATCH_DIR === null ? join(tmpdir(), 'steptrail-worker') : path(raw.SCRATCH_DIR),
    destinations: raw.DESTINATIONS.map((destination) =>
      destination.type === 'local' ? { ...destination, path: path(destination.path) } : destination,
    ),
    stepConfig: raw.STEP_CONFIG,
    plugins: (raw.WORKER_PLUGINS ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
      .map((entry) => (entry.startsWith('.') ? path(entry) : entry)),
    openai:
      raw.OPENAI_MODEL === null
        ? null
        : {
            baseUrl: raw.OPENAI_BASE_URL,
            apiKey: raw.OPENAI_API_KEY ?? '',
            model: raw.OPENAI_MODEL,
            timeoutMs: raw.OPENAI_TIMEOUT_MS,
          },
    ocr: { enabled: raw.OCR_ENABLED, languages: raw.OCR_LANGUAGES },
    logLevel: raw.LOG_LEVEL,
  };
}

/** The worker configuration from this process's environment: the only place the worker reads it. */
export function loadWorkerConfig(cwd: string = process.cwd()): WorkerConfig {
  return parseWorkerConfig(processEnv(), cwd);
}

function checkOpenAi(
  raw: { OPENAI_MODEL: string | null; OPENAI_API_KEY: string | null; OPENAI_BASE_URL: string | null },
  context: z.RefinementCtx,
): void {
  // A key without a base URL talks to api.openai.com; a local endpoint (Ollama, vLLM) may need no key.
  if (raw.OPENAI_MODEL !== null && raw.OPENAI_API_KEY === null && raw.OPENAI_BASE_URL === null) {
    context.addIssue({
      code: 'custom',
      path: ['OPENAI_API_KEY'],
      message:
        'OPENAI_MODEL is set but neither OPENAI_API_KEY nor OPENAI_BASE_URL is: set a key, or the base URL of a local endpoint',
    });
  }
  if (raw.OPENAI_MODEL === null && (raw.OPENAI_API_KEY !== null || raw.OPENAI_BASE_URL !== null)) {
    context.addIssue({
      code: 'custom',
      path: ['OPENAI_MODEL'],
      message: 'OPENAI_API_KEY or OPENAI_BASE_URL is set but OPENAI_MODEL is not: name the model to use',
    });
  }
}
