import mysql, { type ConnectionOptions } from 'mysql2/promise';
import pg from 'pg';

// Names go into DDL unquoted by any driver, so only plain identifiers are accepted.
const databaseName = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates an empty database `name` on the server behind `url` (postgres:// or mysql://) and returns the
 * URL of the new database. An existing database of that name is dropped first: a suite asking for its
 * own database wants a fresh one, not what an earlier run left.
 */
export async function createDatabase(url: string, name: string): Promise<string> {
  if (!databaseName.test(name)) {
    throw new Error(`database name ${JSON.stringify(name)} must match ${databaseName.source}`);
  }
  const target = new URL(url);
  switch (target.protocol) {
    case 'postgres:':
    case 'postgresql:':
      await createPostgresDatabase(target, name);
      break;
    case 'mysql:':
    case 'mariadb:':
      await createMySqlDatabase(target, name);
      break;
    default:
      throw new Error(`createDatabase does not know the scheme of ${redact(target)}`);
  }
  target.pathname = `/${name}`;
  return target.toString();
}

async function createPostgresDatabase(server: URL, name: string): Promise<void> {
  // Connect to the maintenance database: the one in the URL may be the one being replaced.
  const maintenance = new URL(server);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`create database "${name}" encoding 'UTF8' template template0`);
  } finally {
    await client.end();
  }
}

async function createMySqlDatabase(server: URL, name: string): Promise<void> {
  const connection = await mysql.createConnection(mysqlOptions(server));
  try {
    await connection.query(`drop database if exists \`${name}\``);
    await connection.query(`create database \`${name}\` character set utf8mb4 collate utf8mb4_unicode_ci`);
  } finally {
    await connection.end();
  }
}

/** Connection options for a mysql:// or mariadb:// URL, without selecting a database. */
export function mysqlOptions(url: URL): ConnectionOptions {
  return {
    host: url.hostname,
    port: url.port === '' ? 3306 : Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

function redact(url: URL): string {
  const copy = new URL(url);
  if (copy.password !== '') copy.password = '***';
  return copy.toString();
}
