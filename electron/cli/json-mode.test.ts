// The client in --json mode over an in-process backend: sign-up and a refused password as questions and results, commands mapped to the
// API (SEND, SENDFILE's chunked upload, LIST's counts, SAVE once a file has arrived), events as lines, and bad input answered in one line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError, type ContactDto, type FileDto, type GroupDto, type MessageDto } from '../shared/api/index.js';
import { testBackend } from '../shared/rpc/backend-test-kit.js';
import { createApiClient, serveApi } from '../shared/rpc/index.js';
import { waitFor } from '../../scripts/test/wait-for.js';
import { inProcessChannelPair } from './in-process-channel.js';
import { plainInput } from './line-input.js';
import { jsonOutput } from './output.js';
import { runClient } from './run-client.js';

const BOB = 'b'.repeat(56);
const BOB2 = 'c'.repeat(56);
const ME = 'a'.repeat(56);
const GROUP = 'f'.repeat(32);
const dir = mkdtempSync(join(tmpdir(), 'allium-cli-json-'));
const contact = (address: string, nickname: string): ContactDto => ({
  address,
  nickname,
  online: true,
  typing: false,
  verified: false,
  identityChanged: false,
  blocked: false,
  pending: false,
  unread: 0,
  effectiveDelivery: 'hold',
});
const xyz: GroupDto = {
  id: GROUP,
  name: 'xyz',
  standing: 'member',
  myRole: 'member',
  members: [1, 2, 3, 4].map((i) => ({ address: String(i).repeat(56), name: `m${String(i)}`, role: 'member', me: i === 1, contact: false, online: true })),
  unread: 0,
  delivery: 'hold',
};
const message = (over: Partial<MessageDto>): MessageDto => ({ id: 'm1', conversation: BOB, direction: 'out', text: '', sentAt: '2026-01-01T00:00:00.000Z', state: 'sent', ...over });

function start(existing = false) {
  const calls: { cmd: string; input: unknown }[] = [];
  const record = <T>(cmd: string, input: unknown, value: T): Promise<T> => {
    calls.push({ cmd, input });
    return Promise.resolve(value);
  };
  const profile = { id: 'p1', label: 'alice', createdAt: '' };
  const identity = { address: ME, nickname: 'alice', reachability: 'reachable', shareText: `${ME}.onion` } as const;
  const kit = testBackend({
    'profiles.list': () => Promise.resolve(existing ? [profile] : []),
    'profiles.passwordStrength': ({ password }) => Promise.resolve(password.length < 8 ? { ok: false, reason: 'use at least 8 characters', score: 0 } : { ok: true, score: 4 }),
    'profiles.create': (input) => record('profiles.create', input, profile),
    'profiles.unlock': (input) =>
      input.password === 'long-enough-pw' ? record('profiles.unlock', input, { profile, identity }) : Promise.reject(new ApiError('wrong-password', 'The password is not correct')),
    'contacts.list': () => Promise.resolve([contact(BOB, 'bob'), contact(BOB2, 'Twin'), contact('d'.repeat(56), 'twin')]),
    'groups.list': () => Promise.resolve([xyz]),
    'identity.get': () => Promise.resolve(identity),
    'tor.status': () => Promise.resolve({ state: 'running', progress: 100, summary: 'Done' }),
    'messages.send': (input) => record('messages.send', input, message({ text: input.text })),
    'groups.directory': () =>
      Promise.resolve({
        groups: [
          { relay: 'r'.repeat(56), name: 'xyz', description: '', memberCount: 2, policy: 'open', groupId: GROUP, joined: true },
          { relay: 'r'.repeat(56), name: 'abc', description: '', memberCount: 1, policy: 'open', groupId: 'e'.repeat(32), joined: false },
        ],
        failed: [{ relay: 's'.repeat(56), code: 'relay-unreachable', message: 'The relay could not be reached through Tor.' }],
      }),
    'files.upload': (input) => record('files.upload', { ...input, data: Buffer.from(input.data, 'base64').length }, { upload: '0'.repeat(32), received: input.offset }),
    'files.send': (input) => record('files.send', input, message({ id: 'f1' })),
    'files.save': (input) => record('files.save', input, { path: '/downloads/photo.png' }),
  });
  const [serverEnd, clientEnd] = inProcessChannelPair();
  serveApi(serverEnd, kit.backend);
  const stdin = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  const output = jsonOutput({ write: (text: string) => lines.push(JSON.parse(text) as Record<string, unknown>) });
  const done = runClient({ connection: createApiClient(clientEnd), input: plainInput(stdin), output, dataDir: dir });
  const type = (...text: string[]): void => {
    for (const t of text) stdin.write(`${t}\n`);
  };
  const result = (line: number): Promise<Record<string, unknown>> =>
    waitFor(() => lines.find((l) => l['type'] === 'result' && l['line'] === line), { what: `result ${String(line)}`, timeoutMs: 5_000, intervalMs: 5 });
  return { kit, calls, lines, type, result, done, stdin };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the client in --json mode', () => {
  it('signs up after a weak and a mistyped password', async () => {
    const c = start();
    c.type('alice', 'short', 'long-enough-pw', 'different', 'long-enough-pw', 'long-enough-pw');
    await waitFor(() => c.lines.some((l) => String(l['text']).startsWith('Your address:')), { what: 'signed in', timeoutMs: 5_000, intervalMs: 5 });
    expect(c.lines.filter((l) => l['type'] === 'ask').map((l) => l['field'])).toEqual(['profile', 'new-password', 'new-password', 'repeat-password', 'new-password', 'repeat-password']);
    const refusals = c.lines.filter((l) => l['type'] === 'result' && l['ok'] === false);
    expect(refusals.map((l) => [l['code'], l['message']])).toEqual([
      ['weak-password', 'The password is too weak: use at least 8 characters'],
      ['invalid-input', 'The two passwords differ; type the new one again.'],
    ]);
    expect(c.calls.filter((x) => x.cmd === 'profiles.create')).toEqual([{ cmd: 'profiles.create', input: { label: 'alice', nickname: 'alice', password: 'long-enough-pw' } }]);
    expect(c.lines).toContainEqual({ type: 'progress', key: 'tor', text: 'Tor: 100% Done' });
    c.stdin.end();
    await c.done;
  });

  it('refuses a wrong password with the API’s words and asks again', async () => {
    const c = start(true);
    c.type('ALICE', 'guess', 'long-enough-pw');
    await waitFor(() => c.lines.some((l) => String(l['text']).startsWith('Your address:')), { what: 'signed in', timeoutMs: 5_000, intervalMs: 5 });
    expect(c.lines.filter((l) => l['type'] === 'ask').map((l) => l['field'])).toEqual(['profile', 'password', 'password']);
    expect(c.lines.find((l) => l['ok'] === false)).toEqual({ type: 'result', command: 'sign-in', ok: false, code: 'wrong-password', message: 'The password is not correct' });
    c.stdin.end();
    await c.done;
  });

  const signedIn = async () => {
    const c = start();
    c.type('alice', 'long-enough-pw', 'long-enough-pw');
    await waitFor(() => c.lines.some((l) => String(l['text']).startsWith('Your address:')), { what: 'signed in', timeoutMs: 5_000, intervalMs: 5 });
    return c;
  };

  it('maps commands to the API, and answers every bad line with one result and keeps going', async () => {
    const c = await signedIn();
    c.type('send BOB hi there', 'send twin hi', 'SEND nobody x', 'frob', 'list', 'sendfile /no/such/file bob', 'sendgroup xyz');
    expect(await c.result(1)).toMatchObject({ command: 'SEND', ok: true, text: ['→ bob: hi there'] });
    expect(c.calls.find((x) => x.cmd === 'messages.send')?.input).toEqual({ address: BOB, text: 'hi there' });
    expect(await c.result(2)).toMatchObject({ ok: false, code: 'refused', message: expect.stringContaining('"twin" could be 2 contacts') as unknown });
    expect(await c.result(3)).toMatchObject({ ok: false, code: 'refused', message: 'No contact is called "nobody"; CONTACTS lists them.' });
    expect(await c.result(4)).toMatchObject({ command: 'FROB', ok: false, code: 'usage' });
    // A group we are in counts from our roster; one we are not in as listed.
    expect(await c.result(5)).toMatchObject({ ok: true, text: ['xyz: 4 participants — you are in it', 'abc: 1 participant', 'Relay ssssssss….onion did not answer: The relay could not be reached through Tor.'] });
    expect(await c.result(6)).toMatchObject({ ok: false, code: 'refused', message: 'There is no file "/no/such/file".' });
    expect(await c.result(7)).toMatchObject({ ok: false, code: 'usage', message: 'The message is missing: SENDGROUP <group> <message>' });
    c.stdin.end();
    await c.done;
  });

  it('uploads a file in 1 MiB chunks, and SAVEs a received file once it has arrived', async () => {
    const c = await signedIn();
    const path = join(dir, 'big.bin');
    writeFileSync(path, Buffer.alloc(2.5 * 1024 * 1024, 7));
    c.type(`SENDFILE ${path} bob`);
    expect(await c.result(1)).toMatchObject({ ok: true, text: ['Offered big.bin (2.5 MiB) to bob; progress follows.'] });
    expect(c.calls.filter((x) => x.cmd === 'files.upload').map((x) => x.input)).toEqual([
      { size: 2621440, offset: 0, data: 1048576 },
      { upload: '0'.repeat(32), size: 2621440, offset: 1048576, data: 1048576 },
      { upload: '0'.repeat(32), size: 2621440, offset: 2097152, data: 524288 },
    ]);
    expect(c.calls.find((x) => x.cmd === 'files.send')?.input).toEqual({ conversation: BOB, upload: '0'.repeat(32), name: 'big.bin' });

    const file: FileDto = { id: '1'.repeat(32), name: 'photo\u001b[2J.png', size: 10, mime: 'image/png', state: 'receiving', bytes: 0 };
    c.kit.emit({ name: 'message.received', payload: message({ id: 'in1', direction: 'in', file }) });
    const announced = await waitFor(() => c.lines.find((l) => l['name'] === 'message.received'), { what: 'the offer', timeoutMs: 5_000, intervalMs: 5 });
    expect(announced['text']).toBe('bob sends a file: photo\uFFFD[2J.png (10 B, image/png); SAVE 1 saves it.');
    c.type('SAVE 1');
    expect(await c.result(2)).toMatchObject({ ok: true, data: { id: file.id, pending: true } });
    expect(c.calls.some((x) => x.cmd === 'files.save')).toBe(false);
    c.kit.emit({ name: 'message.changed', payload: message({ id: 'in1', direction: 'in', file: { ...file, state: 'received', bytes: 10 } }) });
    const saved = await waitFor(() => c.lines.find((l) => l['command'] === 'SAVE' && l['line'] === undefined), { what: 'the save', timeoutMs: 5_000, intervalMs: 5 });
    expect(saved).toMatchObject({ ok: true, data: { path: '/downloads/photo.png' } });
    expect(c.calls.find((x) => x.cmd === 'files.save')?.input).toEqual({ conversation: BOB, id: file.id });
    c.stdin.end();
    await c.done;
  });

  it('prints events as lines with their words, and a peer’s escape sequences never reach the terminal', async () => {
    const c = await signedIn();
    c.kit.emit({ name: 'message.received', payload: message({ direction: 'in', text: 'hi\u001b]0;owned\u0007' }) });
    c.kit.emit({ name: 'message.received', payload: message({ conversation: GROUP, direction: 'in', text: 'all', sender: { address: BOB2, name: 'Twin' } }) });
    await waitFor(() => c.lines.filter((l) => l['name'] === 'message.received').length === 2, { what: 'both', timeoutMs: 5_000, intervalMs: 5 });
    expect(c.lines.filter((l) => l['name'] === 'message.received').map((l) => l['text'])).toEqual(['bob: hi\uFFFD]0;owned\uFFFD', '[xyz] Twin: all']);
    c.stdin.end();
    await c.done;
  });
});
