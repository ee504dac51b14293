// The migration check CI runs (.ci/migration-check.sh): on SQLite, PostgreSQL and MariaDB, build a legacy
// DocuElevate database (its tables, a few thousand ordinary files and one file per awkward legacy behaviour), then
// run the built CLI as an operator would: `schema up`, `logs-to-steps`, `verify --all`, and a repair
// (`logs-to-steps --all`) that must find nothing to change. Any unexpected exit code or count fails the check.
// Servers: TEST_POSTGRES_URL / TEST_MYSQL_URL, else throwaway ones from @steptrail/test-servers; a server that is
// not installed is skipped with the reason, or fails the check when CI=true.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  docuElevateSchemaMissing,
  generateLegacyDatabase,
  LOGS_PER_FILE,
  plantEdgeCases,
} from './docuelevate-fixture.mjs';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(appDir, 'dist', 'main.js');
const fromApp = createRequire(join(appDir, 'package.json'));
const load = (name) => import(pathToFileURL(fromApp.resolve(name)).href);
const { migrationDataSource, parseDatabaseUrl } = await load('@steptrail/runtime');
const { createDatabase, findServers, startMariaDb, startPostgres } = await load('@steptrail/test-servers');

const ORDINARY_FILES = 3000;
const ci = process.env.CI === 'true' || process.env.CI === '1';

function cli(args, databaseUrl) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs one CLI command that must exit 0 and print a JSON document; returns the document. */
async function step(label, args, url) {
  const run = await cli([...args, '--json'], url);
  if (run.code !== 0) throw new Error(`${label} exited ${run.code}:\n${run.stderr}${run.stdout}`);
  return JSON.parse(run.stdout);
}

function expectEqual(label, actual, expected) {
  if (actual !== expected) throw new Error(`${label}: expected ${expected}, got ${actual}`);
}

async function plant(url) {
  const target = parseDatabaseUrl(url, process.cwd());
  if (!target.ok) throw new Error(target.error.message);
  const dataSource = await (await migrationDataSource(target.value)).initialize();
  try {
    const query = (sql) => dataSource.query(sql);
    await generateLegacyDatabase(query, target.value.kind, ORDINARY_FILES);
    return ORDINARY_FILES + (await plantEdgeCases(query));
  } finally {
    await dataSource.destroy();
  }
}

async function check(label, url) {
  const files = await plant(url);
  const up = await step('schema up', ['schema', 'up'], url);
  expectEqual('schema up: migrations applied', up.applied.length > 0, true);
  const backfill = await step('logs-to-steps', ['logs-to-steps'], url);
  expectEqual('logs-to-steps: files', backfill.totalFiles, files);
  expectEqual('logs-to-steps: failed files', backfill.filesFailed, 0);
  const verify = await step('verify --all', ['verify', '--all'], url);
  expectEqual('verify: files checked', verify.filesChecked, files);
  expectEqual('verify: invalid files', verify.filesInvalid, 0);
  const repair = await step('logs-to-steps --all', ['logs-to-steps', '--all'], url);
  expectEqual('repair: steps created', repair.totalStepsCreated, 0);
  expectEqual('repair: steps updated', repair.totalStepsUpdated, 0);
  expectEqual('repair: failed files', repair.filesFailed, 0);
  const logs = ORDINARY_FILES * LOGS_PER_FILE;
  console.log(
    `${label}: schema up, logs-to-steps (${backfill.totalFiles} files, ${backfill.totalStepsCreated} steps from ${logs}+ log rows), ` +
      `verify --all (${verify.filesChecked} files valid), repair changed nothing`,
  );
}

async function serverUrl(kind) {
  const given = kind === 'postgres' ? process.env.TEST_POSTGRES_URL : process.env.TEST_MYSQL_URL;
  if (given) return { url: given, stop: async () => {} };
  const lookup = findServers()[kind === 'postgres' ? 'postgres' : 'mariadb'];
  if (!lookup.available) {
    const why = `${lookup.reason}; install with ${lookup.installHint}`;
    if (ci) throw new Error(`${kind} is required on CI: ${why}`);
    return { url: null, skipReason: why, stop: async () => {} };
  }
  const server = await (kind === 'postgres' ? startPostgres() : startMariaDb());
  return { url: server.url, stop: () => server.stop() };
}

// Throws under CI when DocuElevate's schema is missing; elsewhere the check is skipped with the reason.
const missingSchema = docuElevateSchemaMissing();
if (missingSchema !== null) {
  console.log(`migration check: skipped (${missingSchema})`);
  process.exit(0);
}

const failures = [];
const sqliteDir = mkdtempSync(join(tmpdir(), 'steptrail-migration-check-'));
const backends = [
  {
    label: 'SQLite',
    url: async () => ({ url: `sqlite:${join(sqliteDir, 'legacy.db')}`, stop: async () => {} }),
  },
  { label: 'PostgreSQL', kind: 'postgres', url: () => serverUrl('postgres') },
  { label: 'MariaDB', kind: 'mysql', url: () => serverUrl('mysql') },
];
for (const backend of backends) {
  let server = null;
  try {
    server = await backend.url();
    if (server.url === null) {
      console.log(`${backend.label}: skipped (${server.skipReason})`);
      continue;
    }
    const url =
      backend.kind === undefined ? server.url : await createDatabase(server.url, 'steptrail_migration_check');
    await check(backend.label, url);
  } catch (error) {
    failures.push(backend.label);
    console.error(`${backend.label}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await server?.stop();
  }
}
rmSync(sqliteDir, { recursive: true, force: true });
console.log(
  failures.length === 0 ? 'migration check: ok' : `migration check: failed on ${failures.join(', ')}`,
);
process.exit(failures.length === 0 ? 0 : 1);
