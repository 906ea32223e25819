// Deleting a file's bytes can fail (a read-only or vanished folder): the failure is logged and nothing rejects unhandled.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PartialFile } from '../../files/index.js';
import { befriend, dispose, party, settle, type Party } from '../messenger-test-kit.js';
import { FileNet, randomFile, sendFile } from './file-chat-test-kit.js';

const MIB = 1024 * 1024;
const POLL = { timeout: 20_000, interval: 50 };

let net: FileNet;
let alice: Party;
let bob: Party;
const unhandled: unknown[] = [];
const collect = (reason: unknown): void => void unhandled.push(reason);

beforeEach(async () => {
  unhandled.length = 0;
  process.on('unhandledRejection', collect);
  net = new FileNet();
  alice = await party('Alice', (p) => net.options(p));
  bob = await party('Bob', (p) => net.options(p));
  await net.listen(alice);
  await net.listen(bob);
  await befriend(alice, bob);
});
afterEach(async () => {
  process.off('unhandledRejection', collect);
  vi.restoreAllMocks();
  for (const p of [alice, bob]) await dispose(p);
  net.close();
});

describe('a file whose bytes cannot be deleted', () => {
  it('is still cancelled when the receiver stops it mid-transfer, and the failed deletion is logged', async () => {
    vi.spyOn(PartialFile, 'discard').mockRejectedValue(Object.assign(new Error('EACCES: permission denied, unlink'), { code: 'EACCES' }));
    let stopped = false;
    net.onChunk = (by, stream) => {
      if (by !== bob.address || stopped || stream.bytes < 2 * MIB) return;
      stopped = true;
      void bob.messenger.files.cancel(alice.address, id);
    };
    const sent = await sendFile(alice, bob, randomFile(8 * MIB));
    const id = sent.file.id;
    await expect.poll(() => bob.messenger.files.dtoFor(id)?.state, POLL).toBe('cancelled');
    await expect.poll(() => bob.logged.some((l) => l.startsWith(`could not delete the partial file ${id}`) && l.includes('EACCES')), POLL).toBe(true);
    await settle();
    expect(unhandled).toEqual([]);
  });
});
