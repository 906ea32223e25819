// Several messengers on real profile stores and real Signal sessions, joined by links faked only at the frame level.
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import type { ApiEvents } from '../../../shared/api/index.js';
import { forwardMessagingEvents, type ApiEventArgs } from '../../api-events.js';
import { generateOnionKey, type OnionAddress, type OnionKey } from '../../identity/index.js';
import { NoLinkError, type LinkManager } from '../../link/index.js';
import type { ApplicationFrame } from '../../protocol/index.js';
import { SignalSessions } from '../../signal/index.js';
import { StateSignalRecords, createProfileStore, type ProfileSession, type ProfileStore } from '../../store/index.js';
import { FAST_KDF, GOOD_PASSWORD, tempRoot } from '../../store/test-fixtures.js';
import { Messenger } from '../messenger.js';
import { settle } from '../messenger-test-kit.js';

/** Links between everyone online who wants each other; frames cross on the next turn of the event loop. */
export class MeshLinks extends EventEmitter {
  online = true;
  /**
   * Each new link is replaced once, as when both ends dial at once and the second dial wins: the first Signal frames
   * sent on it (and whatever else is in flight then) are lost with it.
   */
  crossDials = false;
  /** Peers whose link has not been replaced yet by a crossing dial. */
  readonly #uncrossed = new Set<string>();
  readonly #up = new Set<string>();
  readonly #wanted = new Set<string>();
  /** Per peer, which link is current: a frame sent on an older one is lost. */
  readonly #generation = new Map<string, number>();
  /** Links replaced so far, by crossing dials or by hand. */
  replaced = 0;
  /** Which peers this one can link with at all (benches link a sender with each member only, not all pairs). */
  reachable: (peer: string) => boolean = () => true;
  /** Frames to these peers wait here (in order) until released, as over a slow circuit. */
  readonly #held = new Map<string, (() => void)[]>();

  constructor(
    readonly local: OnionAddress,
    private readonly mesh: Map<string, MeshLinks>,
  ) {
    super();
    mesh.set(local, this);
  }

  isUp(peer: string): boolean {
    return this.#up.has(peer);
  }

  want(peer: OnionAddress): void {
    this.#wanted.add(peer);
    this.#connect(peer);
  }

  unwant(peer: OnionAddress): void {
    this.#wanted.delete(peer);
  }

  disconnect(peer: OnionAddress): void {
    const other = this.mesh.get(peer);
    if (other !== undefined && this.#up.has(peer)) this.#down(other);
  }

  send(peer: OnionAddress, frame: ApplicationFrame): boolean {
    const other = this.mesh.get(peer);
    if (!this.#up.has(peer) || other === undefined) throw new NoLinkError(peer);
    if (frame.type === 'signal' && this.#uncrossed.delete(peer)) {
      other.#uncrossed.delete(this.local);
      setImmediate(() => this.replaceLink(peer));
    }
    const generation = this.#generation.get(peer);
    const deliver = (): void => {
      if (other.isUp(this.local) && this.#generation.get(peer) === generation) other.emit('frame', { peer: this.local, frame });
    };
    const held = this.#held.get(peer);
    if (held === undefined) setImmediate(deliver);
    else held.push(deliver);
    return true;
  }

  /** Frames to `peer` wait from now on, until {@link release}. */
  hold(peer: string): void {
    if (!this.#held.has(peer)) this.#held.set(peer, []);
  }

  /** Frames held for `peer` go, in order, and later ones go at once. */
  release(peer: string): void {
    const held = this.#held.get(peer) ?? [];
    this.#held.delete(peer);
    for (const deliver of held) setImmediate(deliver);
  }

  /**
   * A second link to `peer` takes the place of the first, as LinkManager's duplicate rule does: no link-down, a link-up
   * on both ends, and frames still in flight on the old link are lost.
   */
  replaceLink(peer: string): void {
    const other = this.mesh.get(peer);
    if (other === undefined || !this.#up.has(peer)) return;
    this.replaced += 1;
    this.#generation.set(peer, (this.#generation.get(peer) ?? 0) + 1);
    other.#generation.set(this.local, (other.#generation.get(this.local) ?? 0) + 1);
    this.emit('link-up', { peer });
    other.emit('link-up', { peer: this.local });
  }

  /** Comes online: links to everyone online who wants it or whom it wants. */
  goOnline(): void {
    this.online = true;
    for (const other of this.mesh.values()) {
      if (other !== this && (this.#wanted.has(other.local) || other.#wanted.has(this.local))) this.#connect(other.local);
    }
  }

  goOffline(): void {
    for (const other of this.mesh.values()) if (this.#up.has(other.local)) this.#down(other);
    this.online = false;
  }

  #connect(peer: string): void {
    const other = this.mesh.get(peer);
    if (other === undefined || !this.online || !other.online || this.#up.has(peer)) return;
    if (!this.reachable(peer) || !other.reachable(this.local)) return;
    this.#up.add(peer);
    other.#up.add(this.local);
    this.emit('link-up', { peer });
    other.emit('link-up', { peer: this.local });
    if (this.crossDials || other.crossDials) {
      this.#uncrossed.add(peer);
      other.#uncrossed.add(this.local);
    }
  }

  #down(other: MeshLinks): void {
    this.#up.delete(other.local);
    other.#up.delete(this.local);
    this.emit('link-down', { peer: other.local, cause: { kind: 'local', reason: 'shutdown' } });
    other.emit('link-down', { peer: this.local, cause: { kind: 'local', reason: 'shutdown' } });
  }
}

export interface Member {
  readonly name: string;
  readonly key: OnionKey;
  readonly address: OnionAddress;
  readonly root: string;
  readonly store: ProfileStore;
  readonly session: ProfileSession;
  readonly links: MeshLinks;
  readonly signal: SignalSessions;
  readonly messenger: Messenger;
  readonly events: { [E in keyof ApiEvents]?: ApiEvents[E][] };
  readonly logged: string[];
}

export async function member(name: string, mesh: Map<string, MeshLinks>): Promise<Member> {
  const root = await tempRoot();
  const store = createProfileStore({ rootDir: root, kdf: FAST_KDF });
  const session = await store.createProfile({ nickname: name, password: GOOD_PASSWORD });
  const key = generateOnionKey();
  const signal = await SignalSessions.open({ records: new StateSignalRecords(session.state), onionKey: key });
  const links = new MeshLinks(key.address, mesh);
  const logged: string[] = [];
  const messenger = new Messenger({ localAddress: key.address, onionKey: key, session, signal, links: links as unknown as LinkManager, log: (l) => logged.push(l) });
  const events: Member['events'] = {};
  const api = new EventEmitter<ApiEventArgs>();
  for (const event of ['message.received', 'message.updated', 'group.updated', 'group.invitation', 'group.joinRequest'] as const) {
    const seen = (events[event] ??= []) as unknown[];
    api.on(event, (payload: unknown) => seen.push(payload));
  }
  forwardMessagingEvents(messenger, api);
  await messenger.start();
  return { name, key, address: key.address, root, store, session, links, signal, messenger, events, logged };
}

export async function disposeMember(m: Member): Promise<void> {
  m.messenger.stop();
  await m.session.lock();
  await m.store.close();
  await rm(m.root, { recursive: true, force: true });
}

/** `a` adds `b`, `b` accepts: contacts with a session. */
export async function befriendMembers(a: Member, b: Member): Promise<void> {
  await a.messenger.addContact(b.address, b.name, 'hi');
  await settle();
  await b.messenger.acceptRequest(a.address, a.name);
  await settle();
}

/** Texts of a group's conversation as `m` holds it, oldest first, with their senders' addresses. */
export async function groupTexts(m: Member, groupId: string): Promise<{ from: string; text: string }[]> {
  const page = await m.messenger.groups.history(groupId, undefined, 200);
  return page.messages.map((msg) => ({ from: msg.sender?.address ?? '', text: msg.text })).reverse();
}

export { settle };
