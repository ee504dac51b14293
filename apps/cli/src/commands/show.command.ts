import type { SteptrailClient } from '@steptrail/client';
import { cell, stepDuration, table, time } from '../format.js';
import type { Io } from '../io.js';

/** `steptrail show <id>`: the file, its overall status, and each step with its duration and error. */
export async function showCommand(
  client: SteptrailClient,
  fileId: number,
  json: boolean,
  io: Io,
): Promise<void> {
  const [detail, { steps }] = await Promise.all([client.getFile(fileId), client.getSteps(fileId)]);
  if (json) {
    io.out(`${JSON.stringify({ ...detail, steps }, null, 2)}\n`);
    return;
  }
  const { file, status } = detail;
  io.out(`File ${file.id}: ${file.originalFilename ?? file.localFilename}\n`);
  io.out(
    `Status: ${status.status}${status.hasErrors ? ' (has errors)' : ''} · ${status.completedSteps}/${status.totalSteps} steps done` +
      `${status.failedSteps > 0 ? `, ${status.failedSteps} failed` : ''} · workflow ${file.workflow.name}` +
      `${file.managed ? '' : ' (external pipeline)'}\n`,
  );
  const order = new Map(file.workflow.steps.map((name, index) => [name, index]));
  const names = Object.keys(steps).sort(
    (a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || a.localeCompare(b),
  );
  if (names.length === 0) {
    io.out('No steps yet.\n');
    return;
  }
  const now = io.now();
  const rows = names.map((name) => {
    const step = steps[name]!;
    return [
      order.has(name) ? name : `${name} *`,
      step.status,
      String(step.attempts),
      time(step.startedAt),
      stepDuration(step, now),
      cell(step.errorMessage ?? (step.stoppedBy === null ? '' : `stopped by ${step.stoppedBy}`), 50),
    ];
  });
  io.out(table(['Step', 'Status', 'Attempts', 'Started (UTC)', 'Duration', 'Error'], rows, io.isTerminal));
  if (names.some((name) => !order.has(name)))
    io.out("* not in the file's workflow: does not decide its status\n");
}
