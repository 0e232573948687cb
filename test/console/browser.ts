import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const REPO = join(__dirname, '../..');

/**
 * Builds the console with Vite when its sources changed since the last build (what `npm start`
 * and `npm test` run first), so this suite always drives the console of the tree it tests.
 */
export function buildConsoleIfStale(): string {
  return execFileSync(process.execPath, [join(REPO, 'scripts/console-build.mjs'), '--if-stale'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 }).trim();
}

/** Debian's chromium, installed by scripts/ensure-test-servers.sh; playwright-core downloads no browser. */
export const CHROMIUM = process.env['ROOST_CHROMIUM'] ?? '/usr/bin/chromium';

/** Screenshots of each step, kept as test artefacts (tmp/ is ignored by git). */
export const SCREENSHOTS = join(REPO, 'tmp/console-e2e');

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
  await page.goto(`${url}/`);
  if (token !== null) {
    await page.getByTestId('token').fill(token);
    await page.getByTestId('token-save').click();
  }
  return page;
}

/** Answers the console's question before an action that touches many agents; returns the question. */
export async function confirmAction(page: Page): Promise<string> {
  const dialog = page.getByTestId('confirm-dialog');
  await dialog.waitFor();
  const question = (await dialog.locator('p').textContent()) ?? '';
  await dialog.getByTestId('confirm-yes').click();
  await dialog.waitFor({ state: 'detached' });
  return question;
}
