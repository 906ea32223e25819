// Start-up repair after a crash between a message's state write and its history write: nothing lost, nothing doubled.
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateOnionKey } from '../identity/index.js';
import { LinkManager } from '../link/index.js';
import { SignalSessions } from '../signal/index.js';
import { StateSignalRecords, createProfileStore, newContact, type HistoryMessage, type ProfileSession, type ProfileStore } from '../store/index.js';
import { FAST_KDF, GOOD_PASSWORD, tempRoot } from '../store/test-fixtures.js';
import { makeEnvelope } from './envelope.js';
import { Messenger } from './messenger.js';
import { historyRecord, outboxEntry } from './store-records.js';

describe('Messenger start-up repair', () => {
  let root: string;
  let store: ProfileStore;
  let session: ProfileSession;
  const started: { messenger: Messenger; links: LinkManager }[] = [];
  const friend = generateOnionKey().address;

  beforeEach(async () => {
    root = await tempRoot();
    store = createProfileStore({ rootDir: root, kdf: FAST_KDF });
    session = await store.createProfile({ nickname: 'Bob', password: GOOD_PASSWORD });
    await session.state.putContact({ ...newContact({ address: friend, nickname: 'Friend', addedAt: new Date().toISOString(), status: 'accepted' }), inSeq: 1 });
  });

  afterEach(async () => {
    for (const { messenger, links } of started.splice(0)) {
      messenger.stop();
      links.close();
    }
    await session.lock();
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  /** Starts the messaging engine on the profile as the core does after unlocking, with no network to reach. */
  async function start(): Promise<void> {
    const key = generateOnionKey();
    const signal = await SignalSessions.open({ records: new StateSignalRecords(session.state), onionKey: key });
    const links = new LinkManager({ localAddress: key.address, dial: () => Promise.reject(new Error('no network in this test')) });
    const messenger = new Messenger({ localAddress: key.address, onionKey: key, session, signal, links });
    started.push({ messenger, links });
    await messenger.start();
  }

  const text = (direction: 'in' | 'out', seq: number) => {
    const envelope = makeEnvelope({ kind: 'text', seq, text: `${direction} ${String(seq)}` }, Date.now());
    return { envelope, stored: historyRecord(envelope, direction, `${direction} ${String(seq)}`, Date.now()) };
  };

  /** Writes what a run left behind: `queued` in the outbox (with outSeq and inSeq), `inHistory` in history. */
  async function leftBehind(options: { queued: ReturnType<typeof text>[]; inHistory: HistoryMessage[]; outSeq: number; inSeq: number }): Promise<void> {
    await session.state.transact((tx) => {
      if (!tx.contacts.update(friend, { outSeq: options.outSeq, inSeq: options.inSeq })) throw new Error('no contact');
      for (const { envelope } of options.queued) {
        if (envelope.body.kind !== 'text') throw new Error('text only');
        tx.outbox.put(outboxEntry(envelope, friend, envelope.body.seq, Date.now()));
      }
    });
    const history = await session.history(friend);
    for (const message of options.inHistory) await history.append(message);
  }

  async function wholeHistory(): Promise<HistoryMessage[]> {
    return (await (await session.history(friend)).page({ limit: 10_000 })).messages.reverse();
  }

  it('never copies queued messages into history again, however many are queued and however often it starts', async () => {
    const sent = Array.from({ length: 60 }, (_, index) => text('out', index + 1));
    await leftBehind({ queued: sent, inHistory: sent.map((m) => m.stored), outSeq: 60, inSeq: 1 });
    await start();
    await start();
    expect((await wholeHistory()).map((m) => m.id)).toEqual(sent.map((m) => m.envelope.id));
  });

  it('restores once the one message whose history write was lost, even behind a long run of incoming messages', async () => {
    const sent = [1, 2, 3].map((seq) => text('out', seq));
    const received = Array.from({ length: 150 }, (_, index) => text('in', index + 2));
    const lost = text('out', 4);
    await leftBehind({ queued: [...sent.slice(2), lost], inHistory: [...sent, ...received].map((m) => m.stored), outSeq: 4, inSeq: 151 });
    await start();
    await start();
    const history = await wholeHistory();
    expect(history).toHaveLength(3 + 150 + 1);
    expect(history.filter((m) => m.id === lost.envelope.id)).toHaveLength(1);
    expect(history.at(-1)).toMatchObject({ id: lost.envelope.id, direction: 'out', seq: 4 });
    expect(session.state.outbox().map((e) => e.seq)).toEqual([3, 4]);
  });

  it('puts back into the outbox our message whose state write was lost, so it is still delivered', async () => {
    const sent = [1, 2].map((seq) => text('out', seq));
    await leftBehind({ queued: [], inHistory: sent.map((m) => m.stored), outSeq: 1, inSeq: 1 });
    await start();
    expect(session.state.outbox().map((e) => [e.id, e.seq])).toEqual([[sent[1]?.envelope.id, 2]]);
    expect(session.state.contact(friend)?.outSeq).toBe(2);
  });

  it('counts an incoming message whose state write was lost as stored, so a resend of it is not stored twice', async () => {
    const received = Array.from({ length: 5 }, (_, index) => text('in', index + 2));
    await leftBehind({ queued: [], inHistory: received.map((m) => m.stored), outSeq: 0, inSeq: 5 });
    await start();
    expect(session.state.contact(friend)?.inSeq).toBe(6);
  });
});
