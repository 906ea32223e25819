// Keeps one link per peer: adopts inbound links, dials wanted peers with bounded concurrency and backoff, resolves duplicates.
import { EventEmitter } from 'node:events';
import type { OnionAddress } from '../identity/index.js';
import type { ApplicationFrame, CloseReason } from '../protocol/index.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import { linkToKeep } from './duplicate-rule.js';
import { LinkStateError, NoLinkError } from './errors.js';
import type { LinkCloseCause, PeerLink } from './peer-link.js';

export interface LinkManagerOptions {
  readonly localAddress: OnionAddress;
  /** Opens an authenticated link to a peer (dialPeer through tor in the app). */
  readonly dial: (peer: OnionAddress) => Promise<PeerLink>;
  readonly maxConcurrentDials?: number;
  readonly backoff?: BackoffPolicy;
  /** A link that lived this long counts as a success: the next reconnect starts from the initial delay. */
  readonly stableLinkMs?: number;
  /** Most links kept open to peers we do not want (strangers with requests); beyond it the oldest is closed. */
  readonly maxStrangerLinks?: number;
  readonly random?: () => number;
}

export interface LinkManagerEvents {
  /** The peer now has a link, or a newer one replaced its link (what went out on the old one may be lost). */
  'link-up': [{ readonly peer: OnionAddress; readonly link: PeerLink }];
  'link-down': [{ readonly peer: OnionAddress; readonly cause: LinkCloseCause }];
  /** An application frame from an authenticated peer, who may or may not be a contact: the layer above decides. */
  frame: [{ readonly peer: OnionAddress; readonly frame: ApplicationFrame }];
  'dial-failed': [{ readonly peer: OnionAddress; readonly error: unknown; readonly retryInMs: number | undefined }];
}

export const DEFAULT_MAX_CONCURRENT_DIALS = 8;
/** Anyone can make onion keys and authenticate: without a cap, strangers could hold links until file descriptors run out. */
export const DEFAULT_MAX_STRANGER_LINKS = 32;
export const DEFAULT_RECONNECT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 5 * 60_000 };
const DEFAULT_STABLE_LINK_MS = 60_000;

interface LinkEntry {
  readonly link: PeerLink;
  readonly dialer: OnionAddress;
  readonly sequence: number;
  readonly upAt: number;
}

export class LinkManager extends EventEmitter<LinkManagerEvents> {
  readonly #options: LinkManagerOptions;
  readonly #links = new Map<OnionAddress, LinkEntry>();
  readonly #wanted = new Set<OnionAddress>();
  readonly #queue: OnionAddress[] = [];
  readonly #dialing = new Set<OnionAddress>();
  readonly #retryTimers = new Map<OnionAddress, NodeJS.Timeout>();
  readonly #attempts = new Map<OnionAddress, number>();
  #sequence = 0;
  #closed = false;

  constructor(options: LinkManagerOptions) {
    super();
    this.#options = options;
  }

  /** Peers with an open link. */
  get peers(): OnionAddress[] {
    return [...this.#links.keys()];
  }

  /** Dials in flight (never more than maxConcurrentDials). */
  get dialsInFlight(): number {
    return this.#dialing.size;
  }

  isUp(peer: OnionAddress): boolean {
    return this.#links.has(peer);
  }

  linkTo(peer: OnionAddress): PeerLink | undefined {
    return this.#links.get(peer)?.link;
  }

  /** Keep a link to `peer`: dial now if there is none, and redial with backoff whenever it drops. */
  want(peer: OnionAddress): void {
    if (this.#closed) throw new LinkStateError('The link manager is closed.');
    if (peer === this.#options.localAddress) throw new LinkStateError('A profile cannot link to its own address.');
    this.#wanted.add(peer);
    if (!this.#links.has(peer)) this.#enqueue(peer);
  }

  /** Stop redialing `peer`. An open link stays open (the peer may still talk to us); use disconnect() to close it. */
  unwant(peer: OnionAddress): void {
    this.#wanted.delete(peer);
    this.#cancelRetry(peer);
    // Wanted again later (unblocked, re-added), the peer starts from the first delay, not from old failures.
    this.#attempts.delete(peer);
    const queued = this.#queue.indexOf(peer);
    if (queued >= 0) this.#queue.splice(queued, 1);
  }

  /** Closes the link to `peer`, if any, telling it why. */
  disconnect(peer: OnionAddress, reason: CloseReason = 'shutdown'): void {
    this.#links.get(peer)?.link.close(reason);
  }

  /** Sends on the peer's link; the result is PeerLink.send's (false: wait for its 'drain'). Throws NoLinkError without one. */
  send(peer: OnionAddress, frame: ApplicationFrame): boolean {
    const entry = this.#links.get(peer);
    if (entry === undefined) throw new NoLinkError(peer);
    return entry.link.send(frame);
  }

  /** Takes an authenticated link (from the listener or a dial) and applies the one-link-per-peer rule. */
  adopt(link: PeerLink): void {
    if (!link.isOpen) return;
    if (this.#closed) {
      link.close('shutdown');
      return;
    }
    const peer = link.peer;
    this.#sequence += 1;
    const entry: LinkEntry = { link, dialer: link.dialer, sequence: this.#sequence, upAt: performance.now() };
    link.on('frame', (frame) => this.emit('frame', { peer, frame }));
    link.on('close', (cause) => this.#onClose(entry, cause));
    const current = this.#links.get(peer);
    if (current === undefined) {
      this.#links.set(peer, entry);
      this.#cancelRetry(peer);
      this.emit('link-up', { peer, link });
      if (!this.#wanted.has(peer)) this.#closeOldestStrangers();
      return;
    }
    const kept = linkToKeep(current, entry);
    const dropped = kept === entry ? current : entry;
    this.#links.set(peer, kept);
    dropped.link.close('duplicate');
    // The peer stayed up, so no link-down; but what went out on the old link may be lost: start over on the new one.
    if (kept === entry) this.emit('link-up', { peer, link });
  }

  /** Closes every link and stops dialing. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#retryTimers.values()) clearTimeout(timer);
    this.#retryTimers.clear();
    this.#queue.length = 0;
    this.#wanted.clear();
    for (const { link } of [...this.#links.values()]) link.close('shutdown');
  }

  /** Keeps at most maxStrangerLinks links to unwanted peers, closing the oldest first. */
  #closeOldestStrangers(): void {
    const strangers = [...this.#links.values()].filter((entry) => !this.#wanted.has(entry.link.peer)).sort((a, b) => a.sequence - b.sequence);
    const excess = strangers.length - (this.#options.maxStrangerLinks ?? DEFAULT_MAX_STRANGER_LINKS);
    for (const { link } of strangers.slice(0, Math.max(0, excess))) link.close('shutdown');
  }

  #onClose(entry: LinkEntry, cause: LinkCloseCause): void {
    const peer = entry.link.peer;
    if (this.#links.get(peer) !== entry) return;
    this.#links.delete(peer);
    if (performance.now() - entry.upAt >= (this.#options.stableLinkMs ?? DEFAULT_STABLE_LINK_MS)) this.#attempts.delete(peer);
    this.emit('link-down', { peer, cause });
    if (this.#wanted.has(peer) && !this.#closed) this.#scheduleRetry(peer);
  }

  #enqueue(peer: OnionAddress): void {
    if (this.#dialing.has(peer) || this.#retryTimers.has(peer) || this.#queue.includes(peer)) return;
    this.#queue.push(peer);
    this.#pump();
  }

  #pump(): void {
    const max = this.#options.maxConcurrentDials ?? DEFAULT_MAX_CONCURRENT_DIALS;
    while (this.#dialing.size < max) {
      const peer = this.#queue.shift();
      if (peer === undefined) return;
      if (this.#links.has(peer) || !this.#wanted.has(peer)) continue;
      this.#dialing.add(peer);
      this.#options.dial(peer).then(
        (link) => this.#dialed(peer, link),
        (error: unknown) => this.#dialFailed(peer, error),
      );
    }
  }

  #dialed(peer: OnionAddress, link: PeerLink): void {
    this.#dialing.delete(peer);
    this.adopt(link);
    this.#pump();
  }

  #dialFailed(peer: OnionAddress, error: unknown): void {
    this.#dialing.delete(peer);
    const retry = this.#wanted.has(peer) && !this.#closed && !this.#links.has(peer);
    const retryInMs = retry ? this.#scheduleRetry(peer) : undefined;
    this.emit('dial-failed', { peer, error, retryInMs });
    this.#pump();
  }

  #scheduleRetry(peer: OnionAddress): number {
    const attempt = (this.#attempts.get(peer) ?? 0) + 1;
    this.#attempts.set(peer, attempt);
    const delay = backoffDelay(attempt, this.#options.backoff ?? DEFAULT_RECONNECT_BACKOFF, this.#options.random ?? Math.random);
    this.#cancelRetry(peer);
    const timer = setTimeout(() => {
      this.#retryTimers.delete(peer);
      if (this.#wanted.has(peer) && !this.#links.has(peer)) this.#enqueue(peer);
    }, delay);
    timer.unref();
    this.#retryTimers.set(peer, timer);
    return delay;
  }

  #cancelRetry(peer: OnionAddress): void {
    clearTimeout(this.#retryTimers.get(peer));
    this.#retryTimers.delete(peer);
  }
}
