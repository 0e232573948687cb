import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium, installed by scripts/ensure-test-servers.sh; playwright-core downloads no browser. */
export const CHROMIUM = process.env['ROOST_CHROMIUM'] ?? '/usr/bin/chromium';

/** Screenshots of each step, kept as test artefacts (tmp/ is ignored by git). */
export const SCREENSHOTS = join(__dirname, '../../tmp/console-e2e');

export async function launchChromium(): Promise<Browser> {
  // As root (the CI machine) Chromium refuses to start sandboxed.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A page of the console with `token` entered once, as a person would (kept in session storage). */
export async function signIn(browser: Browser, url: string, token: string | null): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`${url}/`);
  if (token !== null) {
    await page.getByTestId('token').fill(token);
    await page.getByTestId('token-save').click();
  }
  return page;
}
