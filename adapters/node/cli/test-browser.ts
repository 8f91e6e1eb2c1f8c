/**
 * Headless Chromium for the UI tests: Debian's `chromium` driven by playwright-core (Playwright's own
 * browser download cannot be fetched here). Locally a missing browser skips the suite; under CI it fails.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = process.env.TIDE_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && process.env.CI) {
  throw new Error(`the UI tests need Chromium at ${CHROMIUM}: apt-get install -y chromium (or set TIDE_CHROMIUM)`);
}

/** Where the tests leave a screenshot of each page for a reviewer. */
export const SCREENSHOTS = join(process.cwd(), '.test-output', 'ui');

export interface Browser {
  context: BrowserContext;
  /** Script errors and dialogs (`alert`) seen on any page: a test expects none. */
  problems: string[];
  page(): Promise<Page>;
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'tide-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const problems: string[] = [];
  return {
    context,
    problems,
    async page() {
      const page = await context.newPage();
      page.on('pageerror', (error) => problems.push(`script error on ${page.url()}: ${error.message}`));
      page.on('dialog', (dialog) => {
        problems.push(`dialog on ${page.url()}: ${dialog.type()} ${dialog.message()}`);
        void dialog.dismiss();
      });
      return page;
    },
    async shot(page, name) {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
