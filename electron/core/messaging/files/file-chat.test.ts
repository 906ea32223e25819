// Files between two real messengers: uploads, offers, fetching over real authenticated unix-socket streams, reading, saving, cancelling, refusing and resuming.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RECORD_PLAINTEXT_BYTES, filePaths } from '../../files/index.js';
import { befriend, dispose, linkUp, party, restart, settle, type Party } from '../messenger-test-kit.js';
import { FileNet, randomFile, readWhole, sendFile, sha256 } from './file-chat-test-kit.js';

const KIB = 1024;
const MIB = 1024 * KIB;
const POLL = { timeout: 20_000, interval: 50 };

let net: FileNet;
let alice: Party;
let bob: Party;

beforeEach(async () => {
  net = new FileNet();
  alice = await party('Alice', (p) => net.options(p));
  bob = await party('Bob', (p) => net.options(p));
  await net.listen(alice);
  await net.listen(bob);
  await befriend(alice, bob);
});
afterEach(async () => {
  for (const p of [alice, bob]) await dispose(p);
  net.close();
});

const stateOf = (p: Party, id: string): string | undefined => p.messenger.files.dtoFor(id)?.state;
const filesDirOf = (p: Party): string => p.session.filesDir;

describe('a profile that locks', () => {
  it('admits no caller and no file stream once locked, and does not throw from the listener', async () => {
    expect(bob.messenger.files.accepts(alice.address)).toBe(true);
    await bob.session.lock();
    expect(bob.messenger.files.accepts(alice.address)).toBe(false);
    expect(bob.messenger.isBlocked(alice.address)).toBe(true);
  });
});

describe('uploads', () => {
  it('refuses chunks out of order, of the wrong size or past the end, in words', async () => {
    const files = alice.messenger.files;
    const bytes = randomFile(3 * 64 * KIB + 10);
    const first = await files.upload(undefined, bytes.length, 0, bytes.subarray(0, 64 * KIB).toString('base64'));
    expect(first.received).toBe(64 * KIB);
    await expect(files.upload(first.upload, bytes.length, 0, bytes.subarray(0, 64 * KIB).toString('base64'))).rejects.toThrow(`The upload continues at byte ${String(64 * KIB)}, not 0.`);
    await expect(files.upload(first.upload, bytes.length + 1, 64 * KIB, bytes.subarray(64 * KIB, 128 * KIB).toString('base64'))).rejects.toThrow('The file size changed during the upload.');
    await expect(files.upload(first.upload, bytes.length, 64 * KIB, bytes.subarray(64 * KIB, 64 * KIB + 1000).toString('base64'))).rejects.toThrow('Every chunk but the last must be a multiple of 64 KiB.');
    await expect(files.upload(first.upload, bytes.length, 64 * KIB, randomFile(3 * 64 * KIB).toString('base64'))).rejects.toThrow('This chunk goes past the end of the file.');
    await expect(files.upload('0'.repeat(32), bytes.length, 64 * KIB, bytes.subarray(64 * KIB).toString('base64'))).rejects.toThrow('This upload is no longer here; start it again.');
    await expect(files.upload(undefined, 257 * MIB, 0, '')).rejects.toThrow('Files up to 256 MiB can be sent.');
    // The refusals changed nothing: the rest completes it, and an unfinished upload cannot be sent.
    await expect(files.send(bob.address, first.upload, 'early.bin')).rejects.toThrow('This upload is not complete; send the whole file first.');
    expect((await files.upload(first.upload, bytes.length, 64 * KIB, bytes.subarray(64 * KIB).toString('base64'))).received).toBe(bytes.length);
    const sent = await files.send(bob.address, first.upload, 'ok.bin');
    expect(sent.file).toMatchObject({ size: bytes.length, state: 'offered' });
    expect(await readWhole(alice, bob.address, sent.file!.id)).toEqual(bytes);
  });
});

describe('sending a file', () => {
  it('is fetched at once below the automatic size, with progress, checked, and read back in ranges', async () => {
    const bytes = randomFile(3 * MIB + 12_345);
    const sent = await sendFile(alice, bob, bytes, 'report.pdf');
    expect(sent.file).toMatchObject({ name: 'report.pdf', size: bytes.length, state: 'offered', mime: 'application/octet-stream' });
    await expect.poll(() => stateOf(bob, sent.file.id), POLL).toBe('received');
    await expect.poll(() => stateOf(alice, sent.file.id), POLL).toBe('sent');
    // Bob was told of the new message, then of its changes; progress ended at the whole size.
    expect(bob.events['message.received']?.map((m) => m.file?.id)).toContain(sent.file.id);
    const progress = (bob.events['file.progress'] ?? []).filter((p) => p.id === sent.file.id);
    expect(progress.at(-1)).toMatchObject({ bytes: bytes.length, total: bytes.length });
    // Each side names the conversation as the API does: by the other's address.
    expect(new Set(progress.map((p) => p.conversation))).toEqual(new Set([alice.address]));
    const served = (alice.events['file.progress'] ?? []).filter((p) => p.id === sent.file.id);
    expect(new Set(served.map((p) => p.conversation))).toEqual(new Set([bob.address]));
    expect(served.at(-1)).toMatchObject({ bytes: bytes.length, total: bytes.length });
    // A change is told once its message is read back from the history: just after the state that made it.
    await expect.poll(() => bob.events['message.changed']?.filter((m) => m.file?.id === sent.file.id).at(-1)?.file, POLL).toMatchObject({ state: 'received', bytes: bytes.length });
    await expect.poll(() => alice.events['message.changed']?.filter((m) => m.file?.id === sent.file.id).at(-1)?.file, POLL).toMatchObject({ state: 'sent' });

    expect(sha256(await readWhole(bob, alice.address, sent.file.id))).toBe(sha256(bytes));
    for (const [offset, length] of [
      [0, 1],
      [RECORD_PLAINTEXT_BYTES - 7, 20],
      [1_000_000, MIB],
      [bytes.length - 100, 1_000],
    ] as const) {
      const { data, size } = await bob.messenger.files.read(alice.address, sent.file.id, offset, length);
      expect(size).toBe(bytes.length);
      expect(Buffer.from(data, 'base64')).toEqual(bytes.subarray(offset, offset + length));
    }
    expect((await bob.messenger.files.read(alice.address, sent.file.id, bytes.length, 10)).data).toBe('');
    // It shows in the history like a message.
    const history = await bob.messenger.history(alice.address, undefined, 50);
    expect(history.messages.find((m) => m.id === sent.file.id)?.file?.state).toBe('received');
  });

  it('waits as an offer above the automatic size until it is accepted', async () => {
    await bob.session.state.updateSettings({ autoAcceptBytes: 100 * KIB });
    const bytes = randomFile(300 * KIB);
    const sent = await sendFile(alice, bob, bytes);
    await expect.poll(() => stateOf(bob, sent.file.id), POLL).toBe('offered');
    await settle();
    expect(stateOf(bob, sent.file.id)).toBe('offered');
    expect(net.bytesRead(bob)).toEqual([]);
    await expect(bob.messenger.files.read(alice.address, sent.file.id, 0, 10)).rejects.toThrow('This file has not been received yet.');
    const accepted = await bob.messenger.files.accept(alice.address, sent.file.id);
    expect(accepted.file?.state).toBe('receiving');
    await expect.poll(() => stateOf(bob, sent.file.id), POLL).toBe('received');
    expect(await readWhole(bob, alice.address, sent.file.id)).toEqual(bytes);
    await expect(alice.messenger.files.accept(bob.address, sent.file.id)).rejects.toThrow('This is a file you sent.');
  });

  it('sends an empty file', async () => {
    const sent = await sendFile(alice, bob, Buffer.alloc(0), 'empty.txt');
    await expect.poll(() => stateOf(bob, sent.file.id), POLL).toBe('received');
    expect((await bob.messenger.files.read(alice.address, sent.file.id, 0, 10)).data).toBe('');
  });

  it('previews an image from its verified bytes, but never SVG or HTML', async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), randomFile(2_000)]);
    const svg = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const html = Buffer.from('<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>');
    const sent = [await sendFile(alice, bob, png, 'photo.png'), await sendFile(alice, bob, svg, 'photo.svg'), await sendFile(alice, bob, html, 'page.png')];
    for (const { file } of sent) await expect.poll(() => stateOf(bob, file.id), POLL).toBe('received');
    const [image, vector, page] = sent.map(({ file }) => bob.messenger.files.dtoFor(file.id)!);
    expect(image).toMatchObject({ mime: 'image/png', preview: 'image' });
    expect(sent[0]!.file.preview).toBe('image');
    for (const dto of [vector, page, sent[1]!.file, sent[2]!.file]) expect(dto).not.toHaveProperty('preview');
  });
});

describe('saving', () => {
  it('writes hostile names as plain, unique base names in the downloads folder', async () => {
    const bytes = randomFile(70 * KIB);
    const names = ['../../.bashrc', 'evil\u202Egpj.exe', '..\\..\\Windows\\system.ini'];
    const sent = [];
    for (const name of names) sent.push(await sendFile(alice, bob, bytes, name));
    for (const { file } of sent) await expect.poll(() => stateOf(bob, file.id), POLL).toBe('received');
    const downloads = net.downloads(bob);
    const paths: string[] = [];
    for (const { file } of [...sent, sent[0]!]) paths.push((await bob.messenger.files.save(alice.address, file.id)).path);
    for (const path of paths) {
      expect(dirname(path)).toBe(downloads);
      const name = basename(path);
      expect(name).not.toMatch(/^\.|[/\\\u202e]|\.\./u);
      expect(await readFile(path)).toEqual(bytes);
    }
    expect(new Set(paths).size).toBe(paths.length);
    expect((await readdir(downloads)).sort()).toEqual(paths.map((p) => basename(p)).sort());
    expect(bob.messenger.files.dtoFor(sent[0]!.file.id)?.savedTo).toBe(paths[3]);
    await expect(alice.messenger.files.save(bob.address, '0'.repeat(32))).rejects.toThrow('There is no such file in this conversation.');
  });
});

describe('cancelling and refusing', () => {
  it('an offer the receiver cancels is cancelled on both sides and no longer served', async () => {
    await bob.session.state.updateSettings({ autoAcceptBytes: 0 });
    const sent = await sendFile(alice, bob, randomFile(200 * KIB));
    await expect.poll(() => stateOf(bob, sent.file.id), POLL).toBe('offered');
    expect((await bob.messenger.files.cancel(alice.address, sent.file.id)).file?.state).toBe('cancelled');
    await expect.poll(() => stateOf(alice, sent.file.id), POLL).toBe('cancelled');
    expect(alice.messenger.files.dtoFor(sent.file.id)?.error).toBe('the other side stopped it');
  });

  it('a file the sender withdraws mid-transfer stops, is cancelled on both sides, and its partial bytes are deleted', async () => {
    const bytes = randomFile(16 * MIB);
    let withdrawn = false;
    net.onChunk = (by, stream) => {
      if (by !== bob.address || withdrawn || stream.bytes < 4 * MIB) return;
      withdrawn = true;
      void alice.messenger.files.cancel(bob.address, id);
    };
    const sent = await sendFile(alice, bob, bytes);
    const id = sent.file.id;
    await expect.poll(() => stateOf(bob, id), POLL).toBe('cancelled');
    await expect.poll(() => stateOf(alice, id), POLL).toBe('cancelled');
    expect(net.bytesRead(bob).reduce((a, b) => a + b, 0)).toBeLessThan(bytes.length);
    await settle();
    expect(await leftovers(bob, id)).toEqual([]);
  });

  it('a file the receiver stops mid-transfer is cancelled on both sides', async () => {
    const bytes = randomFile(16 * MIB);
    let stopped = false;
    net.onChunk = (by, stream) => {
      if (by !== bob.address || stopped || stream.bytes < 4 * MIB) return;
      stopped = true;
      void bob.messenger.files.cancel(alice.address, id);
    };
    const sent = await sendFile(alice, bob, bytes);
    const id = sent.file.id;
    await expect.poll(() => stateOf(alice, id), POLL).toBe('cancelled');
    await expect.poll(() => stateOf(bob, id), POLL).toBe('cancelled');
    await settle();
    expect(await leftovers(bob, id)).toEqual([]);
  });

  it('refuses and deletes bytes that do not match the offered hash', async () => {
    await bob.session.state.updateSettings({ autoAcceptBytes: 0 });
    const sent = await sendFile(alice, bob, randomFile(500 * KIB));
    await expect.poll(() => stateOf(bob, sent.file.id), POLL).toBe('offered');
    // The offer as a lying sender would have made it: the same bytes and key, another hash.
    const stored = bob.session.state.file(sent.file.id)!;
    await bob.session.state.transact((tx) => tx.files.put({ ...stored, sha256: sha256(Buffer.from('something else')) }));
    await bob.messenger.files.accept(alice.address, sent.file.id);
    await expect.poll(() => stateOf(bob, sent.file.id), POLL).toBe('failed');
    expect(bob.messenger.files.dtoFor(sent.file.id)).toMatchObject({ problem: 'altered', error: 'The file was altered on the way; what arrived was refused and deleted.' });
    expect(await leftovers(bob, sent.file.id)).toEqual([]);
    await expect(bob.messenger.files.read(alice.address, sent.file.id, 0, 10)).rejects.toThrow('This file has not been received yet.');
    await expect.poll(() => stateOf(alice, sent.file.id), POLL).not.toBe('sent');
  });
});

describe('resuming', () => {
  it('continues from what arrived after the receiver restarts mid-transfer', async () => {
    const bytes = randomFile(16 * MIB);
    let restarted: Promise<void> | undefined;
    net.onChunk = (by, stream) => {
      if (by !== bob.address || restarted !== undefined || stream.bytes < 0.4 * bytes.length) return;
      restarted = restart(bob);
    };
    const sent = await sendFile(alice, bob, bytes);
    await expect.poll(() => restarted !== undefined, POLL).toBe(true);
    await restarted;

    await expect.poll(() => stateOf(bob, sent.file.id), POLL).toBe('received');
    const [first, ...rest] = net.bytesRead(bob);
    // Stopping the messenger ended its fetch at once (not when the file was complete).
    expect(first).toBeGreaterThanOrEqual(0.4 * bytes.length);
    expect(first).toBeLessThan(0.45 * bytes.length);
    // What came again is what the first stream had not checkpointed, not the whole file.
    expect(rest.reduce((a, b) => a + b, 0)).toBeLessThan(0.75 * bytes.length);
    expect(sha256(await readWhole(bob, alice.address, sent.file.id))).toBe(sha256(bytes));
    await expect.poll(() => stateOf(alice, sent.file.id), POLL).toBe('sent');
  });

  it('a cut stream is tried again when the sender’s link comes back', async () => {
    const bytes = randomFile(8 * MIB);
    let cut = false;
    net.onChunk = (by, stream) => {
      if (by !== bob.address || cut || stream.bytes < 0.3 * bytes.length) return;
      cut = true;
      bob.links.disconnect();
      stream.socket.destroy();
    };
    const sent = await sendFile(alice, bob, bytes);
    await expect.poll(() => net.bytesRead(bob).length, POLL).toBe(1);
    await settle();
    expect(stateOf(bob, sent.file.id)).toBe('receiving');
    // The link comes back long before the 15 s retry: the fetch resumes at once.
    linkUp(alice.links, bob.links);
    await expect.poll(() => stateOf(bob, sent.file.id), { timeout: 10_000, interval: 50 }).toBe('received');
    expect(sha256(await readWhole(bob, alice.address, sent.file.id))).toBe(sha256(bytes));
  });
});

/** What is left of a file in the receiver's files folder (sealed copy, partial, progress). */
async function leftovers(p: Party, id: string): Promise<string[]> {
  const dir = filesDirOf(p);
  if (!existsSync(dir)) return [];
  const { partial, progress, sealed } = filePaths(dir, id);
  const paths = [partial, progress, sealed].map((path) => basename(path));
  return (await readdir(dir)).filter((name) => paths.includes(name));
}
