// Run by the e2e tests as a separate process: records one step event in the database DATABASE_URL names, the way
// a worker or another API instance would, and prints the log id.
import { StepTracker, systemClock } from '@steptrail/domain';
import { openStore, parseDatabaseUrl } from '@steptrail/runtime';

const [databaseUrl, fileId, stepName, status] = process.argv.slice(2);
if (databaseUrl === undefined || fileId === undefined || stepName === undefined || status === undefined) {
  throw new Error('usage: write-event.child.ts DATABASE_URL FILE_ID STEP_NAME STATUS');
}
const target = parseDatabaseUrl(databaseUrl, process.cwd());
if (!target.ok) throw new Error(target.error.message);
const store = await openStore(target.value);
try {
  const tracker = new StepTracker({ unitOfWork: store.unitOfWork, clock: systemClock });
  const applied = await tracker.updateStepStatus(Number(fileId), stepName, status, {
    message: 'written by another process',
  });
  if (!applied.ok) throw new Error(applied.error.message);
  process.stdout.write(`${JSON.stringify({ logId: applied.value.log.id })}\n`);
} finally {
  await store.close();
}
