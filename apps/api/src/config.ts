import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { WorkflowCatalog } from '@steptrail/domain';
import { ConfigError, databaseEnv, processEnv, type DatabaseTarget } from '@steptrail/runtime';
import { z } from 'zod';
import { API_TOKENS_FORMAT, parseApiTokens, type ApiToken } from './http/auth/api-tokens.js';

// The one file of the API that reads the environment. Everything else receives an ApiConfig.

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ApiConfig {
  database: DatabaseTarget;
  host: string;
  port: number;
  /** Where uploads are stored, one file per content hash. */
  storageDir: string;
  maxUploadBytes: number;
  maxJsonBytes: number;
  /** Empty means authentication is off, which config parsing allows only on a loopback HOST. */
  tokens: readonly ApiToken[];
  logLevel: LogLevel;
  workflows: WorkflowCatalog;
  events: { pollMs: number; heartbeatMs: number; gapGraceMs: number };
  shutdownTimeoutMs: number;
  countsMaxAgeMs: number;
  /** Connections per process for PostgreSQL and MySQL. */
  poolSize: number | undefined;
  /** Whether `start.ts` also runs the worker in-process (when @steptrail/worker is installed). */
  startWorker: boolean;
}

const text = z.string().trim();
const integer = (min: number, max: number, fallback: number) =>
  text
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((value) => value ?? fallback);
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'must be true, false, 1 or 0' })
    .optional()
    .transform((value) => (value === undefined ? fallback : value === 'true' || value === '1'));

const workflowDefinitions = text.optional().transform((value, ctx): Record<string, string[]> => {
  if (value === undefined || value === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be JSON like {"profile":["step_a","step_b"]}' });
    return z.NEVER;
  }
  const shape = z.record(z.string(), z.array(z.string())).safeParse(parsed);
  if (shape.success) return shape.data;
  ctx.addIssue({
    code: 'custom',
    message: 'must be a JSON object mapping profile names to arrays of step names',
  });
  return z.NEVER;
});

const MAX_FILE_SIZE = 2_147_483_647; // files.file_size is a 32-bit integer column

const schema = (cwd: string) =>
  databaseEnv(cwd)
    .extend({
      HOST: text.min(1).default('127.0.0.1'),
      PORT: integer(0, 65_535, 3000),
      STORAGE_DIR: text
        .min(1)
        .default('./data/storage')
        .transform((dir) => resolve(cwd, dir)),
      MAX_UPLOAD_BYTES: integer(1, MAX_FILE_SIZE, 100 * 1024 * 1024),
      MAX_JSON_BYTES: integer(1024, 64 * 1024 * 1024, 1024 * 1024),
      API_TOKENS: text.optional().transform((value, ctx): ApiToken[] => {
        const { tokens, problems } = parseApiTokens(value ?? '');
        for (const problem of problems) ctx.addIssue({ code: 'custom', message: problem });
        return tokens;
      }),
      LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
      WORKFLOWS: workflowDefinitions,
      DEFAULT_WORKFLOW: text.min(1).optional(),
      EVENTS_POLL_MS: integer(10, 60_000, 1000),
      EVENTS_HEARTBEAT_MS: integer(100, 300_000, 15_000),
      EVENTS_GAP_GRACE_MS: integer(0, 60_000, 2000),
      SHUTDOWN_TIMEOUT_MS: integer(0, 600_000, 10_000),
      COUNTS_MAX_AGE_MS: integer(0, 3_600_000, 2_000),
      DB_POOL_SIZE: text
        .regex(/^\d+$/, 'must be a whole number')
        .transform(Number)
        .pipe(z.number().int().min(1).max(200))
        .optional(),
      START_WORKER: flag(true),
    })
    .superRefine(
      (env, ctx) => {
        // Runs even when other variables are wrong, so every problem is reported in one go.
        const tokens: unknown = env.API_TOKENS;
        const noTokens = !Array.isArray(tokens) || tokens.length === 0;
        if (typeof env.HOST === 'string' && noTokens && !isLoopbackHost(env.HOST)) {
          ctx.addIssue({
            code: 'custom',
            path: ['API_TOKENS'],
            message: `is required when HOST (${env.HOST}) is not a loopback address: ${API_TOKENS_FORMAT}`,
          });
        }
        const definitions: unknown = env.WORKFLOWS;
        if (typeof definitions === 'object' && definitions !== null) {
          const catalog = buildCatalog(env.WORKFLOWS, env.DEFAULT_WORKFLOW);
          if (!catalog.ok)
            ctx.addIssue({ code: 'custom', path: ['WORKFLOWS'], message: catalog.error.message });
        }
      },
      { when: () => true },
    );

const buildCatalog = (definitions: Record<string, string[]>, defaultName: string | undefined) =>
  defaultName === undefined
    ? WorkflowCatalog.create(definitions)
    : WorkflowCatalog.create(definitions, defaultName);

/** 127.0.0.0/8, ::1 and localhost: only there may the API run without tokens. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(bare);
  return false;
}

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
    maxUploadBytes: values.MAX_UPLOAD_BYTES,
    maxJsonBytes: values.MAX_JSON_BYTES,
    tokens: values.API_TOKENS,
    logLevel: values.LOG_LEVEL,
    workflows: workflows.value,
    events: {
      pollMs: values.EVENTS_POLL_MS,
      heartbeatMs: values.EVENTS_HEARTBEAT_MS,
      gapGraceMs: values.EVENTS_GAP_GRACE_MS,
    },
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
    countsMaxAgeMs: values.COUNTS_MAX_AGE_MS,
    poolSize: values.DB_POOL_SIZE,
    startWorker: values.START_WORKER,
  };
}

/** The configuration of this process, from its environment. */
export const loadApiConfig = (): ApiConfig => parseApiConfig(processEnv(), process.cwd());
