import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDatabase } from '@steptrail/test-servers';

/** The throwaway servers of this run (null when one is not installed, with the reason). */
export interface Servers {
  postgres: string | null;
  mysql: string | null;
  skipReason: { postgres: string | null; mysql: string | null };
}

/**
 * A server URL as READMEs write them (`postgres://user:secret@db:5432/name`, `mysql://…`). Such a host does not
 * exist here: each one stands for a fresh database on the run's throwaway server of that kind.
 */
const SERVER_URL = /\b(?:postgres(?:ql)?|mysql|mariadb):\/\/[^\s'"`]+/g;

export const serverUrlsIn = (command: string): string[] => command.match(SERVER_URL) ?? [];

const kindOf = (url: string): 'postgres' | 'mysql' => (/^postgres/.test(url) ? 'postgres' : 'mysql');

/** The databases one README block runs against, and how its commands' written URLs map onto them. */
export interface BlockDatabases {
  /** DATABASE_URL for commands that name no server: a SQLite file of the block's own. */
  sqliteUrl: string;
  /** Written server URL → the fresh database standing in for it. */
  replacements: Map<string, string>;
  /** Why a written URL has no stand-in (its server is not installed here); absent when all have one. */
  missing: Map<string, string>;
}

const run = promisify(execFile);

/**
 * Creates the block's databases and applies steptrail's schema to each with the built migrator, as the
 * READMEs assume ("schema already migrated"); a command that migrates again finds nothing to do.
 */
export async function blockDatabases(options: {
  root: string;
  scratchDir: string;
  servers: Servers;
  commands: readonly string[];
  name: string;
}): Promise<BlockDatabases> {
  const { root, scratchDir, servers, commands, name } = options;
  const databases: BlockDatabases = {
    sqliteUrl: `sqlite:${join(scratchDir, 'steptrail.db')}`,
    replacements: new Map(),
    missing: new Map(),
  };
  const written = [...new Set(commands.flatMap(serverUrlsIn))];
  for (const [index, url] of written.entries()) {
    const kind = kindOf(url);
    const server = servers[kind];
    if (server === null) {
      databases.missing.set(url, servers.skipReason[kind] ?? `no ${kind} server`);
      continue;
    }
    databases.replacements.set(url, await createDatabase(server, `${name}_${index}`));
  }
  for (const url of [databases.sqliteUrl, ...databases.replacements.values()]) {
    await migrate(root, url);
  }
  return databases;
}

/** The command with every written server URL replaced by its stand-in. */
export function rewrite(command: string, databases: BlockDatabases): string {
  return command.replace(SERVER_URL, (url) => databases.replacements.get(url) ?? url);
}

async function migrate(root: string, url: string): Promise<void> {
  const main = join(root, 'apps', 'migrator', 'dist', 'main.js');
  try {
    await run(process.execPath, [main, 'schema', 'up', '--database-url', url], { cwd: root });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not prepare ${url} (is the workspace built?): ${detail}`, { cause: error });
  }
}
