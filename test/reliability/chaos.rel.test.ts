import { startMariaDb, startPostgres, type RestartableServer } from '@steptrail/test-servers';
import { backendUrls, titleWithSkipReason } from '@steptrail/test-servers/backend-urls';
import { describe, expect, test } from 'vitest';
import { runChaos, type ChaosResult, type ChaosSettings } from './support/chaos/chaos-run.js';
import { bySize, scale, seed } from './support/scale.js';
import { recordSummary } from './support/summary.js';

// Chaos (issue 17): workers and API processes killed with -9 at random, the database server restarted once, while
// files are uploaded and run by the real pipeline and an external reporter sends events. Afterwards every file is
// completed or failed with a reason, nothing is stuck, every event the run was told was stored is in the history
// exactly once, verify --all is clean, and no process exited unless we killed it. See test/reliability/README.md.

const urls = backendUrls();

interface Database {
  readonly name: 'sqlite' | 'postgres' | 'mysql';
  readonly title: string;
  readonly skipReason: string | null;
  readonly start: (() => Promise<RestartableServer>) | null;
}

const databases: Database[] = [
  { name: 'sqlite', title: 'chaos on SQLite (one all-in-one process)', skipReason: null, start: null },
  {
    name: 'postgres',
    title: 'chaos on PostgreSQL (worker and API processes, one server restart)',
    skipReason: urls.postgres === null ? urls.skipReason.postgres : null,
    start: () => startPostgres({ database: 'steptrail_chaos' }),
  },
  {
    name: 'mysql',
    title: 'chaos on MariaDB (worker and API processes, one server restart)',
    skipReason: urls.mysql === null ? urls.skipReason.mysql : null,
    start: () => startMariaDb({ database: 'steptrail_chaos' }),
  },
];

function settingsFor(database: Database, server: RestartableServer | null): ChaosSettings {
  const sqlite = database.name === 'sqlite';
  return {
    database: database.name,
    server,
    // Small keeps every failure mode (kills of each kind, the server restart) at the least CI time: the one SQLite
    // process gets a few kills, the servers one restart each in a shorter run.
    files: bySize({ small: sqlite ? 12 : 30, full: 1_000 }),
    workers: bySize({ small: 4, full: 4 }),
    apis: 2,
    minChaosMs: bySize({ small: sqlite ? 20_000 : 30_000, full: 180_000 }),
    // The all-in-one process takes longer to come back, and is the only one: fewer kills, or nothing runs.
    killEveryMs: sqlite ? [4_000, 7_000] : [1_500, 3_000],
    pauseMs: [300, 1_500],
    // Long enough for every pool to see its connections refused, well under DATABASE_LOST_AFTER_MS.
    databaseDownMs: 8_000,
    settleTimeoutMs: bySize({ small: 120_000, full: 600_000 }),
    seed,
    log: (line) => console.log(`[chaos ${database.name}] ${line}`),
  };
}

function describeExit(exit: ChaosResult['unexpectedExits'][number]): string {
  return `${exit.process} (run ${exit.generation}) exited with ${exit.code ?? exit.signal}:\n${exit.outputTail}`;
}

describe.each(databases)('$title', (database) => {
  test.skipIf(database.skipReason !== null)(
    titleWithSkipReason(
      'every file ends completed or failed with a reason, no event is lost, verify is clean, nothing exits unasked',
      database.skipReason,
    ),
    async () => {
      console.log(
        `[chaos ${database.name}] seed ${seed} (STEPTRAIL_RELIABILITY_SEED=${seed} replays it), ${scale} scale`,
      );
      const server = database.start === null ? null : await database.start();
      let result: ChaosResult;
      try {
        result = await runChaos(settingsFor(database, server));
      } finally {
        await server?.stop();
      }
      const { verdict } = result;
      expect(result.unexpectedExits.map(describeExit)).toEqual([]);
      expect(result.badStops.map(describeExit)).toEqual([]);
      expect(verdict.stuck).toEqual([]);
      expect(verdict.lost).toEqual([]);
      expect(verdict.other).toEqual([]);
      expect(verdict.files).toBe(settingsFor(database, null).files);
      expect(verdict.completed + verdict.failed).toBe(verdict.files);
      expect(result.verify.code, result.verify.output).toBe(0);
      expect(result.kills).toBeGreaterThan(0);
      if (server !== null) expect(result.databaseRestarts).toBe(1);

      recordSummary({
        suite: 'chaos',
        database: database.name,
        figures: {
          files: verdict.files,
          events: verdict.eventsChecked,
          kills: result.kills,
          restarts: result.restarts,
          lostEvents: verdict.lost.length,
          stuckFiles: verdict.stuck.length,
          exits: result.unexpectedExits.length,
        },
        extra: {
          seed,
          completed: verdict.completed,
          failed: verdict.failed,
          'log rows': verdict.logRows,
          'database-lost exits': result.databaseLostExits.length,
          'lost upload answers': result.lostAnswers,
          '5xx seen': result.serverErrors,
          'settle after last kill s': Math.round(result.settleMs / 100) / 10,
        },
      });
    },
    // Full size: 1,000 files, three minutes of kills and up to ten minutes to settle, then 3,000 reads to judge.
    bySize({ small: 600_000, full: 1_800_000 }),
  );
});
