// Debian's Chromium for the journey: one browser, a page per person, screenshots, and everything the page should never do recorded.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../electron/web/repo-paths.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-artifacts', 'e2e');

export interface PersonPage {
  readonly name: string;
  readonly page: Page;
  /** Script errors, console errors and dialogs (a dialog would mean message text ran as code). */
  readonly problems: string[];
}

/** Debian's Chromium, headless, with its own calls home turned off. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/** Starts Chromium and empties the screenshot folder, so it holds this run's pictures only. */
export async function launchBrowser(): Promise<Browser> {
  await rm(SCREENSHOT_DIR, { recursive: true, force: true });
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  return launchChromium();
}

/**
 * A context of its own per person, as two people on two machines; the clipboard is granted so "Copy address" can be
 * checked. `url` is the printed launch URL: the page takes the token from its fragment.
 */
export async function openPersonPage(browser: Browser, name: string, url: string): Promise<PersonPage> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 780 }, colorScheme: 'light' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // index.html's CSP meta tag carries frame-ancestors, which only a header can enforce (web mode sends that header too).
    if (message.type() === 'error' && !message.text().includes("'frame-ancestors' is ignored")) problems.push(`console error: ${message.text()}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog (${dialog.type()}): ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(url);
  return { name, page, problems };
}

export async function screenshot(person: PersonPage, fileName: string): Promise<void> {
  // Let transitions and late layout settle, so the picture shows what a person would see.
  await person.page.waitForTimeout(300);
  await person.page.screenshot({ path: join(SCREENSHOT_DIR, `${fileName}.png`) });
}
