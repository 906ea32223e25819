// Two messengers on real profile stores and real Signal sessions, joined by a link faked only at the frame level.
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach } from 'vitest';
import type { ApiEvents } from '../../shared/api/index.js';
import { forwardMessagingEvents, type ApiEventArgs } from '../api-events.js';
import { generateOnionKey, type OnionAddress, type OnionKey } from '../identity/index.js';
import { NoLinkError, type LinkManager } from '../link/index.js';
import type { ApplicationFrame } from '../protocol/index.js';
import { SignalSessions } from '../signal/index.js';
import { StateSignalRecords, createProfileStore, type ProfileSession, type ProfileStore } from '../store/index.js';
import { FAST_KDF, GOOD_PASSWORD, tempRoot } from '../store/test-fixtures.js';
import type { MessengerOptions } from './messenger-context.js';
import { Messenger } from './messenger.js';

/** The part of LinkManager the messenger uses; frames cross to the other side on the next turn of the event loop. */
export class FakeLinks extends EventEmitter {
  other: FakeLinks | undefined;
  up = false;
  readonly sent: ApplicationFrame[] = [];

  constructor(readonly local: OnionAddress) {
    super();
  }

  isUp(): boolean {
    return this.up;
  }

  want(): void {}
  unwant(): void {}

  disconnect(): void {
    if (this.up && this.other !== undefined) linkDown(this, this.other);
  }

  send(peer: OnionAddress, frame: ApplicationFrame): boolean {
    if (!this.up || this.other === undefined) throw new NoLinkError(peer);
    this.sent.push(frame);
    const { other, local } = this;
    setImmediate(() => {
      if (other.up) other.emit('frame', { peer: local, frame });
    });
    return true;
  }
}

export function linkUp(a: FakeLinks, b: FakeLinks): void {
  a.other = b;
  b.other = a;
  a.up = b.up = true;
  a.emit('link-up', { peer: b.local });
  b.emit('link-up', { peer: a.local });
}

export function linkDown(a: FakeLinks, b: FakeLinks): void {
  a.up = b.up = false;
  a.emit('link-down', { peer: b.local, cause: { kind: 'local', reason: 'shutdown' } });
  b.emit('link-down', { peer: a.local, cause: { kind: 'local', reason: 'shutdown' } });
}

export interface Party {
  readonly key: OnionKey;
  readonly address: OnionAddress;
  readonly root: string;
  readonly store: ProfileStore;
  session: ProfileSession;
  links: FakeLinks;
  signal: SignalSessions;
  messenger: Messenger;
  readonly events: { [E in keyof ApiEvents]?: ApiEvents[E][] };
  readonly logged: string[];
  /** Extra messenger options (file streams), made again at each (re)start. */
  readonly extra?: (p: Party) => Partial<MessengerOptions>;
}

export async function party(nickname: string, extra?: (p: Party) => Partial<MessengerOptions>): Promise<Party> {
  const root = await tempRoot();
  const store = createProfileStore({ rootDir: root, kdf: FAST_KDF });
  const session = await store.createProfile({ nickname, password: GOOD_PASSWORD });
  const key = generateOnionKey();
  const p = { key, address: key.address, root, store, session, events: {}, logged: [], extra } as unknown as Party;
  await startMessenger(p);
  return p;
}

/** (Re)starts the party's messenger on its open session, as the core does after unlocking. */
export async function startMessenger(p: Party): Promise<void> {
  const signal = await SignalSessions.open({ records: new StateSignalRecords(p.session.state), onionKey: p.key });
  p.signal = signal;
  p.links = new FakeLinks(p.address);
  p.messenger = new Messenger({
    localAddress: p.address,
    onionKey: p.key,
    session: p.session,
    signal,
    links: p.links as unknown as LinkManager,
    log: (l) => p.logged.push(l),
    ...p.extra?.(p),
  });
  // What the renderer would see: the messenger's domain events mapped to API events, as the core maps them.
  const api = new EventEmitter<ApiEventArgs>();
  for (const name of ['contact.updated', 'contact.removed', 'message.received', 'message.updated', 'request.received', 'request.removed', 'message.changed', 'file.progress'] as const) {
    record(p, api, name);
  }
  forwardMessagingEvents(p.messenger, api);
  await p.messenger.start();
}

function record<E extends keyof ApiEvents>(p: Party, api: EventEmitter<ApiEventArgs>, name: E): void {
  const seen = (p.events[name] ??= []) as ApiEvents[E][];
  // EventEmitter's typing cannot follow a generic event name; the listener is right for every E.
  const listener = (event: ApiEvents[E]): void => {
    seen.push(event);
  };
  api.on(name, listener as never);
}

/** Stops the messenger, locks the profile and opens it again, with a new messenger: a restart of the app. */
export async function restart(p: Party): Promise<void> {
  p.messenger.stop();
  await p.session.lock();
  p.session = await p.store.unlock(p.session.profile.id, GOOD_PASSWORD);
  await startMessenger(p);
}

export async function dispose(p: Party): Promise<void> {
  p.messenger.stop();
  await p.session.lock();
  await p.store.close();
  await rm(p.root, { recursive: true, force: true });
}

/** Lets frames cross and every queued per-peer task finish. */
export async function settle(): Promise<void> {
  for (let round = 0; round < 8; round++) {
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Alice adds Bob and Bob accepts, over a live link: both are accepted contacts with a session. */
export async function befriend(alice: Party, bob: Party): Promise<void> {
  if (!alice.links.up) linkUp(alice.links, bob.links);
  await alice.messenger.addContact(bob.address, 'Bob', 'hi');
  await settle();
  await bob.messenger.acceptRequest(alice.address, 'Alice');
  await settle();
}

/**
 * Registers, in the calling suite, an Alice and a Bob made afresh for each test (befriended unless told otherwise)
 * and disposed after it, and assigns them through `use` before each test.
 */
export function pairPerTest(use: (alice: Party, bob: Party) => void, { befriended = true } = {}): void {
  let made: [Party, Party] | undefined;
  beforeEach(async () => {
    made = [await party('Alice'), await party('Bob')];
    if (befriended) await befriend(...made);
    use(...made);
  });
  afterEach(async () => {
    for (const p of made ?? []) await dispose(p);
    made = undefined;
  });
}
