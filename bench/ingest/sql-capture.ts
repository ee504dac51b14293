// The SQL steptrail really sends: while a capture is open, every statement the three drivers (pg, mysql2,
// better-sqlite3) receive in this process is recorded with its text. The ingestion benchmark captures one
// in-process event per database and prints it, and checks that its raw driver loop sends the same statements.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A statement a driver received: its text and the parameters it was sent with (null when it had none). */
export interface CapturedStatement {
  sql: string;
  params: unknown;
}

let recording: CapturedStatement[] | null = null;
/** The wrapped methods and their originals, put back when a capture ends (the wrappers cost time per statement). */
const restores: (() => void)[] = [];

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Wraps `name` on the prototype that defines it (walking up from `proto`), recording the SQL text argument. */
function wrap(proto: object, name: string, sqlOf: (first: unknown) => string | null): void {
  let owner: object | null = proto;
  while (owner !== null && !Object.prototype.hasOwnProperty.call(owner, name))
    owner = Object.getPrototypeOf(owner) as object | null;
  if (owner === null) throw new Error(`no ${name} to wrap`);
  const original = (owner as Record<string, Method>)[name];
  if (original === undefined) throw new Error(`no ${name} to wrap`);
  const target = owner as Record<string, Method>;
  restores.push(() => (target[name] = original));
  target[name] = function (this: unknown, ...args: unknown[]) {
    const sql = sqlOf(args[0]);
    if (recording !== null && sql !== null) recording.push({ sql, params: paramsOf(args) });
    return original.apply(this, args);
  };
}

function wrapStatement(proto: object, name: string): void {
  const original = (proto as Record<string, Method>)[name];
  if (original === undefined) throw new Error(`no ${name} to wrap`);
  const target = proto as Record<string, Method>;
  restores.push(() => (target[name] = original));
  target[name] = function (this: unknown, ...args: unknown[]) {
    if (recording !== null) recording.push({ sql: (this as { source: string }).source, params: args });
    return original.apply(this, args);
  };
}

const textOf = (first: unknown): string | null =>
  typeof first === 'string'
    ? first
    : typeof first === 'object' && first !== null && typeof (first as { text?: unknown }).text === 'string'
      ? (first as { text: string }).text
      : typeof first === 'object' && first !== null && typeof (first as { sql?: unknown }).sql === 'string'
        ? (first as { sql: string }).sql
        : null;

/** The parameters of a pg / mysql2 call: `(text, values)` or `({text|sql, values})`. */
const paramsOf = (args: unknown[]): unknown => {
  const [first, second] = args;
  if (Array.isArray(second)) return second;
  if (typeof first === 'object' && first !== null && 'values' in first) return first.values;
  return null;
};

function install(): void {
  const pg = require('pg') as { Client: { prototype: object } };
  wrap(pg.Client.prototype, 'query', textOf);
  const mysql = require('mysql2') as { Connection: { prototype: object } };
  wrap(mysql.Connection.prototype, 'query', textOf);
  wrap(mysql.Connection.prototype, 'execute', textOf);
  // better-sqlite3 prepares a statement once and runs it many times: record each run, by the statement's source.
  const Sqlite = require('better-sqlite3') as new (path: string) => {
    prepare(sql: string): object;
    exec(sql: string): unknown;
    close(): void;
  };
  const scratch = new Sqlite(':memory:');
  const statement = Object.getPrototypeOf(scratch.prepare('SELECT 1')) as object;
  scratch.close();
  for (const method of ['run', 'get', 'all', 'iterate']) wrapStatement(statement, method);
  wrap(Object.getPrototypeOf(scratch) as object, 'exec', textOf);
}

/** Runs `work` and returns the SQL texts every driver received meanwhile, in order. */
export async function captureSql(work: () => Promise<unknown>): Promise<string[]> {
  return (await captureStatements(work)).map((statement) => statement.sql);
}

/** Runs `work` and returns every statement the drivers received meanwhile, with its parameters, in order. */
export async function captureStatements(work: () => Promise<unknown>): Promise<CapturedStatement[]> {
  install();
  const statements: CapturedStatement[] = [];
  recording = statements;
  try {
    await work();
  } finally {
    recording = null;
    for (const restore of restores.splice(0)) restore();
  }
  return statements;
}

/** The statement's shape: whitespace collapsed, so texts compare across formatting. */
export const normalizeSql = (sql: string): string => sql.replace(/\s+/g, ' ').trim();
