import mysql from 'mysql2/promise';
import pg from 'pg';
import { mysqlOptions } from './create-database.js';

const userName = /^[a-z_][a-z0-9_]{0,30}$/;

/**
 * Creates a user `name` (password `name`) that may read every table of the database `url` names but write none,
 * and returns the URL connecting as that user: what a read-only replica or a wrongly granted role looks like to
 * an app. The URL's user must be allowed to create users (the throwaway servers' superuser).
 */
export async function createReadOnlyUser(url: string, name: string): Promise<string> {
  if (!userName.test(name))
    throw new Error(`user name ${JSON.stringify(name)} must match ${userName.source}`);
  const target = new URL(url);
  const database = target.pathname.slice(1);
  if (target.protocol === 'postgres:' || target.protocol === 'postgresql:') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`drop role if exists ${name}`);
      await client.query(`create role ${name} login password '${name}'`);
      await client.query(`grant connect on database "${database}" to ${name}`);
      await client.query(`grant usage on schema public to ${name}`);
      await client.query(`grant select on all tables in schema public to ${name}`);
    } finally {
      await client.end();
    }
  } else {
    const connection = await mysql.createConnection(mysqlOptions(target));
    try {
      await connection.query(`drop user if exists '${name}'@'%'`);
      await connection.query(`create user '${name}'@'%' identified by '${name}'`);
      await connection.query(`grant select on \`${database}\`.* to '${name}'@'%'`);
    } finally {
      await connection.end();
    }
  }
  target.username = name;
  target.password = name;
  return target.toString();
}
