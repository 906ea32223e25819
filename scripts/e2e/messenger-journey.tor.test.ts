// The whole journey in Chromium over the private Tor network, all through the UI: two web-mode profiles made, introduced, chatting, verified, a message left at a relay while one is offline, a group of three (an invitation, a link, three senders) listed in the relay's directory, then files: media previewed, an SVG only downloaded.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startRelay, type Relay } from '../../electron/relay/index.js';
import { closeGroupDetails, groupHeader, groupMessages, openGroupDetails, readGroupConversation, sendToGroup, waitForDirectoryEntry } from './group-page.js';
import { launchBrowser, openPersonPage, screenshot, type PersonPage } from './journey-browser.js';
import { drawnMedia, hostileSvg, IMAGE_SIZE, sineWav, VIDEO_SIZE, type MediaFile } from './journey-media.js';
import { buildRenderer, type RendererBuild } from './renderer-build.js';
import { startWebModePerson, type WebModePerson } from './web-mode-person.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
// Tor: publishing a service and the first request to a fresh one can take a minute or two on a loaded machine.
const TOR_WAIT = 3 * MINUTE;
const STEP_TIMEOUT = 5 * MINUTE;
// A step that waits for a fresh tor (Bob signing in again) or for a young relay onion: several Tor waits in a row.
const LONG_STEP_TIMEOUT = 10 * MINUTE;
// Adding a relay: a person clicks "Add relay" again while the relay's young onion cannot be reached yet.
const RELAY_ADD_WAIT = 6 * MINUTE;

const HOSTILE = '<img src=x onerror=alert(1)>';
const REQUEST_MESSAGE = "Hi Alice, it's Bob from the reading group.";
const STATUS_TEXT = 'Back after lunch';
const LEFT_AT_RELAY = 'Left at your relay while you were away.';
const GROUP_NAME = 'Reading group';
const PUBLIC_NAME = 'reading-group';
const GROUP_DESCRIPTION = 'One book a month, talked over on Thursdays.';
const GROUP_LINES = new Map([
  ['Alice', 'Welcome, both of you! Chapter three for Thursday?'],
  ['Bob', 'Thursday works. I am halfway through.'],
  ['Carol', 'Hello from Carol, glad to be in.'],
]);
const IMAGE_NAME = 'allium-garden.png';
const AUDIO_NAME = 'a-tone.wav';
const VIDEO_NAME = 'moving-dot.webm';
const SVG_NAME = 'drawing.svg';
// The tone sineWav makes, in seconds.
const TONE_SECONDS = 1.5;

describe('messenger journey in a browser over Tor', () => {
  const people: WebModePerson[] = [];
  let renderer: RendererBuild | undefined;
  let browser: Browser | undefined;
  let alice: PersonPage;
  let bob: PersonPage;
  // Carol makes her profile with the others and waits until the group scene, where she joins by a link.
  let carol: PersonPage;
  const logLines: string[] = [];
  let bobAddress = '';
  let relay: Relay | undefined;
  let relayDir: string | undefined;
  // Later steps build on earlier ones: after one fails, the rest report that instead of failing obscurely.
  let failedStep: string | undefined;
  // The files of the file scene, made once Chromium runs.
  let media: MediaFile[] = [];
  const mediaNamed = (name: string): MediaFile => {
    const found = media.find((file) => file.name === name);
    if (found === undefined) throw new Error(`the file scene made no ${name}`);
    return found;
  };

  beforeAll(async () => {
    const torrcExtraFile = inject('testnetTorrcFile');
    const log = (line: string): void => void logLines.push(line);
    renderer = await buildRenderer();
    const rendererDir = renderer.dir;
    relayDir = await mkdtemp(join(tmpdir(), 'allium-e2e-relay-'));
    const relayEnv = { ...process.env, ALLIUM_TORRC_EXTRA: torrcExtraFile };
    const [relayStarted, ...started] = await Promise.allSettled([
      startRelay({ dataDir: relayDir, env: relayEnv, log: (line) => log(`relay: ${line}`) }),
      ...['Alice', 'Bob', 'Carol'].map((name) => startWebModePerson({ name, torrcExtraFile, rendererDir, log })),
    ]);
    if (relayStarted.status === 'fulfilled') relay = relayStarted.value;
    for (const result of started) if (result.status === 'fulfilled') people.push(result.value);
    const failure = [relayStarted, ...started].find((result) => result.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
    const [aliceServer, bobServer, carolServer] = people;
    if (aliceServer === undefined || bobServer === undefined || carolServer === undefined) throw new Error('all three people should have started');
    browser = await launchBrowser();
    alice = await openPersonPage(browser, 'Alice', aliceServer.url);
    bob = await openPersonPage(browser, 'Bob', bobServer.url);
    carol = await openPersonPage(browser, 'Carol', carolServer.url);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([...people.map((person) => person.stop()), relay?.stop()]);
    if (relayDir !== undefined) await rm(relayDir, { recursive: true, force: true });
    await renderer?.remove();
    if (failedStep !== undefined && logLines.length > 0) console.log(`core log of the failed run:\n${logLines.join('\n')}`);
  });

  /** One step of the journey; on failure every screen is kept, as `failed-<step>-<person>.png`. */
  const step = (name: string, slug: string, run: () => Promise<void>, timeout = STEP_TIMEOUT): void => {
    it(name, async ({ skip }) => {
      if (failedStep !== undefined) skip(`an earlier step failed: ${failedStep}`);
      try {
        await run();
        expect(alice.problems).toEqual([]);
        expect(bob.problems).toEqual([]);
        expect(carol.problems).toEqual([]);
      } catch (error) {
        failedStep = name;
        for (const person of [alice, bob, carol]) await screenshot(person, `failed-${slug}-${person.name.toLowerCase()}`).catch(() => undefined);
        throw error;
      }
    }, timeout);
  };

  step('all three create a profile in the UI and become reachable', 'create', async () => {
    // Carol's first screens are Alice's and Bob's again: hers are not pictured.
    [, bobAddress] = await Promise.all([createProfile(alice, ['01', '02']), createProfile(bob, ['03', '04']), createProfile(carol)]);
  });

  step("Bob adds Alice by the address copied from her screen, with a request message", 'add', async () => {
    const { page } = alice;
    const shown = await page.locator('.card').getByLabel(/^Onion address /).getAttribute('aria-label');
    await page.getByRole('button', { name: 'Copy address' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    // A string, not a function: scripts are type-checked without the DOM library.
    const copied = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(shown).toBe(`Onion address ${copied}`);
    expect(copied).toMatch(/^[a-z2-7]{56}\.onion$/);

    await bob.page.getByRole('button', { name: 'Add contact', exact: true }).click();
    await bob.page.getByLabel('Their onion address').fill(copied);
    await bob.page.getByText('Valid onion address').waitFor();
    await bob.page.getByLabel('Name for this contact').fill('Alice');
    await bob.page.getByLabel('Message with your request').fill(REQUEST_MESSAGE);
    expect(await verticalGap(bob.page.getByText('They receive your request'), bob.page.locator('form.card'))).toBeGreaterThanOrEqual(12);
    await screenshot(bob, '05-bob-add-contact');
    await bob.page.getByRole('button', { name: 'Send request' }).click();
    await bob.page.getByText('Waiting for Alice to accept your request.').waitFor();
    await screenshot(bob, '06-bob-request-pending');
  });

  step('Alice finds the request with its message in her inbox and accepts it', 'accept', async () => {
    const { page } = alice;
    await page.getByRole('button', { name: /^Requests/ }).getByLabel('1 waiting').waitFor({ timeout: TOR_WAIT });
    await page.getByRole('button', { name: /^Requests/ }).click();
    const request = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Bob' }) });
    await request.getByText(REQUEST_MESSAGE).waitFor();
    await request.getByLabel(`Onion address ${bobAddress}.onion`).waitFor();
    await screenshot(alice, '07-alice-request-inbox');
    await request.getByRole('button', { name: 'Accept' }).click();
    await page.getByRole('heading', { name: 'Bob', level: 2 }).waitFor();
    await bob.page.getByText('Waiting for Alice to accept your request.').waitFor({ state: 'detached', timeout: TOR_WAIT });
  });

  step('they chat both ways, see "Delivered", and hostile text stays text', 'chat', async () => {
    await send(alice, 'Bob', 'Hi Bob! Accepted, welcome.');
    await conversation(bob.page).getByText('Hi Bob! Accepted, welcome.').waitFor({ timeout: TOR_WAIT });
    await send(bob, 'Alice', HOSTILE);
    // Bob's reply is Alice's first incoming message: wait for it by position, so markup made of it fails the assertion, not a timeout.
    const received = conversation(alice.page).locator('.message.in');
    await received.first().waitFor({ timeout: TOR_WAIT });
    expect(await received.locator('.text').allTextContents()).toEqual([HOSTILE]);
    expect(await conversation(alice.page).locator('img').count()).toBe(0);
    await screenshot(alice, '08-alice-chat');
    await screenshot(bob, '09-bob-chat');
  });

  step('Bob goes "Away" with a status text and Alice sees it', 'presence', async () => {
    const { page } = bob;
    await page.getByRole('navigation').getByRole('button', { name: /^Bob/ }).click();
    await page.getByRole('heading', { name: 'My identity' }).waitFor();
    await page.getByLabel('Away').check();
    await page.getByLabel('Status text').fill(STATUS_TEXT);
    await page.getByRole('button', { name: 'Save status' }).click();
    await page.getByRole('status').getByText('Saved').waitFor();
    await page.getByRole('navigation').getByRole('button', { name: /^Bob/ }).getByText(STATUS_TEXT).waitFor();
    await screenshot(bob, '10-bob-identity-away');

    const header = alice.page.locator('header');
    await header.getByText(`Away · ${STATUS_TEXT}`).waitFor({ timeout: TOR_WAIT });
    await header.getByRole('img', { name: 'Away' }).waitFor();
    const listed = alice.page.getByRole('list', { name: 'Contacts' }).getByRole('button', { name: /Bob/ });
    await listed.getByRole('img', { name: 'Away' }).waitFor();
    await listed.getByText(STATUS_TEXT).waitFor();
    await screenshot(alice, '11-alice-sees-bob-away');
  });

  step("Alice compares Bob's safety number with his screen and marks him verified", 'verify', async () => {
    await bob.page.getByRole('list', { name: 'Contacts' }).getByRole('button', { name: /Alice/ }).click();
    const bobDigits = await safetyNumber(bob.page);
    await screenshot(bob, '12-bob-safety-number');
    const aliceDigits = await safetyNumber(alice.page);
    expect(aliceDigits).toMatch(/^\d{60}$/);
    expect(aliceDigits).toBe(bobDigits);
    await alice.page.getByText('Not verified yet.').waitFor();
    await alice.page.getByRole('button', { name: 'The numbers match: mark as verified' }).click();
    await alice.page.getByText('✓ You marked this safety number as verified.').waitFor();
    await screenshot(alice, '13-alice-safety-number-verified');
    await alice.page.getByRole('button', { name: '← Back to the conversation' }).click();
    await alice.page.locator('header').getByText('✓ Verified').waitFor();
    await alice.page.getByRole('list', { name: 'Contacts' }).getByLabel('verified').waitFor();
    expect(await gapBeforeMark(alice.page, 'header .verified')).toBeGreaterThanOrEqual(3);
    expect(await gapBeforeMark(alice.page, 'nav .verified')).toBeGreaterThanOrEqual(3);
    await screenshot(alice, '14-alice-chat-bob-verified');
  });

  step('both add the relay in Settings → Relays by its invitation, and Alice learns Bob has a mailbox there', 'relays', async () => {
    const { invitation, onionAddress } = started(relay);
    // The operator hands the invitation out once the onion is published; reaching it may still take tries.
    await started(relay).waitUntilReachable(TOR_WAIT);
    await Promise.all([addRelay(alice, invitation, onionAddress), addRelay(bob, invitation, onionAddress)]);
    // Each has one contact, so one mailbox each on the relay, opened once the relay answered.
    await Promise.all(
      [alice, bob].map((person) => relayListed(person.page, onionAddress).getByText(/^Reachable · 1\s+mailbox$/).waitFor({ timeout: TOR_WAIT })),
    );
    await bob.page.getByRole('region', { name: 'Relays' }).scrollIntoViewIfNeeded();
    await screenshot(bob, '15-bob-relays-reachable');

    // Bob's new mailbox reaches Alice over Signal while both are online; her details of Bob then name his relay.
    await alice.page.getByRole('list', { name: 'Contacts' }).getByRole('button', { name: /Bob/ }).click();
    await alice.page.locator('header').getByRole('button', { name: 'Details' }).click();
    const details = alice.page.getByRole('region', { name: 'Contact details' });
    await details.getByText(`Their relay: ${onionAddress.slice(0, 16)}….onion.`, { exact: false }).waitFor({ timeout: TOR_WAIT });
    await alice.page.locator('header').getByRole('button', { name: 'Details' }).click();
    await details.waitFor({ state: 'detached' });
  }, LONG_STEP_TIMEOUT);

  step('Bob locks Allium; Alice chooses "Leave at Bob’s relay", sends, and sees the message held by the relay', 'held', async () => {
    await bob.page.getByRole('navigation').getByRole('button', { name: 'Lock', exact: true }).click();
    await bob.page.getByRole('heading', { name: 'Unlock your profile' }).waitFor({ timeout: MINUTE });

    const { page } = alice;
    await page.locator('header').getByText('Offline', { exact: true }).waitFor({ timeout: TOR_WAIT });
    const choice = page.getByRole('group', { name: 'Bob is offline: what happens to this message' });
    // Waiting is the private default: nothing leaves Alice's computer unless she chooses the relay.
    expect(await choice.getByRole('radio', { name: 'Wait until Bob is online' }).isChecked()).toBe(true);
    const leave = choice.getByRole('radio', { name: 'Leave at Bob’s relay' });
    await leave.check();
    expect(await leave.isChecked()).toBe(true);
    await screenshot(alice, '16-alice-leave-at-bobs-relay');

    const deposits = started(relay).counters().deposits;
    const box = page.getByLabel('Message Bob');
    const outgoing = conversation(page).locator('.message.out');
    const before = await outgoing.count();
    await box.fill(LEFT_AT_RELAY);
    await box.press('Enter');
    const mine = outgoing.nth(before);
    await mine.waitFor();
    expect(await mine.locator('.text').textContent()).toBe(LEFT_AT_RELAY);
    await mine.getByText(/^Held by relay until \S.* \d{4}$/).waitFor({ timeout: TOR_WAIT });
    expect(started(relay).counters().deposits).toBeGreaterThan(deposits);
    await screenshot(alice, '17-alice-held-by-relay');
  });

  step('Bob unlocks with his password and reads the message from his relay; Alice then sees it delivered', 'fetch', async () => {
    const { page } = bob;
    await page.getByLabel('Password', { exact: true }).fill(passwordOf('Bob'));
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByRole('list', { name: 'Contacts' }).getByRole('button', { name: /Alice/ }).click();
    await conversation(page).locator('.message.in').getByText(LEFT_AT_RELAY).waitFor({ timeout: TOR_WAIT });
    await screenshot(bob, '18-bob-reads-relayed-message');
    // Bob fetched it from the relay and acknowledged it there: the relay holds nothing any more.
    await expect.poll(() => started(relay).status().bytesHeld, { timeout: TOR_WAIT }).toBe(0);

    const mine = conversation(alice.page).locator('.message.out').filter({ hasText: LEFT_AT_RELAY });
    await mine.getByText('Delivered').waitFor({ timeout: TOR_WAIT });
    await screenshot(alice, '19-alice-relayed-message-delivered');
  }, LONG_STEP_TIMEOUT);

  step('Alice starts a group in the UI and invites Bob, who accepts in his Requests inbox', 'group-invite', async () => {
    const { page } = alice;
    await page.getByRole('navigation').getByRole('button', { name: 'New group', exact: true }).click();
    await page.getByLabel('Group name', { exact: true }).fill(GROUP_NAME);
    await screenshot(alice, '20-alice-group-create');
    await page.locator('form').getByRole('button', { name: 'Create group', exact: true }).click();
    await groupHeader(page, GROUP_NAME).getByText('1 member', { exact: true }).waitFor();
    const details = await openGroupDetails(page);
    await details.getByLabel('Contact to add').selectOption({ label: 'Bob' });
    await details.getByRole('button', { name: 'Add member' }).click();

    const invitation = bob.page.getByRole('list', { name: 'Group invitations' }).getByRole('listitem').filter({ has: bob.page.getByRole('heading', { name: GROUP_NAME }) });
    await bob.page.getByRole('button', { name: /^Requests/ }).getByLabel('1 waiting').waitFor({ timeout: TOR_WAIT });
    await bob.page.getByRole('button', { name: /^Requests/ }).click();
    await invitation.getByText('Alice invites you · 1 member').waitFor();
    await screenshot(bob, '21-bob-group-invitation');
    await invitation.getByRole('button', { name: 'Accept' }).click();
    // Accepting opens the group; Bob is in once Alice's core adds him and sends him the roster.
    await groupHeader(bob.page, GROUP_NAME).getByText(/^2 members/).waitFor({ timeout: TOR_WAIT });
    await details.getByRole('list', { name: 'Members' }).getByRole('listitem', { name: 'Bob' }).waitFor({ timeout: TOR_WAIT });
    await screenshot(alice, '22-alice-group-bob-added');
  });

  step('Carol pastes the invitation link Alice copied into "Join group" and is let in', 'group-link', async () => {
    const { page } = alice;
    const details = page.getByRole('region', { name: 'Group details' });
    await details.getByRole('button', { name: 'Copy invitation link' }).click();
    await details.getByText(/^Copied\./).waitFor();
    // A string, not a function: scripts are type-checked without the DOM library.
    const link = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(link).toMatch(/^allium-group:\S+$/);
    expect(await details.locator('.link').textContent()).toBe(link);

    await carol.page.getByRole('navigation').getByRole('button', { name: 'Join group', exact: true }).click();
    await carol.page.getByLabel('Group link or public name').fill(link);
    await screenshot(carol, '23-carol-join-by-link');
    await carol.page.locator('form').getByRole('button', { name: 'Join group', exact: true }).click();
    // Carol is no contact of Alice's: her request names the group and its secret, and Alice's core lets her in by itself.
    await Promise.all([alice, bob, carol].map((person) => groupHeader(person.page, GROUP_NAME).getByText(/^3 members/).waitFor({ timeout: TOR_WAIT })));
    await details.getByRole('list', { name: 'Members' }).getByRole('listitem', { name: 'Carol' }).waitFor();
    await screenshot(carol, '24-carol-group-joined');
  }, LONG_STEP_TIMEOUT);

  step('each of the three writes in the group; every screen shows all three with their senders, each delivered to 2 of 2', 'group-chat', async () => {
    const everyone = [alice, bob, carol] as const;
    await closeGroupDetails(alice.page);
    for (const sender of everyone) {
      const text = groupLineOf(sender);
      await sendToGroup(sender.page, GROUP_NAME, text);
      // Sent one after the other, so every screen holds them in the same order.
      for (const reader of everyone.filter((person) => person !== sender)) {
        await groupMessages(reader.page).filter({ hasText: text }).waitFor({ timeout: TOR_WAIT });
      }
    }
    for (const person of everyone) {
      // Bob and Carol are not contacts: their copies travel once their cores introduced themselves for the group.
      const mine = groupMessages(person.page).filter({ hasText: groupLineOf(person) });
      await mine.getByText('Delivered to 2 of 2', { exact: true }).waitFor({ timeout: TOR_WAIT });
      const shown = await readGroupConversation(person.page);
      expect(shown).toEqual(everyone.map((sender) => ({ sender: sender === person ? null : sender.name, text: groupLineOf(sender) })));
    }
    await screenshot(alice, '25-alice-group-chat-three-senders');
    await screenshot(bob, '26-bob-group-chat-three-senders');
    await screenshot(carol, '27-carol-group-chat-three-senders');
  }, LONG_STEP_TIMEOUT);

  step("Alice lists the group on the relay; Bob's \"Browse public groups\" shows it with its three members", 'group-directory', async () => {
    const details = await openGroupDetails(alice.page);
    const listing = details.getByRole('form', { name: 'Public listing' });
    await listing.getByLabel('Public name').fill(PUBLIC_NAME);
    await listing.getByLabel('Description').fill(GROUP_DESCRIPTION);
    await listing.getByRole('button', { name: 'List publicly' }).click();
    await listing.getByText(`Listed as ${PUBLIC_NAME} on`).waitFor({ timeout: TOR_WAIT });
    await listing.scrollIntoViewIfNeeded();
    await screenshot(alice, '28-alice-group-listed');

    await bob.page.getByRole('navigation').getByRole('button', { name: 'Browse public groups' }).click();
    const entry = await waitForDirectoryEntry(bob.page, PUBLIC_NAME, TOR_WAIT);
    await entry.getByText('3 members', { exact: true }).waitFor();
    await entry.getByText(GROUP_DESCRIPTION).waitFor();
    // Bob is in already: no button to join again.
    await entry.getByText('Joined', { exact: true }).waitFor();
    await screenshot(bob, '29-bob-group-directory');
  });

  step('Alice sends Bob an image, a tone, a video and an SVG through the attach button; each reaches "Sent"', 'file-send', async () => {
    const { image, video } = await drawnMedia(started(browser), IMAGE_NAME, VIDEO_NAME);
    media = [image, sineWav(AUDIO_NAME), video, hostileSvg(SVG_NAME)];
    const { page } = alice;
    await page.getByRole('list', { name: 'Contacts' }).getByRole('button', { name: /Bob/ }).click();
    await page.getByRole('heading', { name: 'Bob', level: 2 }).waitFor();
    await page.getByRole('button', { name: 'Attach files' }).waitFor();
    // The hidden input behind "Attach files", as the file chooser fills it.
    await page.locator('form.composer input[type=file]').setInputFiles(media.map(({ name, mimeType, buffer }) => ({ name, mimeType, buffer })));
    for (const { name } of media) await fileBubble(page, 'out', name).and(page.locator('[data-state="sent"]')).waitFor({ timeout: TOR_WAIT });
    await screenshot(alice, '30-alice-files-sent');
  }, LONG_STEP_TIMEOUT);

  step('Bob sees the image, plays nothing on its own, and enlarges the picture', 'file-image', async () => {
    const { page } = bob;
    await page.getByRole('list', { name: 'Contacts' }).getByRole('button', { name: /Alice/ }).click();
    for (const { name } of media) await fileBubble(page, 'in', name).and(page.locator('[data-state="received"]')).waitFor({ timeout: TOR_WAIT });
    const thumb = fileBubble(page, 'in', IMAGE_NAME).getByRole('button', { name: `Enlarge ${IMAGE_NAME}` });
    await thumb.waitFor({ timeout: TOR_WAIT });
    // Decoded by Chromium from the bytes Bob's core verified: a broken or truncated file has no natural size.
    expect(await naturalSize(thumb.getByRole('img', { name: IMAGE_NAME }))).toEqual(IMAGE_SIZE);
    await thumb.scrollIntoViewIfNeeded();
    await screenshot(bob, '31-bob-image-preview');
    await thumb.click();
    const viewer = page.getByRole('dialog', { name: IMAGE_NAME });
    expect(await naturalSize(viewer.getByRole('img', { name: IMAGE_NAME }))).toEqual(IMAGE_SIZE);
    await screenshot(bob, '32-bob-image-enlarged');
    await viewer.getByRole('button', { name: 'Close' }).click();
    await viewer.waitFor({ state: 'detached' });
  });

  step('Bob gets an audio player for the tone and a video player for the clip, both decoded from the received bytes', 'file-media', async () => {
    const { page } = bob;
    const audio = fileBubble(page, 'in', AUDIO_NAME).locator('audio');
    const video = fileBubble(page, 'in', VIDEO_NAME).locator('video');
    await Promise.all([audio.waitFor({ timeout: TOR_WAIT }), video.waitFor({ timeout: TOR_WAIT })]);
    // Nothing plays by itself: both wait, paused, for a click.
    await expect.poll(() => mediaState(audio), { timeout: MINUTE }).toMatchObject({ ready: true, paused: true, autoplay: false });
    expect((await mediaState(audio)).duration).toBeCloseTo(TONE_SECONDS, 1);
    await expect.poll(() => mediaState(video), { timeout: MINUTE }).toMatchObject({ ready: true, paused: true, autoplay: false, ...VIDEO_SIZE });
    await fileBubble(page, 'in', VIDEO_NAME).scrollIntoViewIfNeeded();
    await screenshot(bob, '33-bob-audio-video');
  });

  step('Bob is offered the SVG as a download only: nothing renders it, "Save as…" hands over the very bytes', 'file-svg', async () => {
    const { page } = bob;
    const bubble = fileBubble(page, 'in', SVG_NAME);
    await bubble.getByText('Received').waitFor();
    expect(await bubble.locator('img, svg, object, iframe, embed, audio, video').count()).toBe(0);
    expect(await page.locator('object, iframe, embed').count()).toBe(0);
    expect(await page.getByRole('img', { name: SVG_NAME }).count()).toBe(0);
    await bubble.scrollIntoViewIfNeeded();
    await screenshot(bob, '34-bob-svg-download-only');
    const [download] = await Promise.all([page.waitForEvent('download'), bubble.getByRole('button', { name: 'Save as…' }).click()]);
    expect(download.suggestedFilename()).toBe(SVG_NAME);
    const saved = await readFile(await download.path());
    expect(saved.equals(mediaNamed(SVG_NAME).buffer)).toBe(true);
  });

  step('Alice sends the picture to the group too; Bob and Carol both see it previewed', 'group-file', async () => {
    const { page } = alice;
    await page.getByRole('list', { name: 'Groups' }).getByRole('button', { name: new RegExp(GROUP_NAME) }).click();
    await groupHeader(page, GROUP_NAME).waitFor();
    const { name, mimeType, buffer } = mediaNamed(IMAGE_NAME);
    await page.locator('form.composer input[type=file]').setInputFiles({ name, mimeType, buffer });
    for (const reader of [bob, carol]) {
      await reader.page.getByRole('list', { name: 'Groups' }).getByRole('button', { name: new RegExp(GROUP_NAME) }).click();
      const thumb = fileBubble(reader.page, 'in', IMAGE_NAME).getByRole('button', { name: `Enlarge ${IMAGE_NAME}` });
      await thumb.waitFor({ timeout: TOR_WAIT });
      expect(await naturalSize(thumb.getByRole('img', { name: IMAGE_NAME }))).toEqual(IMAGE_SIZE);
    }
    await fileBubble(carol.page, 'in', IMAGE_NAME).scrollIntoViewIfNeeded();
    await screenshot(carol, '35-carol-group-image');
  }, LONG_STEP_TIMEOUT);
});

/**
 * Creates a profile through the first-run form, waits until its onion service is published, and returns the address
 * shown; `numbers` name the two screenshots (the filled form, then signed in), none without them.
 */
async function createProfile(person: PersonPage, numbers?: readonly [string, string]): Promise<string> {
  const { page, name } = person;
  const slug = name.toLowerCase();
  await page.getByRole('heading', { name: 'Create your profile' }).waitFor();
  await page.getByLabel('Profile name on this computer').fill(`${name} at home`);
  await page.getByLabel('Your nickname').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(passwordOf(name));
  await page.getByLabel('Password again').fill(passwordOf(name));
  const create = page.getByRole('button', { name: 'Create profile' });
  await expect.poll(() => create.isEnabled(), { timeout: 10 * SECOND }).toBe(true);
  if (numbers !== undefined) await screenshot(person, `${numbers[0]}-${slug}-create-profile`);
  await create.click();
  await page.getByRole('heading', { name: 'Welcome to Allium' }).waitFor({ timeout: MINUTE });
  const me = page.getByRole('navigation').getByRole('button', { name: new RegExp(`^${name}`) });
  await me.getByText('Reachable', { exact: true }).waitFor({ timeout: TOR_WAIT });
  // No status text yet: the sidebar says the presence itself.
  await me.getByText('Available', { exact: true }).waitFor();
  if (numbers !== undefined) await screenshot(person, `${numbers[1]}-${slug}-signed-in-reachable`);
  const shown = (await page.locator('.card').getByLabel(/^Onion address /).getAttribute('aria-label')) ?? '';
  return shown.replace(/^Onion address /, '').replace(/\.onion$/, '');
}

/** What each person writes in the group. */
function groupLineOf(person: PersonPage): string {
  const line = GROUP_LINES.get(person.name);
  if (line === undefined) throw new Error(`${person.name} has nothing to say in the group`);
  return line;
}

function passwordOf(name: string): string {
  return `${name.toLowerCase()} walks the long river path at dawn`;
}

function started<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('beforeAll should have started it');
  return value;
}

/** Adds a relay in Settings → Relays by typing its invitation, clicking "Add relay" again while its young onion cannot be reached yet. */
async function addRelay(person: PersonPage, invitation: string, address: string): Promise<void> {
  const { page } = person;
  await page.getByRole('navigation').getByRole('button', { name: 'Settings', exact: true }).click();
  const card = page.getByRole('region', { name: 'Relays' });
  await card.getByText(/^No relay yet/).waitFor();
  await card.getByLabel('Relay address or invitation').fill(invitation);
  const listed = relayListed(page, address);
  const deadline = Date.now() + RELAY_ADD_WAIT;
  for (;;) {
    await card.getByRole('button', { name: 'Add relay' }).click();
    await card.getByRole('button', { name: 'Adding…' }).waitFor({ state: 'detached', timeout: RELAY_ADD_WAIT });
    const problem = card.getByRole('alert');
    await listed.or(problem).first().waitFor({ timeout: MINUTE });
    if ((await listed.count()) > 0) return;
    if (Date.now() > deadline) throw new Error(`${person.name} could not add the relay within ${String(RELAY_ADD_WAIT / MINUTE)} minutes: ${(await problem.textContent()) ?? ''}`);
    // As a person would: read the error, wait a little, click again (the invitation stays typed).
    await page.waitForTimeout(5 * SECOND);
  }
}

function relayListed(page: Page, address: string): Locator {
  return page.getByRole('list', { name: 'My relays' }).getByRole('listitem').filter({ has: page.getByLabel(`Onion address ${address}.onion`) });
}

function conversation(page: Page): Locator {
  return page.getByRole('log');
}

/** The file of that name in one of the open conversation's messages, mine (`out`) or theirs (`in`). */
function fileBubble(page: Page, direction: 'in' | 'out', name: string): Locator {
  return conversation(page).locator(`.message.${direction} .file`).filter({ has: page.locator('.name', { hasText: name }) });
}

/** The size of the picture Chromium decoded for an `<img>` (0 × 0 when it could not). */
async function naturalSize(image: Locator): Promise<{ width: number; height: number }> {
  // The element typed by what is read: scripts are type-checked without the DOM library.
  return image.evaluate(async (img: { decode(): Promise<void>; naturalWidth: number; naturalHeight: number }) => {
    await img.decode();
    return { width: img.naturalWidth, height: img.naturalHeight };
  });
}

/** What Chromium made of an `<audio>` or `<video>`: whether its metadata loaded, its length and frame size, and that it is not playing. */
async function mediaState(media: Locator): Promise<{ ready: boolean; duration: number; width: number; height: number; paused: boolean; autoplay: boolean }> {
  return media.evaluate((el: { readyState: number; duration: number; videoWidth?: number; videoHeight?: number; paused: boolean; autoplay: boolean }) => ({
    ready: el.readyState >= 1,
    duration: el.duration,
    width: el.videoWidth ?? 0,
    height: el.videoHeight ?? 0,
    paused: el.paused,
    autoplay: el.autoplay,
  }));
}

/** Types a message, sends it with Enter and waits until the contact's ack turns it "Delivered". */
async function send(person: PersonPage, contact: string, text: string): Promise<void> {
  const box = person.page.getByLabel(`Message ${contact}`);
  const outgoing = conversation(person.page).locator('.message.out');
  const before = await outgoing.count();
  await box.fill(text);
  await box.press('Enter');
  // Found by position, not by text, so text that turned into markup fails the comparison instead of timing out.
  const mine = outgoing.nth(before);
  await mine.waitFor();
  expect(await mine.locator('.text').textContent()).toBe(text);
  await mine.getByText('Delivered').waitFor({ timeout: TOR_WAIT });
}

/** Opens the open chat's safety number page and reads the 60 digits as shown. */
async function safetyNumber(page: Page): Promise<string> {
  await page.locator('header').getByRole('button', { name: 'Safety number' }).click();
  const digits = page.getByLabel(/^Safety number: /);
  await digits.waitFor();
  return (await digits.textContent()) ?? '';
}

/** Pixels from the bottom of `upper` to the top of `lower`. */
async function verticalGap(upper: Locator, lower: Locator): Promise<number> {
  const [top, bottom] = await Promise.all([upper.boundingBox(), lower.boundingBox()]);
  if (top === null || bottom === null) throw new Error('both elements should be laid out');
  return bottom.y - (top.y + top.height);
}

/** Pixels between a name and the verified mark after it (a mark glued to the name reads as part of the name). */
async function gapBeforeMark(page: Page, markSelector: string): Promise<number> {
  // A string, not a function: scripts are type-checked without the DOM library.
  return page.evaluate<number>(`(() => {
    const mark = document.querySelector(${JSON.stringify(markSelector)});
    const name = [...(mark?.parentElement?.childNodes ?? [])].find((node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim() !== '');
    if (!mark || !name) throw new Error('no name and mark at ${markSelector}');
    const range = document.createRange();
    range.selectNodeContents(name);
    return mark.getBoundingClientRect().left - range.getBoundingClientRect().right;
  })()`);
}
