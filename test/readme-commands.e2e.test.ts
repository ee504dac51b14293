import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '@steptrail/test-servers';
import { backendUrls } from '@steptrail/test-servers/backend-urls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, tail, type CommandOutcome, type ReadySign } from './support/command-runner.js';
import { LIVE_API_VARIABLE, needsLiveApi, startLiveApi, type LiveApi } from './support/live-api.js';
import { notRunReason } from './support/not-run.js';
import { readmeBlocks, type ReadmeBlock, type ReadmeCommand } from './support/readme-blocks.js';
import { blockDatabases, rewrite, serverUrlsIn, type BlockDatabases } from './support/scratch-databases.js';

// Every command of every README's sh/bash/console blocks runs here as written, from the repository root, against
// a scratch database: DATABASE_URL names a SQLite file of the block's own, and a postgres:// or mysql:// URL in
// a command (an example server such as db:5432) is replaced by a fresh database on this run's throwaway server of
// that kind (the root README says so too). Services (the API, a worker) are checked once ready, then stopped. A
// block that calls the API through $STEPTRAIL_URL gets one running on its own database for its commands.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** `npx -y pnpm@… build` on a cold cache, or `install`, can take minutes on a busy 2-core machine. */
const COMMAND_TIMEOUT_MS = 10 * 60_000;

const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  cwd: ROOT,
  encoding: 'utf8',
})
  .split('\n')
  .filter((path) => path !== '');
const readmes = tracked.filter((path) => /(^|\/)README\.md$/.test(path)).sort();
const blocks = readmes.flatMap((readme) => readmeBlocks(readme, readFileSync(join(ROOT, readme), 'utf8')));
const scratchRoot = mkdtempSync(join(tmpdir(), 'steptrail-readme-'));
afterAll(() => rmSync(scratchRoot, { recursive: true, force: true }));

it('finds the commands of the READMEs', () => {
  expect(readmes).toContain('README.md');
  expect(blocks.some((block) => block.readme === 'README.md')).toBe(true);
});

for (const [index, block] of blocks.entries()) {
  describe(`${block.readme}:${block.line}`, () => {
    const scratchDir = join(scratchRoot, `block-${index}`);
    let databases: BlockDatabases | null = null;
    let port = 0;
    let liveApi: LiveApi | null = null;
    afterAll(async () => liveApi?.stop());
    beforeAll(async () => {
      mkdirSync(join(scratchDir, 'storage'), { recursive: true });
      port = await freePort();
      databases = await blockDatabases({
        root: ROOT,
        scratchDir,
        servers: backendUrls(),
        commands: block.commands.map(({ command }) => command),
        name: `readme_${index}_${Date.now().toString(36)}`,
      });
      if (needsLiveApi(block.commands.map(({ command }) => command))) {
        liveApi = await startLiveApi(ROOT, environment(scratchDir, databases.sqliteUrl, port));
      }
    }, 300_000);

    for (const entry of block.commands) {
      const title = `${entry.readme}:${entry.line} ${entry.command}`;
      const reason = notRunReason(entry.command, tracked);
      if (reason !== null) {
        it.skip(`${title} (not run: ${reason})`, () => {});
        continue;
      }
      it(
        title,
        async (context) => {
          if (databases === null) throw new Error('the block has no databases');
          const missing = serverUrlsIn(entry.command).find((url) => databases?.missing.has(url));
          if (missing !== undefined)
            context.skip(`no server for ${missing}: ${databases.missing.get(missing)}`);
          const script = [...exportsBefore(block, entry), entry.command].map((line) =>
            rewrite(line, databases!),
          );
          const outcome = await runCommand(script.join('\n'), {
            cwd: ROOT,
            env: {
              ...environment(scratchDir, databases.sqliteUrl, port),
              ...(liveApi === null ? {} : { [LIVE_API_VARIABLE]: liveApi.url }),
            },
            timeoutMs: COMMAND_TIMEOUT_MS,
            signs: readySigns(port),
          });
          const failure = describeFailure(outcome);
          expect(failure, `${entry.readme}:${entry.line}: \`${entry.command}\` ${failure}`).toBeNull();
        },
        COMMAND_TIMEOUT_MS + 60_000,
      );
    }
  });
}

/** The block's `export NAME=value` lines above this command, which a reader's shell would still have set. */
function exportsBefore(block: ReadmeBlock, entry: ReadmeCommand): string[] {
  return block.commands
    .filter(({ line, command }) => line < entry.line && /^export [A-Za-z_]\w*=/.test(command))
    .map(({ command }) => command);
}

/** The test's own environment, less vitest's markers, plus the scratch database, a free port and scratch folders. */
function environment(scratchDir: string, databaseUrl: string, port: number): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(
    ([name]) => !/^VITEST/.test(name) && name !== 'NODE_ENV' && name !== 'TEST',
  );
  return {
    ...Object.fromEntries(inherited),
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    STORAGE_DIR: join(scratchDir, 'storage'),
    PROCESSED_DIR: join(scratchDir, 'processed'),
    TURBO_TELEMETRY_DISABLED: '1',
  };
}

/** How a service shows that it is up, and what proves that it works. */
function readySigns(port: number): ReadySign[] {
  return [
    {
      name: 'HTTP server',
      pattern: new RegExp(`https?://(?:127\\.0\\.0\\.1|localhost):${port}\\b`),
      check: async () => {
        const response = await fetchWithRetries(`http://127.0.0.1:${port}/readyz`);
        if (response.status !== 200) throw new Error(`GET /readyz answered ${response.status}`);
      },
    },
    {
      name: 'worker',
      pattern: /worker started/,
      check: async (running) => {
        await sleep(2_000);
        if (!running()) throw new Error('the worker ended by itself right after it started');
      },
    },
  ];
}

async function fetchWithRetries(url: string): Promise<Response> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      if (attempt === 5) throw error;
      await sleep(1_000);
    }
  }
}

function describeFailure(outcome: CommandOutcome): string | null {
  switch (outcome.kind) {
    case 'exited':
      return outcome.code === 0
        ? null
        : `exited with ${outcome.code ?? outcome.signal}:\n${tail(outcome.output)}`;
    case 'service':
      return outcome.problem === null
        ? null
        : `started (${outcome.sign}) but ${outcome.problem}:\n${tail(outcome.output)}`;
    case 'timeout':
      return `neither ended nor printed a ready line within ${COMMAND_TIMEOUT_MS / 1000} s:\n${tail(outcome.output)}`;
  }
}
