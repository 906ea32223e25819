// What the journey reads and does on a group's page: its header, its details, its messages with their senders, sending, and the public directory.
import type { Locator, Page } from 'playwright-core';

const SECOND = 1_000;

/** The open group's header, found by the group's name. */
export function groupHeader(page: Page, groupName: string): Locator {
  return page.locator('header').filter({ has: page.getByRole('heading', { name: groupName, level: 2 }) });
}

/** Opens the open group's details (if closed) and returns them. */
export async function openGroupDetails(page: Page): Promise<Locator> {
  const toggle = page.locator('header').getByRole('button', { name: 'Details' });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  const details = page.getByRole('region', { name: 'Group details' });
  await details.waitFor();
  return details;
}

/** Closes the open group's details (if open), so the conversation has the room. */
export async function closeGroupDetails(page: Page): Promise<void> {
  const toggle = page.locator('header').getByRole('button', { name: 'Details' });
  if ((await toggle.getAttribute('aria-expanded')) === 'true') await toggle.click();
  await page.getByRole('region', { name: 'Group details' }).waitFor({ state: 'detached' });
}

/** Every message shown in the open conversation. */
export function groupMessages(page: Page): Locator {
  return page.getByRole('log').locator('.message');
}

/** The open group conversation as shown: each message's text, and the sender's name above it (none above mine). */
export async function readGroupConversation(page: Page): Promise<{ sender: string | null; text: string | null }[]> {
  const shown: { sender: string | null; text: string | null }[] = [];
  for (const message of await groupMessages(page).all()) {
    const sender = message.locator('.sender');
    shown.push({ sender: (await sender.count()) > 0 ? await sender.textContent() : null, text: await message.locator('.text').textContent() });
  }
  return shown;
}

/** Types a message into the group's composer and sends it with Enter; returns once it shows as mine. */
export async function sendToGroup(page: Page, groupName: string, text: string): Promise<void> {
  const outgoing = groupMessages(page).and(page.locator('.out'));
  const before = await outgoing.count();
  const box = page.getByLabel(`Message ${groupName}`);
  await box.fill(text);
  await box.press('Enter');
  await outgoing.nth(before).filter({ hasText: text }).waitFor();
}

/**
 * Waits on the "Public groups" page for the listing of that name, clicking "Refresh" now and then as a person would
 * (the page asks the relays once when it opens).
 */
export async function waitForDirectoryEntry(page: Page, name: string, timeout: number): Promise<Locator> {
  const entry = page.getByRole('list', { name: 'Public groups' }).getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      await entry.waitFor({ timeout: 30 * SECOND });
      return entry;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  }
}
