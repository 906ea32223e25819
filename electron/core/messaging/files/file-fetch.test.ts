// Fetching files that fail: tampered bytes give up with clear words, a relay copy that is gone, altered or lying falls back to the sender, budgets and free space hold automatic files.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEALED_RECORD_BYTES, filePaths, sealedFileSize } from '../../files/index.js';
import { RelayClient } from '../../relay-client/index.js';
import { befriend, dispose, party, settle, type Party } from '../messenger-test-kit.js';
import { FREE_SPACE_RESERVE_BYTES, SENDER_BUDGET_FACTOR } from './auto-accept.js';
import { FileNet, randomFile, readWhole, sendFile, sha256 } from './file-chat-test-kit.js';
import { RELAY_TRIES } from './file-fetch.js';

const KIB = 1024;
const MIB = 1024 * KIB;
const DAY_MS = 24 * 60 * 60 * 1_000;
const POLL = { timeout: 20_000, interval: 25 };
const CAPABILITY = `${'A'.repeat(22)}.${'b'.repeat(43)}`;

let net: FileNet;
let alice: Party;
let bob: Party;
let relay: Server;
let relayClient: RelayClient;
/** What the stand-in relay answers a blob download with. */
let answer: (request: IncomingMessage, response: ServerResponse) => void;
let relayAsked: number;
let clock: number;
let free: number;

beforeEach(async () => {
  relayAsked = 0;
  clock = Date.parse('2026-12-04T12:00:00Z');
  free = 100 * 1024 * MIB;
  relay = createServer((request, response) => {
    relayAsked += 1;
    answer(request, response);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  relayClient = new RelayClient({ target: { kind: 'direct', baseUrl: `http://127.0.0.1:${String((relay.address() as AddressInfo).port)}` } });
  net = new FileNet();
  alice = await party('Alice', (p) => net.options(p));
  bob = await party('Bob', (p) => ({
    ...net.options(p),
    relayClient: () => relayClient,
    fileRetryMs: 20,
    fileFreeSpace: () => Promise.resolve(free),
    now: () => clock,
  }));
  await net.listen(alice);
  await net.listen(bob);
  await befriend(alice, bob);
});

afterEach(async () => {
  for (const p of [alice, bob]) await dispose(p);
  net.close();
  relayClient.close();
  relay.closeAllConnections();
  await new Promise((resolve) => relay.close(resolve));
});

const stateOf = (p: Party, id: string): string | undefined => p.messenger.files.dtoFor(id)?.state;

/** Sends a file that waits at Bob as an offer, then makes his record name a copy at the stand-in relay. */
async function offeredWithCopy(bytes: Buffer): Promise<string> {
  await bob.session.state.updateSettings({ autoAcceptBytes: 0 });
  const { file } = await sendFile(alice, bob, bytes);
  await expect.poll(() => stateOf(bob, file.id), POLL).toBe('offered');
  const stored = bob.session.state.file(file.id)!;
  await bob.session.state.transact((tx) => tx.files.put({ ...stored, relayCopy: { relay: alice.address, capability: CAPABILITY } }));
  return file.id;
}

/** The sealed file as Alice keeps it: what an honest relay copy holds. */
function sealedAtAlice(id: string): Promise<Buffer> {
  return readFile(filePaths(alice.session.filesDir, id).sealed);
}

function serveBlob(response: ServerResponse, request: IncomingMessage, blob: Buffer): void {
  const from = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? '')?.[1] ?? 0);
  if (from === 0) response.writeHead(200, { 'content-length': String(blob.length) });
  else response.writeHead(206, { 'content-range': `bytes ${String(from)}-${String(blob.length - 1)}/${String(blob.length)}`, 'content-length': String(blob.length - from) });
  response.end(blob.subarray(from));
}

describe('a file that was altered on the way', () => {
  it('gives up at once with those words, deletes what arrived and is not tried again', async () => {
    await bob.session.state.updateSettings({ autoAcceptBytes: 0 });
    const { file } = await sendFile(alice, bob, randomFile(300 * KIB));
    await expect.poll(() => stateOf(bob, file.id), POLL).toBe('offered');
    // Records sealed under another key than the offer's: none of them opens, as if each was changed on the way.
    const stored = bob.session.state.file(file.id)!;
    await bob.session.state.transact((tx) => tx.files.put({ ...stored, key: randomBytes(32) }));
    await bob.messenger.files.accept(alice.address, file.id);
    await expect.poll(() => stateOf(bob, file.id), POLL).toBe('failed');
    expect(bob.messenger.files.dtoFor(file.id)).toMatchObject({ problem: 'altered', error: 'The file was altered on the way; what arrived was refused and deleted.' });
    // Retries come every 20 ms here: none came.
    await settle();
    expect(net.bytesRead(bob)).toHaveLength(1);
    expect(stateOf(bob, file.id)).toBe('failed');
    const { partial, progress, sealed } = filePaths(bob.session.filesDir, file.id);
    for (const path of [partial, progress, sealed]) expect(existsSync(path)).toBe(false);
  });
});

describe('a relay copy that fails', () => {
  it.each([
    {
      what: 'is gone',
      serve: (_request: IncomingMessage, response: ServerResponse): void => {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'blob-not-found', message: 'x'.repeat(5_000) }));
      },
    },
    {
      what: 'is altered',
      serve: (request: IncomingMessage, response: ServerResponse, blob: Buffer): void => serveBlob(response, request, randomBytes(blob.length)),
    },
    {
      what: 'answers another range',
      serve: (_request: IncomingMessage, response: ServerResponse, blob: Buffer): void => {
        response.writeHead(206, { 'content-range': `bytes 100-${String(blob.length - 1)}/${String(blob.length)}` });
        response.end(blob.subarray(100));
      },
    },
  ])('that $what is dropped and the file fetched from the sender', async ({ serve }) => {
    const bytes = randomFile(500 * KIB);
    const id = await offeredWithCopy(bytes);
    const blob = await sealedAtAlice(id);
    answer = (request, response) => serve(request, response, blob);
    await bob.messenger.files.accept(alice.address, id);
    await expect.poll(() => stateOf(bob, id), POLL).toBe('received');
    expect(relayAsked).toBe(1);
    expect(net.bytesRead(bob)).toHaveLength(1);
    expect(bob.session.state.file(id)?.relayCopy).toBeNull();
    expect(sha256(await readWhole(bob, alice.address, id))).toBe(sha256(bytes));
  });

  it('altered partway: the sender’s stream resumes after the records that checked out', async () => {
    const bytes = randomFile(3 * MIB);
    const id = await offeredWithCopy(bytes);
    const blob = Buffer.from(await sealedAtAlice(id));
    // Record 30 of 48 is changed: the 30 before it open and are kept.
    blob[30 * SEALED_RECORD_BYTES + 100]! ^= 0xff;
    answer = (request, response) => serveBlob(response, request, blob);
    await bob.messenger.files.accept(alice.address, id);
    await expect.poll(() => stateOf(bob, id), POLL).toBe('received');
    const fromSender = net.bytesRead(bob).reduce((a, b) => a + b, 0);
    expect(fromSender).toBeLessThan(20 * SEALED_RECORD_BYTES);
    expect(fromSender).toBeGreaterThan(17 * SEALED_RECORD_BYTES);
    expect(sha256(await readWhole(bob, alice.address, id))).toBe(sha256(bytes));
  });

  it(`that cannot be reached ${String(RELAY_TRIES)} times in a row gives the sender a turn`, async () => {
    const bytes = randomFile(200 * KIB);
    const id = await offeredWithCopy(bytes);
    answer = (_request, response) => {
      response.writeHead(503);
      response.end();
    };
    await bob.messenger.files.accept(alice.address, id);
    await expect.poll(() => stateOf(bob, id), POLL).toBe('received');
    expect(relayAsked).toBe(RELAY_TRIES);
    // Only a failure for good drops the copy: one that may recover keeps it for next time.
    expect(bob.session.state.file(id)?.relayCopy).not.toBeNull();
    expect(sealedFileSize(bytes.length)).toBe((await sealedAtAlice(id)).length);
  });
});

describe('a download from a relay copy', () => {
  it('stops when the file is cancelled, closing the relay’s stream and deleting what arrived', async () => {
    const id = await offeredWithCopy(randomFile(2 * MIB));
    const blob = await sealedAtAlice(id);
    let closed = false;
    answer = (_request, response) => {
      response.writeHead(200, { 'content-length': String(blob.length) });
      // Three records, then nothing: a relay that stalls.
      response.write(blob.subarray(0, 3 * SEALED_RECORD_BYTES));
      response.on('close', () => (closed = true));
    };
    await bob.messenger.files.accept(alice.address, id);
    await expect.poll(() => (bob.events['file.progress'] ?? []).some((p) => p.id === id && p.bytes > 0), POLL).toBe(true);
    await bob.messenger.files.cancel(alice.address, id);
    await expect.poll(() => closed, POLL).toBe(true);
    expect(stateOf(bob, id)).toBe('cancelled');
    await settle();
    const { partial, progress } = filePaths(bob.session.filesDir, id);
    for (const path of [partial, progress]) expect(existsSync(path)).toBe(false);
    expect(net.bytesRead(bob)).toEqual([]);
  });
});

describe('automatic acceptance', () => {
  it('holds a sender’s files past their daily budget for a manual accept, with the reason, until the day is over', async () => {
    const auto = 100 * KIB;
    await bob.session.state.updateSettings({ autoAcceptBytes: auto });
    // What Alice already sent today: all but one file's worth of her budget.
    const earlier = (await sendFile(alice, bob, randomFile(auto))).file.id;
    await expect.poll(() => stateOf(bob, earlier), POLL).toBe('received');
    const record = bob.session.state.file(earlier)!;
    await bob.session.state.transact((tx) => tx.files.put({ ...record, size: (SENDER_BUDGET_FACTOR - 1) * auto }));

    const within = (await sendFile(alice, bob, randomFile(auto))).file.id;
    await expect.poll(() => stateOf(bob, within), POLL).toBe('received');
    const beyond = (await sendFile(alice, bob, randomFile(auto))).file.id;
    await expect.poll(() => stateOf(bob, beyond), POLL).toBe('offered');
    expect(bob.messenger.files.dtoFor(beyond)?.problem).toBe('over-budget');
    await settle();
    expect(stateOf(bob, beyond)).toBe('offered');

    // A day later the budget is there again; the held file waits for its accept and then arrives.
    clock += DAY_MS;
    const tomorrow = (await sendFile(alice, bob, randomFile(auto))).file.id;
    await expect.poll(() => stateOf(bob, tomorrow), POLL).toBe('received');
    expect((await bob.messenger.files.accept(alice.address, beyond)).file).not.toHaveProperty('problem');
    await expect.poll(() => stateOf(bob, beyond), POLL).toBe('received');
  }, 60_000);

  it('holds a file when it would leave too little free space, and takes it when accepted', async () => {
    free = FREE_SPACE_RESERVE_BYTES + 50 * KIB;
    const { file } = await sendFile(alice, bob, randomFile(100 * KIB));
    await expect.poll(() => bob.messenger.files.dtoFor(file.id)?.problem, POLL).toBe('low-disk');
    expect(stateOf(bob, file.id)).toBe('offered');
    expect(net.bytesRead(bob)).toEqual([]);
    await bob.messenger.files.accept(alice.address, file.id);
    await expect.poll(() => stateOf(bob, file.id), POLL).toBe('received');
  });
});
