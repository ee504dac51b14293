import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LegacyMigration, systemClock, type FileVerification } from '@steptrail/domain';
import { openStore, parseDatabaseUrl } from '@steptrail/runtime';
import { createDatabase } from '@steptrail/test-servers';
import { backendUrls } from '@steptrail/test-servers/backend-urls';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, describe, expect, test } from 'vitest';
import { AppProcess } from '@steptrail/test-servers/app-process';
import { ENTRY, jsonBody, removeScratchDirs, scratchDir } from './support/standalone.js';

afterAll(removeScratchDirs);

const RUNNING = /steptrail is running \(API and worker\)\. Dashboard: (http:\/\/127\.0\.0\.1:\d+)\//;
const urls = backendUrls();

async function invoicePdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  ['Acme GmbH', 'Invoice No. 2024-0042', 'Invoice date: 15.03.2024', 'Amount due within 14 days.'].forEach(
    (line, row) => page.drawText(line, { x: 60, y: 780 - row * 24, size: 14, font }),
  );
  return pdf.save();
}

interface Detail {
  status: { status: string };
}

async function waitForFinalStatus(url: string, id: number): Promise<string> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const detail = await jsonBody<Detail>(await fetch(`${url}/api/files/${id}`), 200);
    const steps = await jsonBody<{ steps: Record<string, { status: string }> }>(
      await fetch(`${url}/api/files/${id}/steps`),
      200,
    );
    const uploadDone = steps.steps['upload_to_archive']?.status === 'success';
    if ((detail.status.status === 'completed' && uploadDone) || detail.status.status === 'failed') {
      return detail.status.status;
    }
    if (Date.now() > deadline) throw new Error(`file ${id} still ${JSON.stringify(steps.steps)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const backends: Array<{ name: string; skip: string | null; database: () => Promise<string | null> }> = [
  { name: 'sqlite', skip: null, database: async () => null },
  {
    name: 'postgres',
    skip: urls.skipReason.postgres,
    database: async () => createDatabase(urls.postgres ?? '', `pipeline_${Date.now()}`),
  },
];

describe.each(backends)('a PDF uploaded to `pnpm start` on $name', ({ skip, database }) => {
  test.skipIf(skip !== null)(
    `goes through every step to completed and lands in the local destination${skip === null ? '' : ` (skipped: ${skip})`}`,
    async () => {
      const cwd = scratchDir();
      const archive = join(cwd, 'archive');
      const databaseUrl = (await database()) ?? `sqlite:${join(cwd, 'steptrail.db')}`;
      const app = new AppProcess(
        ENTRY.standalone,
        {
          PORT: '0',
          LOG_LEVEL: 'warn',
          DATABASE_URL: databaseUrl,
          DESTINATIONS: JSON.stringify([{ name: 'archive', type: 'local', path: archive }]),
        },
        cwd,
      );
      try {
        const [, url] = await app.waitForOutput(RUNNING);
        const form = new FormData();
        form.set('file', new Blob([await invoicePdf()], { type: 'application/pdf' }), 'invoice.pdf');
        const created = await jsonBody<{ file: { id: number } }>(
          await fetch(`${url}/api/files`, { method: 'POST', body: form }),
          201,
        );
        expect(await waitForFinalStatus(url!, created.file.id)).toBe('completed');
        const delivered = readdirSync(archive, { recursive: true }).map(String);
        expect(delivered.some((entry) => entry.endsWith('.pdf'))).toBe(true);
        app.signal('SIGTERM');
        expect(await app.exited).toBe(0);
      } finally {
        await app.stop();
      }
      const target = parseDatabaseUrl(databaseUrl, cwd);
      if (!target.ok) throw new Error(target.error.message);
      const store = await openStore(target.value);
      try {
        const invalid: FileVerification[] = [];
        const migration = new LegacyMigration({
          unitOfWork: store.unitOfWork,
          reads: store.reads,
          clock: systemClock,
        });
        const totals = await migration.verifyAll((result) => void (result.valid || invalid.push(result)));
        expect(totals.filesChecked).toBe(1);
        expect(invalid).toEqual([]);
      } finally {
        await store.close();
      }
    },
  );
});
