import { isAbsolute, resolve } from 'node:path';
import { err, ok, type Result } from '@steptrail/domain';

export interface DatabaseUrlError {
  code: 'INVALID_DATABASE_URL';
  message: string;
}

const invalid = (message: string): DatabaseUrlError => ({ code: 'INVALID_DATABASE_URL', message });

export type DatabaseTarget =
  | { kind: 'sqlite'; path: string; display: string }
  | { kind: 'postgres'; url: string; display: string }
  | { kind: 'mysql'; url: string; display: string };

export const DEFAULT_DATABASE_URL = 'sqlite:./data/steptrail.db';

const ALLOWED =
  'sqlite:relative/or/absolute.db, postgres://user:password@host:5432/db (or postgresql://), mysql://user:password@host:3306/db (or mariadb://)';

/** The adapter a DATABASE_URL selects; relative SQLite paths resolve against `cwd`. */
export function parseDatabaseUrl(value: string, cwd: string): Result<DatabaseTarget, DatabaseUrlError> {
  const trimmed = value.trim();
  if (trimmed.startsWith('sqlite:')) {
    // Accept sqlite:path, sqlite://relative and sqlite:///absolute alike.
    const rest = trimmed
      .slice('sqlite:'.length)
      .replace(/^\/\/(?=\/)/, '')
      .replace(/^\/\/(?!\/)/, '');
    if (rest === '' || rest === ':memory:') {
      return err(
        invalid(`DATABASE_URL ${JSON.stringify(value)} names no database file; expected ${ALLOWED}.`),
      );
    }
    const path = isAbsolute(rest) ? rest : resolve(cwd, rest);
    return ok({ kind: 'sqlite', path, display: `sqlite:${path}` });
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return err(invalid(`DATABASE_URL ${JSON.stringify(value)} is not a URL; expected ${ALLOWED}.`));
  }
  const display = redact(url);
  switch (url.protocol) {
    case 'postgres:':
    case 'postgresql:':
      return ok({ kind: 'postgres', url: trimmed, display });
    case 'mysql:':
    case 'mariadb:':
      return ok({ kind: 'mysql', url: trimmed.replace(/^mariadb:/, 'mysql:'), display });
    default:
      return err(invalid(`DATABASE_URL scheme ${url.protocol} is not supported; expected ${ALLOWED}.`));
  }
}

/** The URL with its password replaced, safe for logs. */
function redact(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.password !== '') copy.password = '***';
  return copy.toString();
}
