// Screenshots of the built renderer in Debian's Chromium, driven through every screen against the fake core.
// Run from the repository root after `npm run build:renderer`: `npx tsx renderer/screenshots/take-screenshots.ts [outDir]`.
import { chromium, type Page, type WebSocketRoute } from 'playwright-core';
import { launchUrl, serveApi, type RpcChannel } from '../../electron/shared/rpc/index.js';
import { ADDRESSES, createFakeCore, type FakeCore } from './fake-core.js';

const ORIGIN = 'http://127.0.0.1:4173';
const distDir = new URL('../../dist/renderer/', import.meta.url).pathname;
const outDir = process.argv[2] ?? 'test-artifacts/renderer-screenshots';
const PASSWORD = 'correct horse battery staple';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The page's WebSocket to /rpc, answered here by the real RPC server code over the fake core. */
function channelFromRoute(route: WebSocketRoute): RpcChannel {
  const closeListeners = new Set<() => void>();
  route.onClose(() => {
    for (const listener of closeListeners) listener();
  });
  return {
    send: (message) => route.send(JSON.stringify(message)),
    onMessage(listener) {
      route.onMessage((data) => listener(JSON.parse(typeof data === 'string' ? data : data.toString('utf8'))));
      return () => undefined;
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    close: () => void route.close(),
  };
}

async function openApp(page: Page, core: FakeCore): Promise<void> {
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    return route.fulfill({ path: `${distDir}${path === '/' ? 'index.html' : path.slice(1)}` });
  });
  await page.routeWebSocket(`${ORIGIN.replace('http', 'ws')}/rpc`, (route) => {
    serveApi(channelFromRoute(route), core);
  });
  // Web mode opens only with the launch's token; the routed WebSocket below is the fake core whatever it presents.
  await page.goto(launchUrl(ORIGIN, 'screenshots-fake-core-token'));
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(250);
  await page.screenshot({ path: `${outDir}/${name}.png` });
  console.log(`saved ${outDir}/${name}.png`);
}

/** A contact in the sidebar (group previews may name the same people). */
function contactButton(page: Page, name: string) {
  return page.getByRole('list', { name: 'Contacts' }).getByRole('button', { name: new RegExp(name) });
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
const errors: string[] = [];
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 780 }, colorScheme: 'light' });
  const torStuck = { state: 'starting', progress: 45, summary: 'Loading relay descriptors', problem: { reason: 'TIMEOUT', warning: 'Connecting to the Tor network is taking longer than usual', advice: 'If Tor is blocked where you are, add bridges in Settings → Tor.' } } as const;

  // First run: no profiles, so the app opens on creating one.
  {
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await openApp(page, createFakeCore({ profiles: [], tor: torStuck, historySize: 0 }));
    await page.getByLabel('Profile name on this computer').fill('Personal');
    await page.getByLabel('Your nickname').fill('Sam');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await shot(page, '01-create-profile-weak-password');
    await page.close();
  }

  const profiles = [
    { id: 'p1', label: 'Personal', createdAt: '2026-03-02T10:00:00Z' },
    { id: 'p2', label: 'Work', createdAt: '2026-06-14T10:00:00Z' },
  ];
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // The brief's CSP meta tag carries frame-ancestors, which only works as a header (web mode and Electron send it).
    if (message.type() === 'error' && !message.text().includes("'frame-ancestors' is ignored")) errors.push(message.text());
  });
  const core = createFakeCore({ profiles, tor: torStuck, historySize: 3_000 });
  await openApp(page, core);
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByRole('alert').waitFor();
  await shot(page, '02-unlock-wrong-password');
  await page.getByRole('button', { name: 'Delete “Personal”…' }).click();
  await page.getByRole('checkbox', { name: 'I understand this cannot be undone' }).check();
  await shot(page, '02b-delete-profile');
  await page.getByRole('button', { name: 'Back' }).click();

  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByRole('heading', { name: 'Choose a conversation' }).waitFor();
  await shot(page, '03-tor-connecting-stuck');

  core.emit({ name: 'tor.status', payload: { state: 'running', progress: 100, summary: 'Done' } });
  await contactButton(page, 'Alice').click();
  await page.getByRole('log').waitFor();
  await shot(page, '04-chat');

  await page.getByRole('log').evaluate((element) => (element.scrollTop = 0));
  await page.waitForTimeout(600);
  await shot(page, '05-chat-scrolled-to-older-page');

  await page.getByRole('log').evaluate((element) => (element.scrollTop = element.scrollHeight));
  // The newest link sits above the sample files; the list only renders rows near the view, so scroll up to it.
  const linkButton = page.getByRole('button', { name: 'https://example.org/notes/day-1' }).last();
  for (let step = 0; step < 30 && (await linkButton.count()) === 0; step += 1) await page.getByRole('log').evaluate((element) => (element.scrollTop -= 300));
  await linkButton.click();
  await shot(page, '06-link-confirmation');
  await page.keyboard.press('Escape');

  await contactButton(page, 'Bob').click();
  await shot(page, '07-identity-changed-warning');
  await page.getByRole('button', { name: 'Review safety number' }).click();
  await page.getByText('Not verified yet.').waitFor();
  await shot(page, '08-safety-number');

  await page.getByRole('button', { name: 'Add contact' }).click();
  await page.getByLabel('Their onion address').fill(`${ADDRESSES.alice.slice(0, 6)}1${ADDRESSES.alice.slice(7)}`);
  await shot(page, '09-add-contact-invalid-address');

  await page.getByRole('button', { name: /^Requests/ }).click();
  await shot(page, '10-requests');

  await page.getByRole('button', { name: /Sam/ }).click();
  await shot(page, '11-identity');

  await page.getByRole('button', { name: 'Settings' }).click();
  await shot(page, '12-settings');

  await page.getByRole('list', { name: 'Groups' }).getByRole('button', { name: /Reading group/ }).click();
  await page.getByRole('log').getByText('Yes, 7 pm at the library.').waitFor();
  await shot(page, '12a-group-chat');
  await page.getByRole('button', { name: 'Details' }).click();
  await shot(page, '12b-group-details');
  await page.getByRole('button', { name: 'Browse public groups' }).click();
  await page.getByRole('list', { name: 'Public groups' }).waitFor();
  await shot(page, '12c-group-directory');
  await page.getByRole('button', { name: 'New group' }).click();
  await page.getByLabel('Group name').fill('Hiking club');
  await shot(page, '12d-new-group');
  await page.getByRole('button', { name: 'Settings' }).click();

  await contactButton(page, 'Alice').click();
  await page.getByText('slides-day-2.pdf').scrollIntoViewIfNeeded();
  await page.getByRole('img', { name: 'view-from-the-hotel.png' }).waitFor();
  await shot(page, '13a-file-bubbles');
  await page.getByRole('button', { name: 'Enlarge view-from-the-hotel.png' }).click();
  await shot(page, '13b-image-preview');
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Settings' }).click();

  await page.getByLabel('Dark').check();
  await contactButton(page, 'Alice').click();
  await page.getByLabel('Message Alice').fill('Dark theme, and a new message typed here');
  await shot(page, '13-chat-dark');

  await page.setViewportSize({ width: 800, height: 640 });
  await shot(page, '14-chat-dark-800px');
} finally {
  await browser.close();
}
if (errors.length > 0) {
  console.error(`page errors:\n${errors.join('\n')}`);
  process.exitCode = 1;
}
