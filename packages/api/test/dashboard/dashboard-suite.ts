import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import { AppProcess } from '@steptrail/test-servers/app-process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { buildDashboard } from '../support/dashboard-build.js';
import { DashboardApi, WebhookReceiver, invoicePdf } from './dashboard-api.js';
import { STANDALONE_MAIN } from '../support/app-entries.js';

/**
 * `pnpm start`'s all-in-one app (migrations, API and worker in one process), started from its sources: the
 * dashboard is watched while the real worker runs uploaded files.
 */
export const STANDALONE = STANDALONE_MAIN;
const RUNNING = /steptrail is running \(API and worker\)\. Dashboard: (http:\/\/127\.0\.0\.1:\d+)\//;
/** Screenshots of every view, light and dark, wide and narrow; the folder is gitignored. */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-results/dashboard/', import.meta.url));

export interface DashboardBackend {
  name: string;
  skip: string | null;
  /** A DATABASE_URL, or null for a SQLite file in the app's scratch folder. */
  database: () => Promise<string | null>;
}

export function dashboardSuite(backend: DashboardBackend): void {
  const browserSkip = browserSkipReason();
  const skip = backend.skip ?? browserSkip;
  describe.skipIf(skip !== null)(
    `the dashboard in Chromium on ${backend.name}${skip === null ? '' : ` (skipped: ${skip})`}`,
    () => {
      let app: AppProcess;
      let browser: Browser;
      let api: DashboardApi;
      let scratch: string;
      const shots = join(SCREENSHOT_DIR, backend.name);

      beforeAll(async () => {
        scratch = mkdtempSync(join(tmpdir(), 'steptrail-dashboard-'));
        mkdirSync(shots, { recursive: true });
        const [, databaseUrl] = await Promise.all([buildDashboard(), backend.database()]);
        app = new AppProcess(
          STANDALONE,
          {
            PORT: '0',
            LOG_LEVEL: 'warn',
            // No stall sweep: a stalled step stays listed for the Stuck view instead of being failed mid-test.
            STALL_SWEEP_INTERVAL_MS: '0',
            DATABASE_URL: databaseUrl ?? `sqlite:${join(scratch, 'steptrail.db')}`,
            // Webhook retries within a test: the receiver's first 500 is retried after ~100 ms.
            WEBHOOK_POLL_MS: '100',
            WEBHOOK_RETRY_BASE_MS: '100',
            WEBHOOK_RETRY_MAX_MS: '400',
            DESTINATIONS: JSON.stringify([
              { name: 'archive', type: 'local', path: join(scratch, 'archive') },
            ]),
          },
          scratch,
        );
        const [, url] = await app.waitForOutput(RUNNING, 120_000);
        api = new DashboardApi(url!);
        browser = await launchChromium();
      });

      afterAll(async () => {
        await browser?.close();
        await app?.stop();
        if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
      });

      let webhookShown: number | null = null;
      const open = async (hash: string, options: { width?: number; dark?: boolean } = {}): Promise<Page> => {
        const page = await browser.newPage({
          viewport: { width: options.width ?? 1400, height: 900 },
          colorScheme: options.dark === true ? 'dark' : 'light',
        });
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        page.on('close', () => expect(errors, 'errors thrown in the page').toEqual([]));
        await page.goto(`${api.url}/${hash}`);
        return page;
      };

      test('an uploaded PDF is followed live until it is completed, with its destination in a lane of its own', async () => {
        const page = await open('#/upload');
        await page.evaluate('window.__sameDocument = true');
        await page.setInputFiles('input[type=file]', {
          name: 'invoice-upload.pdf',
          mimeType: 'application/pdf',
          buffer: Buffer.from(await invoicePdf('Invoice 2024-0042')),
        });
        await page.waitForURL(/#\/files\/\d+$/);
        const heading = page.locator('h1');
        await expect.poll(() => heading.textContent()).toBe('invoice-upload.pdf');
        const badge = page.locator('.file-page .view-head .badge');
        await badge.filter({ hasText: 'Completed' }).waitFor({ timeout: 90_000 });
        await page
          .locator('[data-lane="destination-archive"] [data-step="upload_to_archive"] .badge', {
            hasText: 'Success',
          })
          .waitFor();
        // Followed live: the page was never reloaded.
        expect(await page.evaluate('window.__sameDocument')).toBe(true);
        const facts = await page.locator('[data-step="hash_file"] .step-facts').textContent();
        expect(facts).toMatch(/ran \d+(\.\d{3})? m?s/);
        await page.close();
      });

      test('the failed chip lists exactly the failed files', async () => {
        const failedA = await api.failedFile('failed-a.pdf');
        const failedB = await api.failedFile('failed-b.pdf');
        await api.completedFile('fine.pdf');
        const page = await open('#/files');
        await page
          .locator('.chips')
          .getByRole('button', { name: /Failed/ })
          .click();
        await page.waitForURL(/status=failed$/);
        const expected = await api.failedIds();
        expect(expected).toEqual(expect.arrayContaining([failedA, failedB]));
        await expect.poll(() => rowIds(page)).toEqual(expected);
        expect(await page.locator('tbody .badge').allTextContents()).toEqual(expected.map(() => 'Failed'));
        await page.close();
      });

      test('status chips select several statuses by keyboard, in the URL with Back undoing each, and their counts stay the whole database’s under live changes', async () => {
        const failed = await api.failedFile('chips-failed.pdf');
        const processing = await api.processingFile('chips-processing.pdf');
        await api.completedFile('chips-completed.pdf');
        const page = await open('#/files');
        const chips = page.locator('.chips');
        const chip = (status: string) => chips.locator(`[data-status="${status}"]`);
        await chip('failed').focus();
        await page.keyboard.press('Space');
        await page.waitForURL(/#\/files\?status=failed$/);
        // Processing is the chip before Failed: the keyboard goes back one and presses it.
        await page.keyboard.press('Shift+Tab');
        await page.keyboard.press('Enter');
        await page.waitForURL(/#\/files\?status=processing,failed$/);
        const both = await api.ids('processing,failed');
        expect(both).toEqual(expect.arrayContaining([failed, processing]));
        await expect.poll(() => rowIds(page)).toEqual(both);
        const pressed = () =>
          chips
            .locator('button[aria-pressed="true"]')
            .evaluateAll((buttons) =>
              buttons.map((button) =>
                (button as { getAttribute(name: string): string | null }).getAttribute('data-status'),
              ),
            );
        expect(await pressed()).toEqual(['processing', 'failed']);

        // Counts are the database's, whatever the filter, and follow changes made while the list is open.
        const chipCounts = async () => {
          const counts: Record<string, number> = {};
          for (const status of ['pending', 'processing', 'failed', 'completed', 'duplicate'])
            counts[status] = Number(await chip(status).locator('.badge-count').textContent());
          return { counts, total: Number(await chips.locator('[data-count="total"]').textContent()) };
        };
        const agree = async () => {
          const [shown, stored] = await Promise.all([chipCounts(), api.counts()]);
          return isDeepStrictEqual(shown, stored) ? stored : { shown, stored };
        };
        await expect.poll(agree, { timeout: 15_000 }).toEqual(await api.counts());
        const before = await api.counts();
        await api.finishFailedStep(failed);
        await api.pendingFile('chips-pending.pdf');
        for (let n = 0; n < 3; n += 1) await api.failedFile(`chips-live-${n}.pdf`);
        const after = await api.counts();
        expect(after.counts['failed']).toBe(before.counts['failed']! + 2);
        await expect.poll(agree, { timeout: 15_000 }).toEqual(after);
        await expect
          .poll(() => rowIds(page), { timeout: 15_000 })
          .toEqual(await api.ids('processing,failed'));

        await page.goBack();
        await page.waitForURL(/#\/files\?status=failed$/);
        await expect.poll(() => rowIds(page)).toEqual(await api.failedIds());
        await page.goBack();
        await page.waitForURL(/#\/files$/);
        expect(await chips.getByRole('button', { name: /^All/ }).getAttribute('aria-pressed')).toBe('true');
        await page.close();
      });

      test('the failures view groups failed steps by error and lists the files of a group', async () => {
        const id = await api.failedFile('quota.pdf', 'Disk quota exceeded writing /srv/scans/7781.tmp');
        const page = await open('#/failures');
        const group = page.locator('.failure-group', { hasText: 'Disk quota exceeded writing <path>' });
        await group.waitFor();
        await group.getByRole('link', { name: /The file/ }).click();
        await page.waitForURL(/#\/files\?.*step=extract_text/);
        expect(new URLSearchParams(page.url().split('?')[1]).get('error')).toBe(
          'Disk quota exceeded writing',
        );
        await expect.poll(() => rowIds(page)).toEqual([id]);
        await page.getByRole('link', { name: 'Remove filter Error text' }).waitFor();
        await page.close();
      });

      test('a failed file is retried from its page and recovers live', async () => {
        const id = await api.failedFile('retry-me.pdf');
        const page = await open(`#/files/${id}`);
        const badge = page.locator('.file-page .view-head .badge');
        await badge.filter({ hasText: 'Failed' }).waitFor();
        await page.getByRole('button', { name: 'Retry failed steps' }).click();
        await badge.filter({ hasText: 'Processing' }).waitFor();
        await api.finishFailedStep(id);
        await badge.filter({ hasText: 'Completed' }).waitFor();
        await page.getByText('Retried 1 file').waitFor();
        await page.close();
      });

      test('selected failed files are retried together', async () => {
        const ids = [await api.failedFile('bulk-1.pdf'), await api.failedFile('bulk-2.pdf')];
        const page = await open('#/files?status=failed');
        for (const id of ids) await page.locator(`tr[data-file-id="${id}"] input[type=checkbox]`).check();
        await page.getByText('2 selected').waitFor();
        await page.getByRole('button', { name: 'Retry failed steps' }).click();
        await page.getByText(/Retried 2 files \(operation #\d+\)/).waitFor();
        await expect.poll(async () => (await rowIds(page)).filter((id) => ids.includes(id))).toEqual([]);
        for (const id of ids) {
          expect(await api.status(id)).toBe('processing');
          // One durable bulk operation did it, not one request per file (docs/architecture.md#bulk-operations).
          expect(
            (await api.notes(id)).filter((note) => note.startsWith('Bulk retry operation ')),
          ).toHaveLength(1);
        }
        await page.close();
      });

      test('a processed upload offers its original and its processed document for download', async () => {
        const original = await invoicePdf('Rechnung 2026-0815');
        const id = await api.upload('Rechnung März.pdf', original);
        const external = await api.completedFile('reported-elsewhere.pdf');
        const page = await open(`#/files/${id}`);
        await page
          .locator('.file-page .view-head .badge', { hasText: 'Completed' })
          .waitFor({ timeout: 90_000 });
        const processedLink = page.locator('a.download-link[data-kind="processed"]');
        await processedLink.waitFor();
        const [first] = await Promise.all([
          page.waitForEvent('download'),
          page.locator('a.download-link[data-kind="original"]').click(),
        ]);
        expect(first.suggestedFilename()).toBe('Rechnung März.pdf');
        expect(Buffer.compare(readFileSync(await first.path()), Buffer.from(original))).toBe(0);
        const [second] = await Promise.all([page.waitForEvent('download'), processedLink.click()]);
        expect(second.suggestedFilename()).toMatch(/\.pdf$/);
        expect(await processedLink.textContent()).toContain(second.suggestedFilename());
        const stamped = readFileSync(await second.path());
        expect(stamped.subarray(0, 5).toString()).toBe('%PDF-');
        // The worker wrote the metadata into a copy: the processed document is not the upload.
        expect(Buffer.compare(stamped, Buffer.from(original))).not.toBe(0);
        await page.screenshot({ path: join(shots, 'file-downloads-1400-light.png'), fullPage: true });
        await page.goto(`${api.url}/#/files/${external}`);
        await page.locator('.downloads', { hasText: 'Original: not stored by this API' }).waitFor();
        expect(await page.locator('a.download-link').count()).toBe(0);
        await page.close();
      });

      test('a webhook is subscribed, its deliveries and attempts watched, paused, resumed and deleted', async () => {
        const receiver = await WebhookReceiver.start();
        try {
          const page = await open('#/webhooks');
          await page.getByLabel('Receiver URL (http or https)').fill(receiver.url);
          await page.getByRole('checkbox', { name: /file\.failed/ }).uncheck();
          await page.getByRole('button', { name: 'Subscribe' }).click();
          await page.locator('.secret-notice code', { hasText: /^whsec_/ }).waitFor();
          await page.waitForURL(/#\/webhooks\?hook=\d+$/);
          const id = Number(new URLSearchParams(page.url().split('?')[1]).get('hook'));
          const row = page.locator(`tr[data-webhook-id="${id}"]`);
          expect(await row.locator('td[data-label="Events"]').textContent()).toBe('file.completed');
          await row.getByRole('button', { name: 'Send test' }).click();
          // The receiver answers the first attempt of each delivery 500 and the next 200.
          const delivered = page.locator('.delivery-table tbody tr', { hasText: 'Delivered' });
          await delivered.waitFor({ timeout: 30_000 });
          expect(await delivered.locator('td[data-label="Status code"]').textContent()).toBe('200');
          await delivered.locator('details.attempts summary').click();
          const attempts = delivered.locator('.attempt-list li');
          await expect.poll(() => attempts.count()).toBe(2);
          expect(await attempts.nth(0).textContent()).toContain('HTTP 500');
          expect(await attempts.nth(1).textContent()).toContain('HTTP 200');
          expect(receiver.requests).toHaveLength(2);

          await row.getByRole('button', { name: 'Pause…' }).click();
          await page.getByRole('dialog').getByRole('button', { name: 'Pause' }).click();
          await row.locator('.badge', { hasText: 'Paused' }).waitFor();
          await row.getByRole('button', { name: 'Send test' }).click();
          await page.locator('.delivery-table tbody tr', { hasText: 'Held (paused)' }).waitFor();
          expect(receiver.requests).toHaveLength(2);
          await row.getByRole('button', { name: 'Resume…' }).click();
          await page.getByRole('dialog').getByRole('button', { name: 'Resume' }).click();
          await row.locator('.badge', { hasText: 'Active' }).waitFor();
          await expect
            .poll(() => page.locator('.delivery-table tbody tr', { hasText: 'Delivered' }).count(), {
              timeout: 30_000,
            })
            .toBe(2);
          expect(receiver.requests).toHaveLength(4);
          await page.screenshot({ path: join(shots, 'webhooks-deliveries-1400-light.png'), fullPage: true });

          await row.getByRole('button', { name: 'Delete…' }).click();
          await page.getByRole('dialog').getByRole('button', { name: 'Delete subscription' }).click();
          await row.waitFor({ state: 'detached' });
          await page.close();
          // A subscription stays for the screenshots of every view.
          webhookShown = (await api.subscribeWebhook(receiver.url, ['file.completed', 'step.stalled'])).id;
          await api.testWebhook(webhookShown);
        } finally {
          await receiver.close();
        }
      });

      test('a step silent past its stall window is listed on the Stuck view with age and who last touched it', async () => {
        const id = await api.stalledFile('stalled-scan.pdf', 25);
        const page = await open('#/stuck');
        const row = page.locator(`tr[data-file-id="${id}"]`);
        await row.waitFor();
        expect(await row.locator('.badge').textContent()).toContain('Stalled');
        expect(await row.textContent()).toContain('celery-task-42');
        expect(await row.textContent()).toMatch(/2[5-9] min [\d.]+ s \/ 10 min 00\.000 s/);
        await row.getByRole('link', { name: `#${id}` }).click();
        await page.waitForURL(new RegExp(`#/files/${id}$`));
        await page.close();
      });

      test('the keyboard alone goes from the list to a file and back to the same list', async () => {
        const id = await api.failedFile('keyboard.pdf');
        const page = await open('#/files?status=failed');
        await page.locator(`tr[data-file-id="${id}"]`).waitFor();
        const target = `#/files/${id}`;
        let reached = false;
        for (let presses = 0; presses < 60 && !reached; presses += 1) {
          await page.keyboard.press('Tab');
          reached = (await page.evaluate('document.activeElement?.getAttribute("href")')) === target;
        }
        expect(reached).toBe(true);
        await page.keyboard.press('Enter');
        await page.waitForURL(new RegExp(`${target}$`));
        // Focus lands on the file's heading once it has loaded, so the keyboard continues from the top of the page.
        await expect
          .poll(() => page.evaluate('[document.activeElement?.tagName, document.activeElement?.textContent]'))
          .toEqual(['H1', 'keyboard.pdf']);
        // From the heading, Shift+Tab reaches the "← Files" link just above it.
        await page.keyboard.press('Shift+Tab');
        expect(await page.evaluate('document.activeElement?.textContent')).toBe('← Files');
        await page.keyboard.press('Enter');
        await page.waitForURL(/#\/files\?status=failed$/);
        await page.locator(`tr[data-file-id="${id}"]`).waitFor();
        await page.close();
      });

      test('every view fits 360 px without sideways scrolling, and is captured light and dark', async () => {
        const [latest] = await api.ids('completed');
        const [failed] = await api.failedIds();
        const views = {
          overview: '#/',
          files: '#/files',
          'files-failed': '#/files?status=failed',
          'file-completed': `#/files/${latest}`,
          'file-failed': `#/files/${failed}`,
          failures: '#/failures',
          stuck: '#/stuck',
          upload: '#/upload',
          webhooks: `#/webhooks${webhookShown === null ? '' : `?hook=${webhookShown}`}`,
        };
        for (const dark of [false, true]) {
          for (const width of [1400, 360]) {
            for (const [name, hash] of Object.entries(views)) {
              const page = await open(hash, { width, dark });
              await page.locator('main h1').waitFor();
              await page.locator('[aria-busy="true"]').waitFor({ state: 'detached' });
              await page.waitForTimeout(300);
              const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>(
                '[document.scrollingElement.scrollWidth, window.innerWidth]',
              );
              expect(scrollWidth, `${name} at ${width} px`).toBeLessThanOrEqual(innerWidth);
              await page.screenshot({
                path: join(shots, `${name}-${width}-${dark ? 'dark' : 'light'}.png`),
                fullPage: true,
              });
              await page.close();
            }
          }
        }
      });

      test('every failed file a filter matches is retried as one operation, after a count to confirm', async () => {
        await api.failedFile('matching-a.pdf', 'Disk quota exceeded writing /srv/scans/1.tmp');
        await api.failedFile('matching-b.pdf', 'Disk quota exceeded writing /srv/scans/2.tmp');
        const failed = await api.ids('failed');
        expect(failed.length).toBeGreaterThanOrEqual(2);
        const page = await open('#/files?status=failed');
        for (const id of failed) await page.locator(`tr[data-file-id="${id}"]`).waitFor();
        await page.getByRole('button', { name: 'Retry all matching…' }).click();
        const dialog = page.getByRole('dialog');
        await dialog
          .getByText(`Retry ${failed.length} matching file${failed.length === 1 ? '' : 's'}?`)
          .waitFor();
        await dialog.getByRole('button', { name: 'Retry them' }).click();
        await page.getByText(new RegExp(`Retried ${failed.length} files? \\(operation #\\d+\\)`)).waitFor();
        expect(await api.ids('failed')).toEqual([]);
        for (const id of failed) {
          expect(
            (await api.notes(id)).filter((note) => note.startsWith('Bulk retry operation ')),
          ).not.toEqual([]);
        }
        await page.close();
      });
    },
  );
}

async function rowIds(page: Page): Promise<number[]> {
  const ids = await page
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) => Number((row as { dataset: { fileId?: string } }).dataset.fileId)),
    );
  return ids;
}
