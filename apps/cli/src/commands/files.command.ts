import type { ListFilesQuery, SteptrailClient } from '@steptrail/client';
import { cell, table, time } from '../format.js';
import type { Io } from '../io.js';

export interface FilesOptions {
  status?: string;
  q?: string;
  limit?: string;
  json: boolean;
}

/** `steptrail files`: the newest files, filtered like the dashboard's list, and the count per status. */
export async function filesCommand(client: SteptrailClient, options: FilesOptions, io: Io): Promise<void> {
  const query: ListFilesQuery = {
    ...(options.status === undefined ? {} : { status: options.status }),
    ...(options.q === undefined ? {} : { q: options.q }),
    limit: options.limit ?? '50',
  };
  const page = await client.listFiles(query);
  if (options.json) {
    io.out(`${JSON.stringify(page, null, 2)}\n`);
    return;
  }
  if (page.items.length === 0) io.out('No files match.\n');
  else {
    const rows = page.items.map((file) => [
      String(file.id),
      cell(file.originalFilename, 40),
      file.hasErrors && file.status !== 'failed' ? `${file.status} (errors)` : file.status,
      file.lastStep ?? '',
      time(file.updatedAt),
    ]);
    io.out(table(['ID', 'File', 'Status', 'Last step', 'Updated (UTC)'], rows, io.isTerminal));
  }
  const counts = Object.entries(page.counts)
    .filter(([, count]) => typeof count === 'number' && count > 0)
    .map(([status, count]) => `${status} ${String(count)}`);
  io.out(
    `${counts.length === 0 ? 'No files.' : `All files: ${counts.join(', ')}`}${page.nextCursor === null ? '' : ' (more: raise --limit)'}\n`,
  );
}
