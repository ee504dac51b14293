import { accessSync, constants, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { searchPath, type ServerKind } from './env.js';

export interface PostgresBinaries {
  readonly binDir: string;
  readonly postgres: string;
  readonly initdb: string;
  readonly pgIsready: string;
}

export interface MariaDbBinaries {
  readonly mariadbd: string;
  readonly installDb: string;
}

export type ServerLookup<Binaries> =
  | { readonly available: true; readonly binaries: Binaries }
  | { readonly available: false; readonly reason: string; readonly installHint: string };

export interface FoundServers {
  readonly postgres: ServerLookup<PostgresBinaries>;
  readonly mariadb: ServerLookup<MariaDbBinaries>;
}

export interface FindServersOptions {
  /** Servers to look for; the others are reported missing. Lets a run pretend a server is not installed. */
  readonly only?: readonly ServerKind[] | null;
}

export const installHints: Readonly<Record<ServerKind, string>> = {
  postgres: 'apt-get install -y postgresql',
  mariadb: 'apt-get install -y mariadb-server',
};

const debianPostgresRoot = '/usr/lib/postgresql';

/** Tells which database servers this machine can start, and for each missing one how to install it. */
export function findServers(options: FindServersOptions = {}): FoundServers {
  const only = options.only ?? null;
  const disabled = (kind: ServerKind) =>
    only !== null && !only.includes(kind)
      ? {
          available: false as const,
          reason: 'treated as not installed because STEPTRAIL_TEST_SERVERS leaves it out',
          installHint: installHints[kind],
        }
      : null;
  return {
    postgres: disabled('postgres') ?? findPostgres(),
    mariadb: disabled('mariadb') ?? findMariaDb(),
  };
}

export function findPostgres(): ServerLookup<PostgresBinaries> {
  // Debian installs each major version side by side and puts only the client tools on PATH.
  for (const version of postgresVersionsNewestFirst()) {
    const binDir = join(debianPostgresRoot, version, 'bin');
    const binaries = {
      binDir,
      postgres: join(binDir, 'postgres'),
      initdb: join(binDir, 'initdb'),
      pgIsready: join(binDir, 'pg_isready'),
    };
    if ([binaries.postgres, binaries.initdb, binaries.pgIsready].every(isExecutable)) {
      return { available: true, binaries };
    }
  }
  return {
    available: false,
    reason: `no PostgreSQL server under ${debianPostgresRoot}/*/bin`,
    installHint: installHints.postgres,
  };
}

export function findMariaDb(): ServerLookup<MariaDbBinaries> {
  // mariadbd lives in /usr/sbin, which is not on a non-root user's PATH.
  const dirs = [...searchPath(), '/usr/sbin', '/usr/bin'];
  const mariadbd = findExecutable('mariadbd', dirs);
  const installDb = findExecutable('mariadb-install-db', dirs);
  if (mariadbd !== null && installDb !== null) return { available: true, binaries: { mariadbd, installDb } };
  const missing = mariadbd === null ? 'mariadbd' : 'mariadb-install-db';
  return {
    available: false,
    reason: `${missing} not found on PATH or in /usr/sbin`,
    installHint: installHints.mariadb,
  };
}

function postgresVersionsNewestFirst(): string[] {
  let entries: string[];
  try {
    entries = readdirSync(debianPostgresRoot);
  } catch {
    return [];
  }
  return entries.filter((name) => /^\d+(\.\d+)?$/.test(name)).sort((a, b) => Number(b) - Number(a));
}

function findExecutable(name: string, dirs: readonly string[]): string | null {
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
