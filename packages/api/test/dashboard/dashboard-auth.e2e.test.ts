import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess } from '@steptrail/test-servers/app-process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { buildDashboard } from '../support/dashboard-build.js';
import { STANDALONE } from './dashboard-suite.js';

const SECRET = 'dashboard-test-secret-0123456789';
const API_ONLY = /steptrail is running \(API only\)\. Dashboard: (http:\/\/127\.0\.0\.1:\d+)\//;
const skip = browserSkipReason();

describe.skipIf(skip !== null)(
  `the dashboard on an API that requires tokens${skip === null ? '' : ` (skipped: ${skip})`}`,
  () => {
    let app: AppProcess;
    let browser: Browser;
    let url: string;
    let scratch: string;

    beforeAll(async () => {
      scratch = mkdtempSync(join(tmpdir(), 'steptrail-dashboard-auth-'));
      await buildDashboard();
      app = new AppProcess(
        STANDALONE,
        {
          PORT: '0',
          LOG_LEVEL: 'warn',
          START_WORKER: 'false',
          DATABASE_URL: `sqlite:${join(scratch, 'steptrail.db')}`,
          API_TOKENS: `dashboard:read:${SECRET}`,
        },
        scratch,
      );
      [, url = ''] = await app.waitForOutput(API_ONLY, 120_000);
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      await app?.stop();
      if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
    });

    test('asks for a token when the API answers 401, then shows the data and goes live', async () => {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`${url}/#/files`);
      const dialog = page.getByRole('dialog', { name: 'This server needs an API token' });
      await dialog.waitFor();
      await dialog.getByLabel('Bearer token').fill(SECRET);
      await dialog.getByRole('button', { name: 'Use token' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByRole('heading', { name: 'No files yet' }).waitFor();
      await page.locator('.live-live').waitFor();
      expect(await page.evaluate('sessionStorage.getItem("steptrail-token")')).toBe(SECRET);
      await page.close();
    });
  },
);
