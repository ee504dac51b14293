import { hostname, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parseStepName } from '@steptrail/domain';
import {
  accessEnv,
  databaseLostEnv,
  databaseEnv,
  envFlag,
  envInteger,
  envJson,
  envList,
  envLogLevel,
  envMilliseconds,
  envOptionalText,
  envPath,
  envPort,
  envUrl,
  parseEnv,
  processEnv,
  unauthenticatedHostProblem,
  type ApiToken,
  type DatabaseTarget,
  type LogLevel,
} from '@steptrail/runtime';
import { z } from 'zod';
import { destinationListSchema, type DestinationConfig } from './destinations/destination-config.js';
import { DEFAULT_DOCUMENT_LIMITS, type DocumentLimits } from './documents/limits/document-limits.js';

const stepName = z.string().refine((value) => parseStepName(value).ok, { message: 'not a valid step name' });

const schema = (cwd: string) =>
  databaseEnv(cwd).extend({
    WORKER_ID: envOptionalText(),
    WORKER_CONCURRENCY: envInteger(1, 256).default(4),
    /** How many steps one claim transaction takes at most; defaults to the free slots. */
    CLAIM_BATCH_SIZE: envInteger(1, 256),
    LEASE_MS: envMilliseconds(1_000, 3_600_000).default(30_000),
    /** How often held leases are renewed; defaults to a third of the lease. */
    HEARTBEAT_MS: envMilliseconds(100, 3_600_000),
    /** How often expired leases are looked for; defaults to half the lease, so a dead worker's step is back within two leases. */
    REAPER_INTERVAL_MS: envMilliseconds(100, 3_600_000),
    POLL_INTERVAL_MS: envMilliseconds(10, 60_000).default(250),
    RECONCILE_INTERVAL_MS: envMilliseconds(0, 60_000).default(250),
    ...databaseLostEnv,
    SHUTDOWN_GRACE_MS: envMilliseconds(0, 3_600_000).default(10_000),
    /** A handler still running after this long is abandoned and the attempt counts as a transient failure. */
    STEP_TIMEOUT_MS: envMilliseconds(1_000, 86_400_000).default(3_600_000),
    MAX_ATTEMPTS: envInteger(1, 100).default(5),
    /** Per-step overrides, e.g. {"upload_to_s3": 10, "extract_metadata_with_gpt": 3}. */
    MAX_ATTEMPTS_BY_STEP: envJson(z.record(stepName, z.number().int().min(1).max(100))).default({}),
    RETRY_BASE_MS: envMilliseconds(1, 3_600_000).default(2_000),
    RETRY_MAX_MS: envMilliseconds(1, 86_400_000).default(300_000),
    STORAGE_DIR: envPath(cwd, './data/storage'),
    WORK_DIR: envOptionalText(),
    PROCESSED_DIR: envPath(cwd, './data/processed'),
    SCRATCH_DIR: envOptionalText(),
    DESTINATIONS: envJson(destinationListSchema).default([]),
    /** Configuration handed to each step's handler, keyed by step name. */
    STEP_CONFIG: envJson(z.record(stepName, z.unknown())).default({}),
    /** Modules (paths or package names) whose exported `handlers` are registered next to the built-in ones. */
    WORKER_PLUGINS: envList(),
    OPENAI_BASE_URL: envUrl(),
    OPENAI_API_KEY: envOptionalText(),
    OPENAI_MODEL: envOptionalText(),
    OPENAI_TIMEOUT_MS: envMilliseconds(1_000, 600_000).default(60_000),
    OCR_ENABLED: envFlag().default(true),
    OCR_LANGUAGES: z
      .string()
      .regex(/^[a-z_]+(\+[a-z_]+)*$/, 'Tesseract languages such as eng or eng+deu')
      .default('eng'),
    // The limits of every document process (docs/architecture.md#document-limits).
    DOCUMENT_MEMORY_MB: envInteger(64, 1_048_576).default(DEFAULT_DOCUMENT_LIMITS.memoryMb),
    DOCUMENT_TIMEOUT_MS: envMilliseconds(1_000, 86_400_000).default(DEFAULT_DOCUMENT_LIMITS.timeoutMs),
    DOCUMENT_MAX_PAGES: envInteger(1, 1_000_000).default(DEFAULT_DOCUMENT_LIMITS.maxPages),
    DOCUMENT_MAX_IMAGE_MEGAPIXELS: envInteger(1, 100_000).default(DEFAULT_DOCUMENT_LIMITS.maxImageMegapixels),
    LOG_LEVEL: envLogLevel(),
    /** The worker's own /metrics, /healthz and /readyz when it runs alone; 0 picks a free port (logged). */
    WORKER_METRICS_PORT: envPort().default(0),
    WORKER_METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
    // The API's rules for that port (docs/architecture.md#access): /metrics needs the read scope when tokens are set,
    // and a non-loopback WORKER_METRICS_HOST needs tokens unless ALLOW_UNAUTHENTICATED=true.
    ...accessEnv,
  });

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
  /** Pause between passes of the rollup reconciler (docs/architecture.md#foreign-writes); 0 runs none here. */
  reconcileIntervalMs: number;
  shutdownGraceMs: number;
  /** How long the database may stay unreachable before the process stops (docs/architecture.md#faults); 0 never. */
  databaseLostAfterMs: number;
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
  /** Memory, time, pages and pixels any document process may take (docs/architecture.md#document-limits). */
  documents: DocumentLimits;
  logLevel: LogLevel;
  /**
   * Where the worker serves /metrics, /healthz and /readyz when it runs alone (docs/architecture.md#metrics), and
   * the tokens /metrics asks for (none: open, allowed on loopback or with ALLOW_UNAUTHENTICATED).
   */
  observability: { host: string; port: number; tokens: readonly ApiToken[] };
}

/** Parses a worker environment; throws ConfigError listing every problem at once. */
export function parseWorkerConfig(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): WorkerConfig {
  const raw = parseEnv(schema(cwd).superRefine(checkOpenAi).superRefine(checkMetricsAccess), env);
  const path = (value: string) => (isAbsolute(value) ? value : resolve(cwd, value));
  const storageDir = raw.STORAGE_DIR;
  return {
    database: raw.DATABASE_URL,
    workerId: raw.WORKER_ID ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 6)}`,
    concurrency: raw.WORKER_CONCURRENCY,
    claimBatchSize: raw.CLAIM_BATCH_SIZE ?? raw.WORKER_CONCURRENCY,
    leaseMs: raw.LEASE_MS,
    heartbeatMs: raw.HEARTBEAT_MS ?? Math.max(100, Math.floor(raw.LEASE_MS / 3)),
    reaperIntervalMs: raw.REAPER_INTERVAL_MS ?? Math.max(100, Math.floor(raw.LEASE_MS / 2)),
    pollIntervalMs: raw.POLL_INTERVAL_MS,
    reconcileIntervalMs: raw.RECONCILE_INTERVAL_MS,
    shutdownGraceMs: raw.SHUTDOWN_GRACE_MS,
    databaseLostAfterMs: raw.DATABASE_LOST_AFTER_MS,
    stepTimeoutMs: raw.STEP_TIMEOUT_MS,
    maxAttempts: raw.MAX_ATTEMPTS,
    maxAttemptsByStep: raw.MAX_ATTEMPTS_BY_STEP,
    retryBaseMs: raw.RETRY_BASE_MS,
    retryMaxMs: Math.max(raw.RETRY_BASE_MS, raw.RETRY_MAX_MS),
    storageDir,
    workDir: raw.WORK_DIR === null ? join(storageDir, 'work') : path(raw.WORK_DIR),
    processedDir: raw.PROCESSED_DIR,
    scratchDir: raw.SCRATCH_DIR === null ? join(tmpdir(), 'steptrail-worker') : path(raw.SCRATCH_DIR),
    destinations: raw.DESTINATIONS.map((destination) =>
      destination.type === 'local' ? { ...destination, path: path(destination.path) } : destination,
    ),
    stepConfig: raw.STEP_CONFIG,
    plugins: raw.WORKER_PLUGINS.map((entry) => (entry.startsWith('.') ? path(entry) : entry)),
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
    documents: {
      memoryMb: raw.DOCUMENT_MEMORY_MB,
      timeoutMs: raw.DOCUMENT_TIMEOUT_MS,
      maxPages: raw.DOCUMENT_MAX_PAGES,
      maxImageMegapixels: raw.DOCUMENT_MAX_IMAGE_MEGAPIXELS,
    },
    logLevel: raw.LOG_LEVEL,
    observability: { host: raw.WORKER_METRICS_HOST, port: raw.WORKER_METRICS_PORT, tokens: raw.API_TOKENS },
  };
}

/** The worker configuration from this process's environment: the only place the worker reads it. */
export function loadWorkerConfig(cwd: string = process.cwd()): WorkerConfig {
  return parseWorkerConfig(processEnv(), cwd);
}

/** The API's loopback rule for the worker's own port (docs/architecture.md#access). */
function checkMetricsAccess(
  raw: { WORKER_METRICS_HOST: string; API_TOKENS: readonly ApiToken[]; ALLOW_UNAUTHENTICATED: boolean },
  context: z.RefinementCtx,
): void {
  const problem = unauthenticatedHostProblem({
    hostVariable: 'WORKER_METRICS_HOST',
    host: raw.WORKER_METRICS_HOST,
    tokens: raw.API_TOKENS,
    allowUnauthenticated: raw.ALLOW_UNAUTHENTICATED,
  });
  if (problem !== null) context.addIssue({ code: 'custom', path: ['API_TOKENS'], message: problem });
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
