// Four terminal clients (--json, child processes) and a relay on the private Tor network, through the classic chat scenario:
// sign up, a wrong password refused, the profile lock, contacts, SEND both ways, CREATE/JOIN/LIST, SENDGROUP once each, files byte-identical.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitFor } from '../../scripts/test/wait-for.js';
import { startRelay, type Relay } from '../relay/index.js';
import type { ContactDto, GroupDto, IdentityDto, MessageDto } from '../shared/api/index.js';
import { JsonClient, type JsonLine } from './test/json-client.js';
import { blockWebm, noisePng, toneWav } from './test/media-files.js';

const MINUTE = 60_000;
const PASSWORD = 'orchid-lantern-91-velvet';

interface Person {
  readonly name: string;
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  client: JsonClient;
  address: string;
}

const event = (name: string, test: (payload: never) => boolean) => (line: JsonLine): boolean =>
  line.type === 'event' && line['name'] === name && test(line['payload'] as never);

describe('four terminal clients and a relay over the private Tor network', () => {
  const root = mkdtempSync(join(tmpdir(), 'allium-cli-'));
  const logDir = process.env['ALLIUM_CORE_LOG_DIR'];
  const people: Person[] = ['alice', 'bob', 'carol', 'dave'].map((name) => {
    const home = join(root, name, 'home');
    mkdirSync(home, { recursive: true });
    // Each client saves into its own ~/Downloads.
    return { name, dataDir: join(root, name, 'data'), env: { ...process.env, HOME: home, ALLIUM_TORRC_EXTRA: inject('testnetTorrcFile') }, client: undefined!, address: '' };
  });
  const [alice, bob, carol, dave] = people as [Person, Person, Person, Person];
  const media = { 'photo.png': noisePng(), 'tone.wav': toneWav(), 'clip.webm': blockWebm() } as const;
  const mediaDir = join(root, 'media');
  let relay: Relay;

  const spawnClient = (p: Person): JsonClient => new JsonClient(p.name, p.dataDir, p.env, logDir === undefined || logDir === '' ? undefined : join(logDir, `cli-${p.name}.log`));

  /** Waits for the question, then answers it. */
  const answer = async (client: JsonClient, field: string, text: string, nth = 1): Promise<void> => {
    await client.until((l) => l.type === 'ask' && l['field'] === field && client.lines.filter((m) => m.type === 'ask' && m['field'] === field).indexOf(l) === nth - 1, `question ${field}`, MINUTE);
    client.answer(text);
  };

  const signUp = async (p: Person): Promise<void> => {
    p.client = spawnClient(p);
    await answer(p.client, 'profile', p.name);
    await answer(p.client, 'new-password', PASSWORD);
    await answer(p.client, 'repeat-password', PASSWORD);
    await p.client.until((l) => l.type === 'notice' && String(l['text']).startsWith('Your address:'), 'signed in', 2 * MINUTE);
    // tor's bootstrap was shown while signing in.
    expect(p.client.lines.some((l) => (l['key'] === 'tor' || l['name'] === 'tor.status') && /^Tor: \d+% /u.test(String(l['text'])))).toBe(true);
    p.address = (await p.client.ok<IdentityDto>('WHOAMI')).address;
    await waitFor(async () => (await p.client.ok<IdentityDto>('WHOAMI')).reachability === 'reachable', { what: `${p.name} reachable`, timeoutMs: 3 * MINUTE, intervalMs: 1_000 });
  };

  /** Receives the three files in `conversation` from `from`, saves each with SAVE and checks the saved bytes. */
  const receiveFiles = async (p: Person, conversation: string): Promise<void> => {
    for (const [name, bytes] of Object.entries(media)) {
      const offer = await p.client.until(
        event('message.received', (m: MessageDto) => m.conversation === conversation && m.file?.name === name),
        `${name} announced`,
        4 * MINUTE,
      );
      const file = (offer['payload'] as MessageDto).file!;
      expect(file.size).toBe(bytes.length);
      expect(String(offer['text'])).toMatch(/SAVE \d+ saves it/u);
      const saved = await p.client.ok<{ path?: string; pending?: boolean }>(`SAVE ${file.id}`);
      const path =
        saved.path ??
        ((await p.client.until((l) => l.type === 'result' && l['command'] === 'SAVE' && (l['data'] as { id?: string }).id === file.id && l['line'] === undefined, `${name} saved`, 4 * MINUTE))['data'] as { path: string }).path;
      expect(Buffer.compare(await readFile(path), bytes)).toBe(0);
    }
  };

  beforeAll(async () => {
    mkdirSync(mediaDir);
    for (const [name, bytes] of Object.entries(media)) writeFileSync(join(mediaDir, name), bytes);
    const started = await Promise.all([startRelay({ dataDir: join(root, 'relay'), env: alice.env, log: () => undefined }), ...people.map(signUp)]);
    relay = started[0];
    await relay.waitUntilReachable(3 * MINUTE);
    await Promise.all(
      people.map((p) => waitFor(async () => (await p.client.command(`RELAY ADD ${relay.invitation}`)).ok, { what: `${p.name} to add the relay`, timeoutMs: 3 * MINUTE, intervalMs: 2_000 })),
    );
  }, 10 * MINUTE);

  afterAll(async () => {
    await Promise.allSettled([...people.map((p) => p.client.quit()), Promise.resolve().then(() => relay.stop())]);
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses a wrong password with the window’s words, and a profile open elsewhere with words saying so', async () => {
    const second = spawnClient(alice);
    await answer(second, 'profile', 'ALICE');
    await answer(second, 'password', 'not-the-password');
    const wrong = await second.until((l) => l.type === 'result' && l['command'] === 'sign-in', 'the refusal', MINUTE);
    expect(wrong).toMatchObject({ ok: false, code: 'wrong-password', message: 'The password is not correct' });
    await answer(second, 'password', PASSWORD, 2);
    const inUse = await second.until((l) => l.type === 'result' && l['code'] === 'profile-in-use', 'the lock', MINUTE);
    expect(inUse['message']).toMatch(/open in another Allium process \(pid \d+\); close it there first/u);
    expect(await second.quit()).toBe(0);
  });

  it('answers bad input with one clear line and keeps going', async () => {
    const c = alice.client;
    expect(await c.command('FROBNICATE')).toMatchObject({ ok: false, code: 'usage', message: 'Unknown command "FROBNICATE"; HELP lists the commands.' });
    expect(await c.command('send')).toMatchObject({ ok: false, code: 'usage', message: 'The user is missing: SEND <user> <message>' });
    expect(await c.command('SEND nobody hi')).toMatchObject({ ok: false, code: 'refused', message: 'No contact is called "nobody"; CONTACTS lists them.' });
    expect(await c.command(`SENDFILE ${join(mediaDir, 'missing.png')} nobody`)).toMatchObject({ ok: false, message: expect.stringContaining('No contact is called') as unknown });
    expect(await c.command(`ADD ${bob.address} `.replace(bob.address, 'not-an-address'))).toMatchObject({ ok: false, code: 'invalid-address' });
    expect((await c.command('HELP')).ok).toBe(true);
  });

  it('adds contacts that accept, and SENDs both ways', async () => {
    for (const p of [bob, carol, dave]) {
      await alice.client.ok(`ADD ${p.address}.onion Hello ${p.name}, it is Alice`);
      await p.client.until(event('request.received', (r: { address: string }) => r.address === alice.address), `${p.name}'s request`, 3 * MINUTE);
      expect((await p.client.ok<ContactDto>('accept alice')).address).toBe(alice.address);
    }
    for (const p of [bob, carol, dave]) {
      await alice.client.until(event('contact.updated', (c: ContactDto) => c.address === p.address && !c.pending && c.theirNickname === p.name), `${p.name} to accept`, 3 * MINUTE);
    }
    expect(await alice.client.command(`SENDFILE ${join(mediaDir, 'missing.png')} bob`)).toMatchObject({ ok: false, code: 'refused', message: expect.stringContaining('There is no file') as unknown });

    await alice.client.ok('SEND bob Hello Bob, from the terminal');
    await bob.client.until(event('message.received', (m: MessageDto) => m.conversation === alice.address && m.text === 'Hello Bob, from the terminal'), 'Alice’s message', 3 * MINUTE);
    await bob.client.ok('send ALICE Hello Alice, back to you');
    const back = await alice.client.until(event('message.received', (m: MessageDto) => m.text === 'Hello Alice, back to you'), 'Bob’s answer', 3 * MINUTE);
    expect(back['text']).toMatch(/\(bob\): Hello Alice, back to you$/u);
    await alice.client.until((l) => l.type === 'event' && String(l['text']).startsWith('✓ “Hello Bob, from the terminal” delivered'), 'the delivery line', 3 * MINUTE);
  }, 10 * MINUTE);

  it('CREATEs xyz, the other three JOIN it, and LIST shows it with 4 participants; JOIN abc creates abc', async () => {
    const xyz = await alice.client.ok<GroupDto>('CREATE xyz');
    expect(xyz.listing).toMatchObject({ name: 'xyz', relay: relay.onionAddress });
    for (const p of [bob, carol, dave]) expect((await p.client.ok<GroupDto>('JOIN xyz', 3 * MINUTE)).id).toBe(xyz.id);
    for (const p of people) {
      await p.client.until(event('group.updated', (g: GroupDto) => g.id === xyz.id && g.standing === 'member' && g.members.length === 4), `${p.name} to see 4 members`, 6 * MINUTE);
    }
    for (const p of people) {
      const rows = await p.client.ok<{ name: string; participants: number }[]>('LIST', 3 * MINUTE);
      expect(rows.find((r) => r.name === 'xyz')).toMatchObject({ participants: 4 });
    }
    const listing = (await alice.client.ok<{ name: string; participants: number; listed: boolean }[]>('list')).find((r) => r.name === 'xyz');
    expect(listing).toMatchObject({ participants: 4, listed: true });

    const abc = await carol.client.command('JOIN abc', 3 * MINUTE);
    expect(abc).toMatchObject({ ok: true, data: { name: 'abc', myRole: 'owner' } });
    expect(abc.text?.[0]).toContain('so you created it');
    const seen = await waitFor(async () => (await bob.client.ok<{ name: string; participants: number; joined: boolean }[]>('LIST')).find((r) => r.name === 'abc'), { what: 'abc listed', timeoutMs: 3 * MINUTE, intervalMs: 2_000 });
    expect(seen).toMatchObject({ participants: 1, joined: false });
  }, 15 * MINUTE);

  it('SENDGROUP reaches every other member exactly once', async () => {
    const xyz = (await alice.client.ok<GroupDto[]>('LIST')) as unknown as { name: string; group: string }[];
    const group = xyz.find((r) => r.name === 'xyz')!.group;
    await alice.client.ok('SENDGROUP xyz Hello everyone in xyz');
    await dave.client.ok('sendgroup XYZ Dave says hi');
    for (const [sender, text] of [[alice, 'Hello everyone in xyz'], [dave, 'Dave says hi']] as const) {
      for (const p of people.filter((q) => q !== sender)) {
        await p.client.until(event('message.received', (m: MessageDto) => m.conversation === group && m.text === text), `${p.name} to get "${text}"`, 4 * MINUTE);
      }
    }
    await alice.client.until((l) => l.type === 'event' && /delivered to (\d) of \1 in xyz/u.test(String(l['text'])), 'delivery to all three', 4 * MINUTE);
    // History shows each message once too.
    const history = await bob.client.ok<MessageDto[]>('HISTORY xyz 50');
    expect(history.filter((m) => m.text === 'Hello everyone in xyz')).toHaveLength(1);
  }, 10 * MINUTE);

  it('SENDFILE and SENDGROUPFILE carry an image, an audio and a video file, saved byte-identical', async () => {
    for (const name of Object.keys(media)) {
      const sent = await alice.client.command(`SENDFILE ${join(mediaDir, name)} bob`, 2 * MINUTE);
      expect(sent).toMatchObject({ ok: true, text: [expect.stringContaining(`Offered ${name}`) as unknown] });
    }
    expect(alice.client.lines.some((l) => l.type === 'progress' && String(l['text']).startsWith('clip.webm: read 100%'))).toBe(true);
    await receiveFiles(bob, alice.address);

    const group = (await dave.client.ok<{ name: string; group: string }[]>('LIST')).find((r) => r.name === 'xyz')!.group;
    for (const name of Object.keys(media)) await dave.client.ok(`SENDGROUPFILE ${join(mediaDir, name)} xyz`, 2 * MINUTE);
    await Promise.all([alice, bob, carol].map((p) => receiveFiles(p, group)));

    // Every group message arrived once, after everything else has had time to arrive too.
    for (const p of [bob, carol, dave]) {
      expect(p.client.events('message.received').filter((l) => (l['payload'] as MessageDto).text === 'Hello everyone in xyz')).toHaveLength(1);
    }
    for (const p of [alice, bob, carol]) {
      expect(p.client.events('message.received').filter((l) => (l['payload'] as MessageDto).text === 'Dave says hi')).toHaveLength(1);
    }
  }, 15 * MINUTE);
});
