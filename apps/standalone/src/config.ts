import { parseApiConfig, type ApiConfig } from '@steptrail/api';
import { ConfigError, envFlag, parseEnv, processEnv } from '@steptrail/runtime';
import type { WorkerConfig } from '@steptrail/worker';
import { z } from 'zod';

// The one file of the all-in-one app that reads the environment: the API's and the worker's variables, parsed by
// their own schemas, plus START_WORKER. Both parts read the same DATABASE_URL, STORAGE_DIR and LOG_LEVEL. The worker
// is imported only when it runs, so START_WORKER=false never loads the pipeline's handlers and their libraries.

export interface StandaloneConfig {
  api: ApiConfig;
  /** Null when START_WORKER is off: the process runs the API alone, and no worker variable is read. */
  worker: WorkerConfig | null;
}

const schema = z.object({ START_WORKER: envFlag().default(true) });

/** Parses every part's variables; throws one ConfigError listing every problem of every part. */
export async function parseStandaloneConfig(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<StandaloneConfig> {
  const problems: string[] = [];
  const attempt = <T>(parse: () => T): T | null => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return null;
    }
  };
  const startWorker = attempt(() => parseEnv(schema, env).START_WORKER);
  const api = attempt(() => parseApiConfig(env, cwd));
  // Without a valid START_WORKER the worker's variables are still checked, so every problem shows at once.
  const { parseWorkerConfig } =
    startWorker === false ? { parseWorkerConfig: null } : await import('@steptrail/worker');
  const worker = parseWorkerConfig === null ? null : attempt(() => parseWorkerConfig(env, cwd));
  if (problems.length > 0 || api === null) throw new ConfigError([...new Set(problems)]);
  return { api, worker };
}

/** The configuration of this process, from its environment. */
export const loadStandaloneConfig = (): Promise<StandaloneConfig> =>
  parseStandaloneConfig(processEnv(), process.cwd());
