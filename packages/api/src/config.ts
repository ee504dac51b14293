import { WEBHOOK_RETRY, WorkflowCatalog, type WorkflowDefinition } from '@steptrail/domain';
import {
  accessEnv,
  ConfigError,
  databaseLostEnv,
  databaseEnv,
  envInteger,
  envJson,
  envLogLevel,
  envMilliseconds,
  envPath,
  envPort,
  isLoopbackHost,
  processEnv,
  stallEnv,
  stallSettingsOf,
  type DatabaseTarget,
  type StallSettings,
  type LogLevel,
  unauthenticatedHostProblem,
} from '@steptrail/runtime';
import { z } from 'zod';
import type { ApiToken } from './http/auth/api-tokens.js';

// The one file of the API that reads the environment. Everything else receives an ApiConfig.

export interface ApiConfig {
  database: DatabaseTarget;
  host: string;
  port: number;
  /** Where uploads are stored, one file per content hash. */
  storageDir: string;
  /** Where the worker stores processed documents; downloads are served from here only (docs/architecture.md#downloads). */
  processedDir: string;
  maxUploadBytes: number;
  maxJsonBytes: number;
  /** Empty means authentication is off, which config parsing allows only on a loopback HOST or when opted out. */
  tokens: readonly ApiToken[];
  /** ALLOW_UNAUTHENTICATED: no tokens on a non-loopback HOST, said in a warning at start-up. */
  allowUnauthenticated: boolean;
  logLevel: LogLevel;
  workflows: WorkflowCatalog;
  events: { pollMs: number; heartbeatMs: number; gapGraceMs: number };
  shutdownTimeoutMs: number;
  /** How long the database may stay unreachable before the process stops (docs/architecture.md#faults); 0 never. */
  databaseLostAfterMs: number;
  /**
   * How long a client may take to send a whole request, and its headers: a slower or never-finished request is
   * answered 408 and its connection closed (docs/architecture.md#slow-clients).
   */
  requestTimeouts: { requestMs: number; headersMs: number };
  countsMaxAgeMs: number;
  /** Pause between passes of the rollup reconciler (docs/architecture.md#foreign-writes); 0 runs none here. */
  reconcileIntervalMs: number;
  /** The webhook dispatcher (docs/architecture.md#webhooks): poll pause, send timeout, attempts and backoff. */
  webhooks: { pollMs: number; timeoutMs: number; maxAttempts: number; baseMs: number; maxMs: number };
  /** Connections per process for PostgreSQL and MySQL. */
  poolSize: number | undefined;
  /** Stall windows, the unclaimed threshold, and how often this process sweeps (docs/architecture.md#stalls). */
  stall: StallSettings;
  /** Bulk operations: files per chunk (one transaction), the pause after a chunk, how often to look for work. */
  bulk: { chunkSize: number; pauseMs: number; pollMs: number };
}

const text = z.string().trim();

// A profile is its steps, or {steps, strict} for one that refuses events outside it (docs/architecture.md#strict-workflows).
const workflowShape = z.record(
  z.string(),
  z.union([
    z.array(z.string()),
    z.strictObject({ steps: z.array(z.string()), strict: z.boolean().optional() }),
  ]),
  {
    error:
      'must be a JSON object mapping profile names to arrays of step names, like {"profile":["step_a","step_b"]}, ' +
      'or to {"steps": [...], "strict": true}',
  },
);
const workflowDefinitions = envJson(workflowShape)
  .optional()
  .transform((value) => value ?? {});

const MIN_REQUEST_TIMEOUT_MS = 1000;

const MAX_FILE_SIZE = 2_147_483_647; // files.file_size is a 32-bit integer column

const schema = (cwd: string) =>
  databaseEnv(cwd)
    .extend({
      HOST: text.min(1).default('127.0.0.1'),
      PORT: envPort().default(3000),
      STORAGE_DIR: envPath(cwd, './data/storage'),
      PROCESSED_DIR: envPath(cwd, './data/processed'),
      MAX_UPLOAD_BYTES: envInteger(1, MAX_FILE_SIZE).default(100 * 1024 * 1024),
      MAX_JSON_BYTES: envInteger(1024, 64 * 1024 * 1024).default(1024 * 1024),
      // Tokens, and the explicit, logged opt-out of the loopback rule (docs/architecture.md#access).
      ...accessEnv,
      LOG_LEVEL: envLogLevel(),
      WORKFLOWS: workflowDefinitions,
      DEFAULT_WORKFLOW: text.min(1).optional(),
      EVENTS_POLL_MS: envMilliseconds(10, 60_000).default(1000),
      EVENTS_HEARTBEAT_MS: envMilliseconds(100, 300_000).default(15_000),
      EVENTS_GAP_GRACE_MS: envMilliseconds(0, 60_000).default(2000),
      SHUTDOWN_TIMEOUT_MS: envMilliseconds(0, 600_000).default(10_000),
      ...databaseLostEnv,
      REQUEST_TIMEOUT_MS: envMilliseconds(MIN_REQUEST_TIMEOUT_MS, 3_600_000).default(300_000),
      HEADERS_TIMEOUT_MS: envMilliseconds(MIN_REQUEST_TIMEOUT_MS, 600_000).default(60_000),
      COUNTS_MAX_AGE_MS: envMilliseconds(0, 3_600_000).default(2_000),
      RECONCILE_INTERVAL_MS: envMilliseconds(0, 60_000).default(250),
      DB_POOL_SIZE: envInteger(1, 200),
      ...stallEnv,
      BULK_CHUNK_SIZE: envInteger(1, 1000).default(100),
      BULK_PAUSE_MS: envMilliseconds(0, 60_000).default(0),
      BULK_POLL_MS: envMilliseconds(10, 60_000).default(1000),
      WEBHOOK_POLL_MS: envMilliseconds(10, 60_000).default(500),
      WEBHOOK_TIMEOUT_MS: envMilliseconds(100, 120_000).default(10_000),
      WEBHOOK_MAX_ATTEMPTS: envInteger(1, 100).default(WEBHOOK_RETRY.maxAttempts),
      WEBHOOK_RETRY_BASE_MS: envMilliseconds(10, 3_600_000).default(WEBHOOK_RETRY.baseMs),
      WEBHOOK_RETRY_MAX_MS: envMilliseconds(10, 86_400_000).default(WEBHOOK_RETRY.maxMs),
    })
    .superRefine(
      (env, ctx) => {
        // Runs even when other variables are wrong, so every problem is reported in one go.
        const unauthenticated = unauthenticatedHostProblem({
          hostVariable: 'HOST',
          host: env.HOST,
          tokens: env.API_TOKENS,
          allowUnauthenticated: env.ALLOW_UNAUTHENTICATED,
        });
        if (unauthenticated !== null)
          ctx.addIssue({ code: 'custom', path: ['API_TOKENS'], message: unauthenticated });
        // Node refuses a headers timeout longer than the request timeout; say so here, with both values
        // (only for values in range: one out of range is already reported).
        const { HEADERS_TIMEOUT_MS: headers, REQUEST_TIMEOUT_MS: whole } = env as Record<string, unknown>;
        if (
          typeof headers === 'number' &&
          typeof whole === 'number' &&
          Math.min(headers, whole) >= MIN_REQUEST_TIMEOUT_MS &&
          headers > whole
        ) {
          ctx.addIssue({
            code: 'custom',
            path: ['HEADERS_TIMEOUT_MS'],
            message: `(${headers}) must not be longer than REQUEST_TIMEOUT_MS (${whole})`,
          });
        }
        // Only well-formed definitions reach the domain's checks; a malformed one is already reported.
        if (workflowShape.safeParse(env.WORKFLOWS).success) {
          const catalog = buildCatalog(env.WORKFLOWS, env.DEFAULT_WORKFLOW);
          if (!catalog.ok)
            ctx.addIssue({ code: 'custom', path: ['WORKFLOWS'], message: catalog.error.message });
        }
      },
      { when: () => true },
    );

const buildCatalog = (definitions: Record<string, WorkflowDefinition>, defaultName: string | undefined) =>
  defaultName === undefined
    ? WorkflowCatalog.create(definitions)
    : WorkflowCatalog.create(definitions, defaultName);

/** 127.0.0.0/8, ::1 and localhost: only there may the API run without tokens (the runtime's rule). */
export { isLoopbackHost };

/** Parses the API's environment once; throws ConfigError listing every problem. */
export function parseApiConfig(env: Readonly<Record<string, string | undefined>>, cwd: string): ApiConfig {
  const parsed = schema(cwd).safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
    );
  }
  const values = parsed.data;
  const workflows = buildCatalog(values.WORKFLOWS, values.DEFAULT_WORKFLOW);
  if (!workflows.ok) throw new ConfigError([`WORKFLOWS: ${workflows.error.message}`]);
  return {
    database: values.DATABASE_URL,
    host: values.HOST,
    port: values.PORT,
    storageDir: values.STORAGE_DIR,
    processedDir: values.PROCESSED_DIR,
    maxUploadBytes: values.MAX_UPLOAD_BYTES,
    maxJsonBytes: values.MAX_JSON_BYTES,
    tokens: values.API_TOKENS,
    allowUnauthenticated: values.ALLOW_UNAUTHENTICATED,
    logLevel: values.LOG_LEVEL,
    workflows: workflows.value,
    events: {
      pollMs: values.EVENTS_POLL_MS,
      heartbeatMs: values.EVENTS_HEARTBEAT_MS,
      gapGraceMs: values.EVENTS_GAP_GRACE_MS,
    },
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
    databaseLostAfterMs: values.DATABASE_LOST_AFTER_MS,
    requestTimeouts: { requestMs: values.REQUEST_TIMEOUT_MS, headersMs: values.HEADERS_TIMEOUT_MS },
    countsMaxAgeMs: values.COUNTS_MAX_AGE_MS,
    reconcileIntervalMs: values.RECONCILE_INTERVAL_MS,
    webhooks: {
      pollMs: values.WEBHOOK_POLL_MS,
      timeoutMs: values.WEBHOOK_TIMEOUT_MS,
      maxAttempts: values.WEBHOOK_MAX_ATTEMPTS,
      baseMs: values.WEBHOOK_RETRY_BASE_MS,
      maxMs: values.WEBHOOK_RETRY_MAX_MS,
    },
    poolSize: values.DB_POOL_SIZE,
    stall: stallSettingsOf(values),
    bulk: { chunkSize: values.BULK_CHUNK_SIZE, pauseMs: values.BULK_PAUSE_MS, pollMs: values.BULK_POLL_MS },
  };
}

/** The configuration of this process, from its environment. */
export const loadApiConfig = (): ApiConfig => parseApiConfig(processEnv(), process.cwd());
